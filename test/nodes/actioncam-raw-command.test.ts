import assert from 'node:assert/strict';
import configModule = require('../../nodes/actioncam-config');
import rawModule = require('../../nodes/actioncam-raw-command');
import { CameraSimulator } from '../../src/simulator';
import { CREDENTIALS, Collector, actionFlow, activeResources, collectors, configNode, delay, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

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

  describe('the unsolicited output (issue 11)', () => {
    /** n1 with its second output wired to helper "uns". */
    async function loadWatching(props: Record<string, unknown> = {}): Promise<Collector> {
      const node = { type: 'actioncam-raw-command', camera: 'c1', command: '', reply: 'auto', timeout: 2000, unsolicited: true, outputs: 2, wires: [['out'], ['uns']], ...props };
      const flow = actionFlow(node, configNode(cam.addr.controlPort, cam.addr.httpPort));
      flow.push({ id: 'uns', z: 'tab1', type: 'helper' });
      await loadFlow(NODES, flow, CREDENTIALS);
      return new Collector(helper.getNode('uns'));
    }

    /** A firmware round trip: whatever the camera sent before its reply has been handled after it. */
    async function roundTrip(out: Collector): Promise<void> {
      helper.getNode('n1').receive({ payload: 'a034' });
      assert.equal(((await out.next()).payload as Reply).type, 0xa035);
    }

    it('emits every message of an unknown type the camera sends, from deploy on, as {type, typeHex, name, hex}', async () => {
      const uns = await loadWatching();
      await waitUntil(() => cam.sim.stats.logins === 1, 3000, 'the login');
      cam.sim.notify(0xa0f0, Buffer.from('0102', 'hex'));
      cam.sim.notify(0x0115);
      assert.deepEqual((await uns.next()).payload, { type: 0xa0f0, typeHex: 'a0f0', name: '0xA0F0', hex: '0102' });
      assert.deepEqual((await uns.next()).payload, { type: 0x0115, typeHex: '0115', name: 'DISCOVERY_RESPONSE', hex: '' });
      const { out, caught } = collectors();
      await roundTrip(out);
      assert.equal(uns.messages.length, 2, 'the awaited reply goes to output 1 only');
      assert.equal(caught.messages.length, 0);
    });

    it('sends at most 20 a second and warns about the rest', async () => {
      const uns = await loadWatching();
      await waitUntil(() => cam.sim.stats.logins === 1, 3000, 'the login');
      for (let i = 0; i < 30; i++) cam.sim.notify(0xa0f1, Buffer.from([i]));
      const { out } = collectors();
      await roundTrip(out);
      assert.equal(uns.messages.length, 20);
      assert.deepEqual(uns.messages.map((m) => (m.payload as { hex: string }).hex), Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(2, '0')));
    });

    it('stays quiet when the output is off (the default)', async () => {
      await load();
      await waitUntil(() => cam.sim.stats.logins === 1, 3000, 'the login');
      const { out } = collectors();
      cam.sim.notify(0xa0f0, Buffer.from('0102', 'hex'));
      await roundTrip(out);
      assert.equal(out.messages.length, 1, 'only the reply');
    });

    it('waits for a camera that is off at deploy and listens once it is there', async () => {
      await cam.sim.stop();
      const late = new CameraSimulator({ host: '127.0.0.1', controlPort: cam.addr.controlPort, httpPort: 0 });
      const uns = await loadWatching();
      await delay(300); // the session fails to connect and reconnects with back-off meanwhile
      await late.start();
      try {
        await waitUntil(() => late.stats.logins === 1, 10000, 'the reconnect');
        late.notify(0xa0f2);
        assert.equal(((await uns.next(3000)).payload as { typeHex: string }).typeHex, 'a0f2');
      } finally {
        await helper.unload();
        await late.stop();
      }
    });

    it('leaves no sockets or timers behind after unload', async () => {
      const before = await activeResources();
      const uns = await loadWatching();
      await waitUntil(() => cam.sim.stats.logins === 1, 3000, 'the login');
      cam.sim.notify(0xa0f0);
      await uns.next();
      await helper.unload();
      await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
      assert.deepEqual(await leakedResources(before), []);
    });
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
