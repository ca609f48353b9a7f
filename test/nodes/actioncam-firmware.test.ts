import assert from 'node:assert/strict';
import configModule = require('../../nodes/actioncam-config');
import firmwareModule = require('../../nodes/actioncam-firmware');
import { CREDENTIALS, actionFlow, activeResources, closedPort, collectors, configNode, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, firmwareModule];

describe('actioncam-firmware node', () => {
  const cam = simulatorPerTest({ firmwareVersion: 'v9.9 test' });

  it('emits {version, words, raw} on the same msg and keeps its other properties', async () => {
    await cam.load(NODES, { type: 'actioncam-firmware', camera: 'c1' });
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'go', topic: 'fw', keep: { a: 1 } });
    const msg = await out.next();
    const payload = msg.payload as { version: string; words: number[]; raw: string };
    assert.equal(payload.version, 'v9.9 test');
    assert.equal(payload.words.length, 20);
    assert.match(payload.raw, /^[0-9a-f]+$/);
    assert.equal(msg.topic, 'fw');
    assert.deepEqual(msg.keep, { a: 1 });
    assert.equal(caught.messages.length, 0);
    await waitUntil(() => statusTexts(statuses).includes('ready'), 2000, 'status "ready"');
  });

  it('shares one camera session between two nodes', async () => {
    const flow = actionFlow({ type: 'actioncam-firmware', camera: 'c1' }, configNode(cam.addr.controlPort, cam.addr.httpPort));
    flow.push({ id: 'n2', z: 'tab1', type: 'actioncam-firmware', camera: 'c1', wires: [['out']] });
    await loadFlow(NODES, flow, CREDENTIALS);
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 1 });
    helper.getNode('n2').receive({ payload: 2 });
    await out.next();
    await out.next();
    assert.equal(cam.sim.stats.connections, 1);
    const config = helper.getNode('c1') as unknown as { users: Record<string, unknown> };
    assert.deepEqual(Object.keys(config.users).sort(), ['n1', 'n2']);
  });

  it('reports an unreachable camera once to the Catch node, with a red "unreachable: connection refused" status', async () => {
    const port = await closedPort();
    await loadFlow(NODES, actionFlow({ type: 'actioncam-firmware', camera: 'c1' }, configNode(port, 80, { reconnect: false, timeout: 500 })), CREDENTIALS);
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'go', topic: 'fw' });
    const err = await caught.next();
    assert.equal(err.topic, 'fw');
    // Node-RED puts the error's toString() in msg.error.message: the class, then the camera once.
    assert.equal((err.error as { message: string }).message, `UnreachableError: camera 127.0.0.1:${port} unreachable: ECONNREFUSED`);
    await waitUntil(() => statusTexts(statuses).includes('unreachable: connection refused'), 2000, 'a red status');
    const red = statuses.messages.map((m) => m.status as { fill?: string; text?: string }).find((s) => s.text === 'unreachable: connection refused');
    assert.equal(red?.fill, 'red');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(caught.messages.length, 1, 'exactly one Catch message');
    assert.equal(out.messages.length, 0);
  });

  it('fails every input clearly when no config node is set', async () => {
    await loadFlow(NODES, actionFlow({ type: 'actioncam-firmware', camera: '' }));
    const { caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'go' });
    const err = await caught.next();
    assert.match(String((err.error as { message: string }).message), /no camera configured/);
    await waitUntil(() => statusTexts(statuses).includes('error: no camera'), 2000, 'status "error: no camera"');
  });

  it('leaves no sockets or timers behind after unload', async () => {
    const before = await activeResources();
    await cam.load(NODES, { type: 'actioncam-firmware', camera: 'c1' });
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 'go' });
    await out.next();
    await helper.unload();
    await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
