import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import configModule = require('../../nodes/actioncam-config');
import recordModule = require('../../nodes/actioncam-record');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { Collector } from '../helpers/node-red';
import { CREDENTIALS, TAB, actionFlow, activeResources, collectors, configNode, delay, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, recordModule];

describe('actioncam-record node', () => {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });
  // the camera's own alive every 50 ms keeps the link's watchdog fed while a test fakes the clock
  const cam = simulatorPerTest({ aliveIntervalMs: 50 });

  /** The record node with output 1 wired to `out` and output 2 (the auto-stop) to `auto`. */
  async function load(props: Record<string, unknown> = {}): Promise<ReturnType<typeof collectors> & { auto: Collector }> {
    const node = { type: 'actioncam-record', camera: 'c1', action: 'msg', duration: '0', durationType: 'num', wires: [['out'], ['auto']], ...props };
    const flow = actionFlow(node, configNode(cam.addr.controlPort, cam.addr.httpPort));
    flow.push({ id: 'auto', z: TAB, type: 'helper' });
    await loadFlow(NODES, flow, CREDENTIALS);
    const c = { ...collectors(), auto: new Collector(helper.getNode('auto')) };
    await waitUntil(() => statusTexts(c.statuses).includes('ready'), 3000, 'status "ready"');
    return c;
  }

  it('starts and stops from msg.payload words and booleans, keeping the msg', async () => {
    const { out } = await load();
    const n1 = helper.getNode('n1');
    const cases: Array<[unknown, boolean, string]> = [
      ['start', true, 'start'],
      ['STOP', false, 'stop'],
      [true, true, 'start'],
      [false, false, 'stop'],
      ['toggle', true, 'start'],
      ['toggle', false, 'stop'],
    ];
    for (const [payload, recording, action] of cases) {
      n1.receive({ payload, topic: 'rec', other: 'kept' });
      const msg = await out.next();
      assert.deepEqual(msg.payload, { recording, action }, `payload ${String(payload)}`);
      assert.equal(msg.topic, 'rec');
      assert.equal(msg.other, 'kept');
      assert.equal(cam.sim.recording, recording);
    }
  });

  it('uses the fixed action from the editor whatever msg.payload says', async () => {
    const { out } = await load({ action: 'start' });
    helper.getNode('n1').receive({ payload: 'stop' });
    assert.deepEqual((await out.next()).payload, { recording: true, action: 'start' });
    assert.equal(cam.sim.recording, true);
  });

  it('rejects a bad payload once, clearly, with a red status', async () => {
    const { out, caught, statuses } = await load();
    helper.getNode('n1').receive({ payload: 'record please', topic: 'bad' });
    const err = await caught.next();
    assert.equal(err.topic, 'bad');
    assert.match(String((err.error as { message: string }).message), /msg\.payload must be "start", "stop", "toggle", true or false; got "record please"/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 1000, 'status "error: bad input"');
    await delay(100);
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
    assert.equal(cam.sim.recording, false);
  });

  it('rejects a negative msg.duration', async () => {
    const { caught } = await load();
    helper.getNode('n1').receive({ payload: 'start', duration: -5 });
    const err = await caught.next();
    assert.match(String((err.error as { message: string }).message), /duration must be a number of seconds/);
    assert.equal(cam.sim.recording, false);
  });

  describe('auto-stop (fake clock)', () => {
    async function tick(ms: number): Promise<void> {
      if (!clock) throw new Error('install the fake clock first');
      await clock.tickAsync(ms);
    }

    /** Advances the fake clock in small steps, letting real socket I/O run in between. */
    async function advance(ms: number): Promise<void> {
      for (let done = 0; done < ms; done += 250) {
        await tick(250);
        await delay(3);
      }
    }

    /** Waits for output number `count` (1-based); zero-length ticks let timers due at fake "now" run. */
    async function output(out: Collector, count: number): Promise<Record<string, unknown>> {
      for (let i = 0; i < 500 && out.messages.length < count; i++) {
        await tick(0);
        await delay(3);
      }
      assert.ok(out.messages.length >= count, `expected ${count} messages, got ${out.messages.length}`);
      return out.messages[count - 1];
    }

    it('stops after msg.duration, a new start pushes the stop back, and the status counts seconds', async () => {
      const { out, auto, statuses } = await load({ duration: '10', durationType: 'num' });
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldClearNativeTimers: true });
      const n1 = helper.getNode('n1');

      n1.receive({ payload: 'start', duration: 30, topic: 'motion' });
      assert.deepEqual((await output(out, 1)).payload, { recording: true, action: 'start' });
      await advance(12_000);
      assert.ok(statusTexts(statuses).includes('recording 12 s'), `statuses: ${statusTexts(statuses).slice(-3).join(' | ')}`);
      await advance(8_000); // t = 20 s
      assert.equal(cam.sim.recording, true);

      n1.receive({ payload: 'start', duration: 30, topic: 'motion again' }); // now stops at t = 50 s
      assert.deepEqual((await output(out, 2)).payload, { recording: true, action: 'start' });
      await advance(20_000); // t = 40 s: without the extension it would have stopped at 30 s
      assert.equal(cam.sim.recording, true);
      assert.equal(out.messages.length, 2);
      assert.equal(auto.messages.length, 0);

      await advance(10_500); // t = 50.5 s
      const stopped = await output(auto, 1);
      assert.deepEqual(stopped.payload, { recording: false, action: 'auto-stop' });
      assert.equal(stopped.topic, 'motion again');
      assert.equal(cam.sim.recording, false);
      assert.equal(out.messages.length, 2, 'the auto-stop leaves by output 2 only: what follows output 1 is not set off again');
    });

    it('uses the editor duration when msg.duration is absent, and a stop cancels the auto-stop', async () => {
      const { out, auto } = await load({ duration: '5', durationType: 'num' });
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldClearNativeTimers: true });
      const n1 = helper.getNode('n1');
      n1.receive({ payload: 'start' });
      await output(out, 1);
      await advance(5_250);
      assert.deepEqual((await output(auto, 1)).payload, { recording: false, action: 'auto-stop' });
      assert.equal(cam.sim.recording, false);

      n1.receive({ payload: 'start' });
      await output(out, 2);
      n1.receive({ payload: 'stop' });
      assert.deepEqual((await output(out, 3)).payload, { recording: false, action: 'stop' });
      await advance(6_000);
      assert.equal(out.messages.length, 3);
      assert.equal(auto.messages.length, 1, 'no auto-stop after a manual stop');
    });

    it('chained to a snapshot by output 1, takes one still per trigger and none at the auto-stop (the motion-sensor wiring)', async () => {
      const node = { type: 'actioncam-record', camera: 'c1', action: 'start', duration: '5', durationType: 'num', wires: [['snap'], ['auto']] };
      const flow = actionFlow(node, configNode(cam.addr.controlPort, cam.addr.httpPort));
      flow.push({ id: 'snap', z: TAB, type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 10000, wires: [['out']] });
      flow.push({ id: 'auto', z: TAB, type: 'helper' });
      await loadFlow([...NODES, snapshotModule], flow, CREDENTIALS);
      const out = new Collector(helper.getNode('out'));
      const auto = new Collector(helper.getNode('auto'));
      const statuses = new Collector(helper.getNode('statuses'));
      await waitUntil(() => statusTexts(statuses).includes('ready'), 3000, 'status "ready"');
      const photos = cam.sim.files.length;
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldClearNativeTimers: true });
      helper.getNode('n1').receive({ payload: true, topic: 'motion' });
      await output(out, 1);
      await advance(5_250);
      assert.deepEqual((await output(auto, 1)).payload, { recording: false, action: 'auto-stop' });
      await advance(1_000);
      assert.equal(out.messages.length, 1);
      assert.equal(cam.sim.files.length, photos + 2, 'one clip and one still');
    });
  });

  it('on close with an auto-stop armed, stops the recording, clears its timers and leaves no sockets behind', async () => {
    const before = await activeResources();
    const { out } = await load({ duration: '60', durationType: 'num' });
    helper.getNode('n1').receive({ payload: 'start' });
    await out.next();
    assert.equal(cam.sim.recording, true);
    await helper.unload();
    assert.equal(cam.sim.recording, false, 'the armed auto-stop is not lost on a redeploy');
    await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });

  it('on close without an auto-stop, leaves an open-ended recording running', async () => {
    const { out } = await load({ duration: '0', durationType: 'num' });
    helper.getNode('n1').receive({ payload: 'start' });
    await out.next();
    await helper.unload();
    assert.equal(cam.sim.recording, true);
  });
});
