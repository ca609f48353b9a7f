/**
 * Camera (src/camera/camera.ts): one camera's session and live preview, as the config node and the
 * CLI hold them. Against the simulator: the preview flows once acquired; after a reconnect the
 * stream is followed again (relearn on every login); close() is bounded and final.
 */
import assert from 'node:assert/strict';
import { InvalidStateError } from '../../src/errors';
import { Camera } from '../../src/camera/camera';
import type { AccessUnit } from '../../src/media/types';
import { PreviewPorts } from '../../src/preview/port';
import { CameraSimulator } from '../../src/simulator';
import { freeUdpPortPair } from '../helpers/udp-ports';
import { waitUntil } from '../helpers/node-red';

describe('camera: Camera (session + live preview)', function () {
  this.timeout(20000);
  let sim: CameraSimulator;
  let camera: Camera | undefined;

  afterEach(async () => {
    await camera?.close();
    camera = undefined;
    await sim?.stop();
  });

  it('streams once the preview is acquired, and again after the camera dropped the link', async () => {
    const port = await freeUdpPortPair();
    sim = new CameraSimulator({ host: '127.0.0.1', previewPort: port, fps: 30 });
    const addr = await sim.start();
    camera = new Camera({
      session: { host: '127.0.0.1', port: addr.controlPort, reconnectMinMs: 20, reconnectMaxMs: 50 },
      preview: { port, bindHost: '127.0.0.1', ports: new PreviewPorts() },
    });
    const states: string[] = [];
    camera.on('state', (state) => states.push(state));
    const units: AccessUnit[] = [];
    const source = await camera.preview.acquire();
    source.on('accessUnit', (au: AccessUnit) => units.push(au));
    await waitUntil(() => units.length >= 5, 10000, 'frames');
    assert.equal(camera.session?.previewRequested, true);
    sim.dropConnections();
    const before = units.length;
    await waitUntil(() => states.includes('reconnecting') && camera?.session?.state === 'ready', 10000, 'the reconnect');
    await waitUntil(() => units.length >= before + 20, 10000, 'frames after the reconnect');
    await camera.preview.release();
    assert.equal(camera.session?.previewRequested, false);
  });

  it('closeSession() lets the next open() dial again; close() is final and bounded', async () => {
    sim = new CameraSimulator({ host: '127.0.0.1' });
    const addr = await sim.start();
    camera = new Camera({ session: { host: '127.0.0.1', port: addr.controlPort } });
    const first = await camera.ready({ timeoutMs: 5000 });
    assert.equal(await camera.closeSession(), 'closed');
    assert.equal(first.state, 'closed');
    const second = await camera.ready({ timeoutMs: 5000 });
    assert.notEqual(second, first);
    assert.equal(await camera.close(), 'closed');
    assert.throws(() => camera?.open(), InvalidStateError);
  });
});
