import assert from 'node:assert/strict';
import configModule = require('../../nodes/actioncam-config');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { CREDENTIALS, actionFlow, activeResources, collectors, configNode, deadCamera, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, snapshotModule];

describe('actioncam-snapshot node', () => {
  const cam = simulatorPerTest();

  function load(props: Record<string, unknown> = {}): Promise<void> {
    return cam.load(NODES, { type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 5000, ...props });
  }

  it('takes a still and emits the new file {path, name, size, url}, keeping the msg', async () => {
    await load();
    const { out, caught } = collectors();
    const before = cam.sim.files.length;
    helper.getNode('n1').receive({ payload: true, topic: 'cam1', chatId: 42 });
    const msg = await out.next();
    assert.equal(cam.sim.files.length, before + 1);
    const added = cam.sim.files[cam.sim.files.length - 1];
    assert.deepEqual(msg.payload, {
      path: added.path,
      name: added.name,
      size: added.size,
      url: `http://127.0.0.1:${cam.addr.httpPort}${added.path}`,
    });
    assert.equal(msg.topic, 'cam1');
    assert.equal(msg.chatId, 42);
    assert.equal(caught.messages.length, 0);
  });

  it('with download on, emits the JPEG as a Buffer with msg.file and msg.contentType', async () => {
    await load({ download: true });
    const { out, statuses } = collectors();
    helper.getNode('n1').receive({ payload: '', topic: 't' });
    const msg = await out.next();
    const added = cam.sim.files[cam.sim.files.length - 1];
    assert.ok(Buffer.isBuffer(msg.payload));
    assert.ok((msg.payload as Buffer).equals(added.data));
    assert.equal(msg.contentType, 'image/jpeg');
    assert.deepEqual(msg.file, { path: added.path, name: added.name, size: added.size, url: `http://127.0.0.1:${cam.addr.httpPort}${added.path}` });
    assert.equal(msg.topic, 't');
    await waitUntil(() => statusTexts(statuses).includes('capturing'), 1000, 'status "capturing"');
    await waitUntil(() => statusTexts(statuses).at(-1) === added.name, 1000, 'the file name as the status');
  });

  it('shows the file name of the last still until the camera link changes', async () => {
    await load();
    const { out, statuses } = collectors();
    helper.getNode('n1').receive({});
    const first = (await out.next()).payload as { name: string };
    helper.getNode('n1').receive({});
    const second = (await out.next()).payload as { name: string };
    assert.notEqual(first.name, second.name);
    await waitUntil(() => statusTexts(statuses).at(-1) === second.name, 1000, 'the second file name');
    const shown = statuses.messages.at(-1)!.status as { fill: string; shape: string };
    assert.deepEqual([shown.fill, shown.shape], ['green', 'dot']);
    cam.sim.dropConnections();
    await waitUntil(() => statusTexts(statuses).at(-1) === 'ready', 5000, 'the link state again after a reconnect');
  });

  it('fails once with a clear timeout when the camera is too slow, and shows a red status', async () => {
    await load({ timeout: 300 });
    const { out, caught, statuses } = collectors();
    await waitUntil(() => statusTexts(statuses).includes('ready'), 2000, 'status "ready"');
    cam.sim.faults.replyDelayMs = 1500;
    helper.getNode('n1').receive({ payload: 1, topic: 'slow' });
    const err = await caught.next(3000);
    assert.equal(err.topic, 'slow');
    assert.match(String((err.error as { message: string }).message), /did not finish within 0\.3 s/);
    await waitUntil(() => statusTexts(statuses).includes('error: timeout'), 1000, 'status "error: timeout"');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  it('a timeout before the camera answered says the camera was not ready, with the link\'s state', async () => {
    const dead = await deadCamera();
    try {
      await helper.unload();
      await loadFlow(NODES, actionFlow({ type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 300 }, configNode(dead.port, 80, { timeout: 60_000 })), CREDENTIALS);
      const { out, caught } = collectors();
      helper.getNode('n1').receive({ topic: 'still' });
      const err = await caught.next(3000);
      assert.equal((err.error as { message: string }).message, 'TimeoutError: the snapshot did not finish within 0.3 s: the camera was not ready (connecting)');
      assert.equal(out.messages.length, 0);
    } finally {
      await helper.unload();
      await dead.stop();
    }
  });

  it('leaves no sockets or timers behind after unload', async () => {
    const before = await activeResources();
    await load({ download: true });
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 1 });
    await out.next();
    await helper.unload();
    await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
