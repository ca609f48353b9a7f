/**
 * Issue 10 in the nodes: a hostile camera's file list (finding 1), msg.duration beyond what a timer
 * holds (finding 8), and every node's duration and timeout checked (finding 11, "Nodes"): a clear
 * error at deploy for an editor value (red status, one log line, every input fails with it) and at
 * input for a msg value (Catch exactly once, red status), never a timer that fires at once.
 */
import assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import configModule = require('../../nodes/actioncam-config');
import discoverModule = require('../../nodes/actioncam-discover');
import firmwareModule = require('../../nodes/actioncam-firmware');
import listFilesModule = require('../../nodes/actioncam-list-files');
import rawCommandModule = require('../../nodes/actioncam-raw-command');
import recordModule = require('../../nodes/actioncam-record');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { MessageType, encodeFileListPart } from '../../src/protocol';
import { FakeCamera } from '../helpers/fake-camera';
import { MAX_PART_TEXT, partText } from '../helpers/hostile-camera';
import { CREDENTIALS, actionFlow, collectors, configNode, delay, helper, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';
import type { NodeModule } from '../helpers/node-red';

const NODES: NodeModule[] = [configModule, discoverModule, firmwareModule, listFilesModule, rawCommandModule, recordModule, snapshotModule];

interface Status {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Every status node `id` set, in order (the Status node only sees those after the flow started). */
function statusesOf(id: string): Status[] {
  const spy = helper.getNode(id).status as unknown as sinon.SinonSpy;
  return spy
    .getCalls()
    .filter((call) => (call.thisValue as { id?: string }).id === id)
    .map((call) => call.args[0] as Status);
}

/** Error lines the runtime logged for node `id`. */
function errorsLogged(id: string): string[] {
  const spy = (helper as unknown as { log(): { args: Array<[{ level: number; id?: string; msg: unknown }]> } }).log();
  return spy.args.filter(([entry]) => entry.level === 20 && entry.id === id).map(([entry]) => String(entry.msg));
}

/**
 * Sends `msg` to n1 and expects exactly one Catch message whose error (Node-RED's `Name: message`)
 * matches `message`, a red status and no output.
 */
async function failsOnce(msg: Record<string, unknown>, message: RegExp, c: ReturnType<typeof collectors>, reason = 'bad input'): Promise<void> {
  const before = c.caught.messages.length;
  helper.getNode('n1').receive(msg);
  const caught = await c.caught.next(5000, 'the Catch message');
  assert.match(String((caught.error as { message?: string }).message), message);
  assert.equal(caught.topic, msg.topic);
  await waitUntil(() => statusTexts(c.statuses).includes(`error: ${reason}`), 2000, `status "error: ${reason}"`);
  const red = c.statuses.messages.map((m) => m.status as Status).find((s) => s.text === `error: ${reason}`);
  assert.equal(red?.fill, 'red');
  await delay(100);
  assert.equal(c.caught.messages.length, before + 1, 'exactly one Catch message');
  assert.equal(c.out.messages.length, 0, 'no output');
}

/** The deploy-time verdict on n1: a red status and one logged error matching `message`. */
function misconfiguredAtDeploy(message: RegExp, id = 'n1'): void {
  const red = statusesOf(id).find((s) => s.fill === 'red');
  assert.ok(red, `no red status at deploy: ${JSON.stringify(statusesOf(id))}`);
  assert.equal(red.text, 'error: bad input');
  const logged = errorsLogged(id);
  assert.equal(logged.length, 1, `one error logged at deploy, got: ${logged.join(' | ')}`);
  assert.match(logged[0], message);
}

const TIMEOUT_ERROR = /^BadInputError: the timeout must be a number of milliseconds from 1 to 2147483647 \(about 24\.8 days, the longest a timer can wait\), or empty for the default; got /;
const TIMEOUT_MESSAGE = /^BadInputError: the timeout must be a number of milliseconds from 1 to 2147483647 .*; got /;

describe('node limits (issue 10)', function () {
  this.timeout(30_000);

  describe('list-files against a camera that sends more entries than the cap (finding 1)', () => {
    let camera: FakeCamera;
    beforeEach(async () => {
      camera = await FakeCamera.start();
    });
    afterEach(async () => {
      await helper.unload();
      await camera.close();
    });

    it('fails once with an error naming the camera and the cap, red status, no output; the session stays up', async () => {
      const node = { type: 'actioncam-list-files', camera: 'c1', mode: 'list', filter: 'all', newestFirst: true, limit: 0, timeout: 10000 };
      await loadFlow(NODES, actionFlow(node, configNode(camera.port, 80, { timeout: 10000 })), CREDENTIALS);
      const c = collectors();
      const conn = await camera.nextConnection();
      await conn.acceptLogin();
      await waitUntil(() => statusTexts(c.statuses).includes('ready'), 3000, 'status "ready"');
      // 300,000 entries of 16 bytes (4.8 MB) in 74 parts: under the byte cap, over the entry cap.
      const text = partText('/DCIM/IMG.JPG:1;', MAX_PART_TEXT);
      const entriesPerPart = text.length / 16;
      const total = Math.ceil(300_000 / entriesPerPart);
      const listing = failsOnce(
        { topic: 'ls' },
        /^ProtocolError: camera 127\.0\.0\.1:\d+ sent a file list of more than 200000 entries, the cap \(a full 512 GB card holds tens of thousands of files\): the list was refused$/,
        c,
        'protocol',
      );
      await conn.nextMessage(MessageType.REQUEST_FILE_LIST);
      for (let index = 0; index < total && !conn.closed; index++) {
        conn.sendMessage(MessageType.FILE_LIST_CONTENT, encodeFileListPart({ total, index, text }));
      }
      await listing;
      assert.equal(conn.closed, false, 'the refused list does not cost the session');
    });
  });

  describe('with the simulator', () => {
    const cam = simulatorPerTest({ aliveIntervalMs: 1000 });

    async function load(node: Record<string, unknown> & { type: string }, config: Record<string, unknown> = {}): Promise<ReturnType<typeof collectors>> {
      await cam.load(NODES, node, config);
      return collectors();
    }

    async function ready(c: ReturnType<typeof collectors>): Promise<void> {
      await waitUntil(() => statusTexts(c.statuses).includes('ready'), 3000, 'status "ready"');
    }

    describe('record: msg.duration (finding 8)', () => {
      it('refuses a duration above 2,147,483 s (the timer would fire at once) and never starts the recording', async () => {
        const c = await load({ type: 'actioncam-record', camera: 'c1', action: 'msg', duration: '0', durationType: 'num' });
        await ready(c);
        const tooLong = /^BadInputError: the duration must be a number of seconds, 0 or more \(0 = no auto-stop\) and at most 2147483 \(about 24\.8 days, the longest a timer can wait\); got /;
        await failsOnce({ payload: 'start', duration: 3_000_000, topic: 'a' }, tooLong, c);
        await failsOnce({ payload: 'start', duration: '2147483.648', topic: 'b' }, tooLong, c);
        await failsOnce({ payload: 'start', duration: -5, topic: 'c' }, /got -5$/, c);
        await failsOnce({ payload: 'start', duration: Number.NaN, topic: 'd' }, /got NaN$/, c);
        assert.equal(cam.sim.recording, false, 'the recording was started');
      });

      it('takes the longest duration a timer holds, 2,147,483 s: recording, and no auto-stop fired at once', async () => {
        const c = await load({ type: 'actioncam-record', camera: 'c1', action: 'msg', duration: '0', durationType: 'num' });
        await ready(c);
        helper.getNode('n1').receive({ payload: 'start', duration: 2_147_483 });
        assert.deepEqual((await c.out.next()).payload, { recording: true, action: 'start' });
        await delay(100);
        assert.equal(cam.sim.recording, true);
        assert.equal(c.out.messages.length, 1);
        assert.equal(c.caught.messages.length, 0);
      });

      it('a duration from flow context is checked at input the same way', async () => {
        const c = await load({ type: 'actioncam-record', camera: 'c1', action: 'start', duration: 'limit', durationType: 'msg' });
        await ready(c);
        await failsOnce({ limit: 1e12, topic: 'ctx' }, /at most 2147483 .*got 1000000000000$/, c);
        assert.equal(cam.sim.recording, false);
      });
    });

    describe('editor values, checked at deploy (finding 11, "Nodes")', () => {
      it('record: a fixed "stop after" above 2,147,483 s is a red status and one logged error at deploy; inputs fail; the camera is not used', async () => {
        const c = await load({ type: 'actioncam-record', camera: 'c1', action: 'msg', duration: '3000000', durationType: 'num' });
        misconfiguredAtDeploy(/^BadInputError: the duration must be a number of seconds, 0 or more .* at most 2147483 .*; got "3000000"$/);
        await failsOnce({ payload: 'start', topic: 'rec' }, /at most 2147483 .*got "3000000"$/, c);
        assert.equal(cam.sim.recording, false);
        assert.equal(cam.sim.stats.logins, 0, 'a misconfigured node opens no camera link');
      });

      const timeouts: Array<[string, Record<string, unknown> & { type: string }]> = [
        ['raw-command', { type: 'actioncam-raw-command', camera: 'c1', command: 'a034', reply: 'auto' }],
        ['snapshot', { type: 'actioncam-snapshot', camera: 'c1', download: false }],
        ['list-files', { type: 'actioncam-list-files', camera: 'c1', mode: 'list', filter: 'all', newestFirst: true, limit: 0 }],
        ['discover', { type: 'actioncam-discover', address: '127.0.0.1', addressType: 'str', ports: '22600' }],
      ];
      for (const [name, node] of timeouts) {
        for (const bad of [3_000_000_000, '2147483648', -5, 'soon']) {
          it(`${name}: timeout ${JSON.stringify(bad)} is a red status and one logged error at deploy, and each input fails once`, async () => {
            const c = await load({ ...node, timeout: bad });
            misconfiguredAtDeploy(TIMEOUT_ERROR);
            await failsOnce({ payload: 'go', topic: name }, TIMEOUT_MESSAGE, c);
            await failsOnce({ payload: 'again', topic: name }, TIMEOUT_MESSAGE, c);
          });
        }
      }

      it('the largest timeout a timer holds (2147483647 ms) and an empty one (the default) are taken', async () => {
        const c = await load({ type: 'actioncam-raw-command', camera: 'c1', command: 'a034', reply: 'auto', timeout: '2147483647' });
        await ready(c);
        helper.getNode('n1').receive({});
        assert.equal(((await c.out.next()).payload as { name: string }).name, 'FIRMWARE_INFORMATION');
        assert.deepEqual(errorsLogged('n1'), []);
        await helper.unload();
        const d = await load({ type: 'actioncam-raw-command', camera: 'c1', command: 'a034', reply: 'auto', timeout: '' });
        await ready(d);
        helper.getNode('n1').receive({});
        assert.equal(((await d.out.next()).payload as { name: string }).name, 'FIRMWARE_INFORMATION');
      });

      it("config: a camera timeout no timer can hold is logged at deploy, every user shows it red, and each action fails once, naming the camera", async () => {
        const c = await load({ type: 'actioncam-firmware', camera: 'c1' }, { timeout: 3_000_000_000 });
        const logged = errorsLogged('c1');
        assert.equal(logged.length, 1, logged.join(' | '));
        assert.match(logged[0], /^BadInputError: the timeout of camera 127\.0\.0\.1:\d+ must be a number of milliseconds from 1 to 2147483647 /);
        assert.equal(statusesOf('n1').at(-1)?.text, 'error: bad input');
        await failsOnce({ topic: 'fw' }, /^BadInputError: the timeout of camera 127\.0\.0\.1:\d+ must be .*; got 3000000000$/, c);
        assert.equal(cam.sim.stats.logins, 0, 'no session was opened with it');
      });
    });
  });
});

