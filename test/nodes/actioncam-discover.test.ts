import assert from 'node:assert/strict';
import discoverModule = require('../../nodes/actioncam-discover');
import { actionFlow, activeResources, collectors, delay, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [discoverModule];

describe('actioncam-discover node', () => {
  const cam = simulatorPerTest();

  function load(props: Record<string, unknown> = {}): Promise<void> {
    const node = { type: 'actioncam-discover', address: '127.0.0.1', addressType: 'str', ports: String(cam.addr.discoveryPorts[0]), timeout: 400, ...props };
    return loadFlow(NODES, actionFlow(node));
  }

  it('emits the cameras that answer as an array, keeping the msg', async () => {
    await load();
    const { out, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'scan', topic: 'find' });
    const msg = await out.next(3000);
    const cameras = msg.payload as Array<{ address: string; port: number; serial?: string; raw: string }>;
    assert.equal(cameras.length, 1);
    assert.equal(cameras[0].address, '127.0.0.1');
    assert.equal(cameras[0].serial, cam.sim.serial);
    assert.match(cameras[0].raw, /^[0-9a-f]+$/);
    assert.equal(msg.topic, 'find');
    assert.ok(statusTexts(statuses).includes('searching'));
    await waitUntil(() => statusTexts(statuses).at(-1) === 'found 1', 1000, 'status "found 1"');
    const found = statuses.messages.at(-1)!.status as { fill: string; shape: string };
    assert.deepEqual([found.fill, found.shape], ['green', 'dot']);
  });

  it('reads the address from the msg (TypedInput) and emits [] when nobody answers', async () => {
    await cam.sim.stop();
    await load({ address: 'target', addressType: 'msg', timeout: 200 });
    const { out, statuses } = collectors();
    helper.getNode('n1').receive({ target: '127.0.0.1' });
    assert.deepEqual((await out.next(3000)).payload, []);
    await waitUntil(() => statusTexts(statuses).at(-1) === 'none found', 1000, 'status "none found"');
    const none = statuses.messages.at(-1)!.status as { fill: string; shape: string };
    assert.deepEqual([none.fill, none.shape], ['yellow', 'ring']);
  });

  it('rejects a non-string address once, with a red status', async () => {
    await load({ address: 'target', addressType: 'msg' });
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ target: 42, topic: 'bad' });
    const err = await caught.next();
    assert.equal(err.topic, 'bad');
    assert.match(String((err.error as { message: string }).message), /discovery address must be a string.*got 42/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 1000, 'a red status');
    await delay(100);
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  it('aborts a running search on close and leaves no sockets or timers behind', async () => {
    const before = await activeResources();
    await load({ timeout: 10_000 });
    const { out, caught } = collectors();
    helper.getNode('n1').receive({});
    await delay(50);
    await helper.unload();
    assert.deepEqual(await leakedResources(before), []);
    assert.equal(out.messages.length, 0);
    assert.equal(caught.messages.length, 0);
  });
});
