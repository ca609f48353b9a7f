/**
 * LivePreview (src/preview/live-preview.ts): one camera's preview shared by every output. The first
 * holder joins the port and asks the camera for the stream, the last one forgets the wish and leaves
 * the port; a failed start holds nothing.
 */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { BadInputError } from '../../src/errors';
import { LivePreview } from '../../src/preview/live-preview';
import { PreviewPorts } from '../../src/preview/port';
import { freeUdpPortPair } from '../helpers/udp-ports';

describe('preview: LivePreview (the shared head of the pipeline)', () => {
  let ports: PreviewPorts;
  let calls: string[];
  let port: number;

  beforeEach(async () => {
    ports = new PreviewPorts();
    calls = [];
    port = await freeUdpPortPair();
  });

  function preview(): LivePreview {
    return new LivePreview({
      cameraHost: '127.0.0.2',
      bindHost: '127.0.0.1',
      port,
      ports,
      requestPreview: () => calls.push('request'),
      cancelPreview: () => calls.push('cancel'),
    });
  }

  it('the first holder starts it, every holder asks the camera, the last release stops it', async () => {
    const p = preview();
    assert.equal(await p.acquire(), p, 'the preview is the stream source');
    await p.acquire();
    assert.equal(p.holders, 2);
    assert.equal(ports.size, 1);
    assert.equal(p.state, 'listening');
    await p.release();
    assert.deepEqual(calls, ['request', 'request'], 'still held: nothing cancelled');
    assert.equal(ports.size, 1);
    await p.release();
    await p.release(); // one too many: harmless
    assert.deepEqual(calls, ['request', 'request', 'cancel']);
    assert.equal(ports.size, 0, 'the port is free again');
    assert.equal(p.state, 'stopped');
    await p.acquire();
    assert.equal(p.state, 'listening', 'it starts again');
    await p.close();
    assert.equal(p.holders, 0);
    assert.equal(ports.size, 0);
  });

  it('a port that cannot be opened rejects acquire() with a typed error and holds nothing', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(port, '127.0.0.1', resolve));
    try {
      const p = preview();
      await assert.rejects(p.acquire(), BadInputError);
      assert.equal(p.holders, 0);
      assert.deepEqual(calls, ['cancel'], 'the camera was never asked; the wish is forgotten anyway');
    } finally {
      blocker.close();
    }
  });
});
