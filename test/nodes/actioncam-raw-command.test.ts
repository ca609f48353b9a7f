import assert from 'node:assert/strict';
import configModule = require('../../nodes/actioncam-config');
import rawModule = require('../../nodes/actioncam-raw-command');
import { activeResources, collectors, delay, helper, leakedResources, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, rawModule];

interface Reply {
  type: number;
  typeHex: string;
  name: string;
  payload: Buffer;
  hex: string;
}

describe('actioncam-raw-command node', () => {
  const cam = simulatorPerTest({ firmwareVersion: 'v1.0 rc5' });

  function load(props: Record<string, unknown> = {}): Promise<void> {
    const node = { type: 'actioncam-raw-command', camera: 'c1', command: '', reply: 'auto', timeout: 2000, ...props };
    return cam.load(NODES, node);
  }

  it('sends a hex command from msg.payload and emits the reply (type + 1), keeping the msg', async () => {
    await load();
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 'a0 34', topic: 're' });
    const msg = await out.next();
    const reply = msg.payload as Reply;
    assert.equal(reply.type, 0xa035);
    assert.equal(reply.typeHex, 'a035');
    assert.equal(reply.name, 'FIRMWARE_INFORMATION');
    assert.ok(Buffer.isBuffer(reply.payload));
    assert.equal(reply.hex, reply.payload.toString('hex'));
    assert.ok(reply.payload.includes(Buffer.from('v1.0 rc5')));
    assert.equal(msg.topic, 're');
  });

  it('takes {type, payload} and the configured command', async () => {
    await load({ command: '0xA034' });
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 'ignored: the node has a command' });
    assert.equal(((await out.next()).payload as Reply).type, 0xa035);
    await helper.unload();

    await load();
    const c = collectors();
    helper.getNode('n1').receive({ payload: { type: 0xa038, payload: '' } });
    assert.equal(((await c.out.next()).payload as Reply).typeHex, 'a039');
    assert.equal(cam.sim.files.filter((f) => f.type === 'photo').length, 2);
  });

  it('with reply "none" sends and emits null', async () => {
    await load({ reply: 'none' });
    const { out } = collectors();
    const seen: number[] = [];
    cam.sim.on('command', (type: number) => seen.push(type));
    helper.getNode('n1').receive({ payload: 'a0ff0102' });
    const msg = await out.next();
    assert.equal(msg.payload, null);
    await waitUntil(() => seen.includes(0xa0ff), 1000, 'the camera to get A0FF');
  });

  it('rejects bad hex once with a clear message and a red status', async () => {
    await load();
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'zz12', topic: 'oops' });
    const err = await caught.next();
    assert.equal(err.topic, 'oops');
    assert.match(String((err.error as { message: string }).message), /hex string of at least 2 bytes.*got "zz12"/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 1000, 'a red status');
    await delay(100);
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  it('times out clearly when the camera does not answer an unknown command', async () => {
    await load({ timeout: 300 });
    const { caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'a0ff' });
    const err = await caught.next(3000);
    assert.equal((err.error as { message: string }).message.length > 0, true);
    await waitUntil(() => statusTexts(statuses).includes('error: timeout'), 1000, 'status "error: timeout"');
  });

  it('leaves no sockets or timers behind after unload', async () => {
    const before = await activeResources();
    await load();
    const { out } = collectors();
    helper.getNode('n1').receive({ payload: 'a034' });
    await out.next();
    await helper.unload();
    await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
