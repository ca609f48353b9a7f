/**
 * The actioncam-clip node against a camera simulator (a fresh one per test): a trigger saves the
 * pre-roll and the next seconds, which ffprobe reads and ffmpeg decodes bit-identical to the
 * simulator's clip (pre-roll included); the Buffer output; one Catch message and a red status for a
 * missing folder or a bad duration; a retrigger extends the clip (sinon fake clock: no timed
 * assertions); a redeploy mid-clip saves it complete within the close limit and leaves no
 * temporary file; removing the node gives the preview back (its UDP port is free again).
 */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import configModule = require('../../nodes/actioncam-config');
import clipModule = require('../../nodes/actioncam-clip');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { CLIP_FPS, CLIP_FRAMES, CLIP_IDR_FRAMES, CLIP_PATH } from '../helpers/clip';
import { listDir, tempFolder, temporaryLeftovers } from '../helpers/clip-fs';
import { alignWithReference, ffmpegAvailable, killSpawnedFfmpeg, referenceFramemd5 } from '../helpers/ffmpeg';
import { ffprobeAvailable, probeVideo } from '../helpers/ffprobe';
import { topLevelBoxes } from '../helpers/mp4-boxes';
import {
  CREDENTIALS,
  TAB,
  actionFlow,
  collectors,
  delay,
  helper,
  loadFlow,
  startStreamingSimulator,
  statusTexts,
  waitUntil,
} from '../helpers/node-red';
import type { Collector, FlowNode, Msg, StreamingSimulator } from '../helpers/node-red';
import type { CameraSimulator } from '../../src/simulator';
import type { ClipResult } from '../../src/clip/types';

const NODES = [configModule, clipModule, snapshotModule];
/** The committed clip's keyframe interval: "within one GOP". */
const GOP = 15;

/** msg.payload of a saved clip: the library's result, as docs/NODES.md promises. */
type ClipPayload = ClipResult;

describe('actioncam-clip node', function () {
  this.timeout(40000);
  let sim: CameraSimulator;
  let previewPort: number;
  let config: StreamingSimulator['config'];
  let dir: string;
  let clock: sinon.SinonFakeTimers | undefined;
  let players = false;

  before(async () => {
    players = ffmpegAvailable() && ffprobeAvailable();
    if (!players) console.log('      (ffmpeg/ffprobe missing: the clips are checked without a real player)');
  });

  beforeEach(async () => {
    // the camera's own alive every 50 ms keeps the link's watchdog fed while a test fakes the clock
    ({ sim, previewPort, config } = await startStreamingSimulator({ aliveIntervalMs: 50 }));
    dir = await tempFolder('actioncam-clip-node-');
  });

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await sim.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  after(() => killSpawnedFfmpeg());

  function camera(): FlowNode {
    return config({ name: 'garage' });
  }

  function clipNode(props: Record<string, unknown> = {}): Record<string, unknown> & { type: string } {
    return { type: 'actioncam-clip', camera: 'c1', folder: dir, folderType: 'str', preRoll: 2, duration: 2, maxDuration: 300, output: 'file', ...props };
  }

  async function load(props: Record<string, unknown> = {}): Promise<ReturnType<typeof collectors>> {
    await loadFlow(NODES, actionFlow(clipNode(props), camera()), CREDENTIALS);
    return collectors();
  }

  /** ffprobe reads it, and every frame is the simulator's clip in order from one of its keyframes; moov before mdat. */
  async function assertClip(file: string, frames: number): Promise<void> {
    const bytes = await fsp.readFile(file);
    assert.deepEqual(topLevelBoxes(bytes).map((b) => b.type), ['ftyp', 'moov', 'mdat'], 'moov before mdat');
    if (!players) return;
    const probed = await probeVideo(file);
    assert.deepEqual([probed.codec, probed.width, probed.height, probed.frames], ['h264', 320, 240, frames]);
    const reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
    assert.equal(reference.length, CLIP_FRAMES);
    const decoded = (await referenceFramemd5(file)).map((f) => f.md5);
    const aligned = alignWithReference(decoded, reference, CLIP_IDR_FRAMES);
    assert.notEqual(aligned.start, undefined, `every frame bit-identical to the simulator's clip; ${JSON.stringify(aligned)}`);
  }

  it('saves the pre-roll and the next seconds: the msg comes back with the clip, every frame bit-identical', async () => {
    const { out, caught, statuses } = await load();
    await waitUntil(() => statusTexts(statuses).includes('pre-roll 2 s'), 10000, 'status "pre-roll 2 s"');
    helper.getNode('n1').receive({ payload: true, topic: 'motion', keep: 7 });
    const msg = await out.next(15000, 'the saved clip');
    assert.equal(msg.topic, 'motion');
    assert.equal(msg.keep, 7);
    const clip = msg.payload as ClipPayload;
    assert.deepEqual(Object.keys(clip), ['file', 'start', 'duration', 'frames', 'size', 'preRoll']);
    assert.equal(path.dirname(clip.file), dir);
    assert.match(path.basename(clip.file), /^garage-\d{8}-\d{6}\.mp4$/);
    assert.ok(!Number.isNaN(Date.parse(clip.start)));
    assert.ok(clip.preRoll >= 2 - 0.2 && clip.preRoll <= 3 + 0.2, `pre-roll ${clip.preRoll} s: from the keyframe at or before 2 s back`);
    assert.ok(Math.abs(clip.frames - 4 * CLIP_FPS) <= GOP, `${clip.frames} frames for 2 + 2 s`);
    assert.ok(Math.abs(clip.frames - clip.duration * CLIP_FPS) <= GOP, `frames ${clip.frames} against duration ${clip.duration} s`);
    assert.equal(clip.size, (await fsp.stat(clip.file)).size);
    await assertClip(clip.file, clip.frames);
    const texts = statusTexts(statuses);
    assert.ok(texts.some((t) => /^recording clip \d+ s$/.test(t)), texts.join(' | '));
    assert.ok(texts.includes('saving clip'), texts.join(' | '));
    await waitUntil(() => statusTexts(statuses).at(-1) === 'pre-roll 2 s', 5000, 'back to "pre-roll 2 s"');
    assert.equal(caught.messages.length, 0);
    assert.deepEqual(await listDir(dir), [path.basename(clip.file)]);
  });

  it('with Output "MP4 as a Buffer": msg.payload the MP4, msg.file the clip, msg.contentType video/mp4', async () => {
    const { out, statuses } = await load({ output: 'buffer', preRoll: 1, duration: 1 });
    await waitUntil(() => statusTexts(statuses).includes('pre-roll 1 s'), 10000, 'status "pre-roll 1 s"');
    helper.getNode('n1').receive({ payload: 'go' });
    const msg = await out.next(15000, 'the clip as a Buffer');
    assert.ok(Buffer.isBuffer(msg.payload));
    const file = msg.file as ClipPayload;
    assert.equal(msg.contentType, 'video/mp4');
    assert.ok((msg.payload as Buffer).equals(await fsp.readFile(file.file)));
    assert.equal((msg.payload as Buffer).length, file.size);
    await assertClip(file.file, file.frames);
  });

  it('a missing folder goes to the Catch node once with a red "error: no folder"; the next trigger works', async () => {
    const { out, caught, statuses } = await load({ folder: path.join(dir, 'missing'), preRoll: 1, duration: 1 });
    await waitUntil(() => statusTexts(statuses).includes('pre-roll 1 s'), 10000, 'status "pre-roll 1 s"');
    helper.getNode('n1').receive({ payload: true, topic: 'first' });
    const err = await caught.next(10000, 'the error');
    assert.equal(err.topic, 'first');
    assert.match(String((err.error as { message: string }).message), /the folder .*missing does not exist; create it or choose another folder/);
    await waitUntil(() => statusTexts(statuses).at(-1) === 'error: no folder', 3000, 'status "error: no folder"');
    await delay(300);
    assert.equal(caught.messages.length, 1, 'reported once');
    assert.equal(out.messages.length, 0);
    assert.equal(statusTexts(statuses).at(-1), 'error: no folder', 'the pre-roll status does not paint over the failure');
    assert.deepEqual(await listDir(dir), []);

    await fsp.mkdir(path.join(dir, 'missing'));
    helper.getNode('n1').receive({ payload: true, topic: 'second' });
    assert.equal((await out.next(15000, 'a clip')).topic, 'second');
    assert.equal(caught.messages.length, 1);
  });

  it('Folder left empty: actioncam-clips in Node-RED\'s user directory, created when missing', async () => {
    (helper as unknown as { settings(s: Record<string, unknown>): void }).settings({ userDir: dir });
    try {
      const { out, statuses } = await load({ folder: '', preRoll: 1, duration: 1 });
      await waitUntil(() => statusTexts(statuses).includes('pre-roll 1 s'), 10000, 'status "pre-roll 1 s"');
      helper.getNode('n1').receive({ payload: true });
      const clip = (await out.next(15000, 'the clip')).payload as ClipPayload;
      assert.equal(path.dirname(clip.file), path.join(dir, 'actioncam-clips'));
      assert.deepEqual(await listDir(path.join(dir, 'actioncam-clips')), [path.basename(clip.file)]);
    } finally {
      (helper as unknown as { settings(s: Record<string, unknown>): void }).settings({});
    }
  });

  it('a bad msg.duration is one Catch message, "error: bad input"', async () => {
    const { out, caught, statuses } = await load();
    helper.getNode('n1').receive({ payload: true, duration: 'soon' });
    const err = await caught.next(5000, 'the error');
    assert.match(String((err.error as { message: string }).message), /clip duration must be a number of seconds above 0.*"soon"/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 3000, 'status "error: bad input"');
    await delay(100);
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  describe('extend on retrigger (fake clock)', () => {
    async function advance(ms: number): Promise<void> {
      for (let done = 0; done < ms; done += 250) {
        await clock!.tickAsync(250);
        await delay(3);
      }
    }

    /** Waits for output number `count`, letting fake timers due "now" and real I/O run. */
    async function output(collector: Collector, count: number): Promise<Msg> {
      for (let i = 0; i < 1000 && collector.messages.length < count; i++) {
        await clock!.tickAsync(0);
        await delay(5);
      }
      assert.ok(collector.messages.length >= count, `expected ${count} messages, got ${collector.messages.length}`);
      return collector.messages[count - 1];
    }

    it('a trigger while recording extends the clip to Duration from then; one msg (the first trigger\'s) when it is saved', async () => {
      const { out, caught, statuses } = await load({ preRoll: 1, duration: 10 });
      await waitUntil(() => statusTexts(statuses).includes('pre-roll 1 s'), 10000, 'status "pre-roll 1 s"');
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldClearNativeTimers: true });
      const n1 = helper.getNode('n1');

      n1.receive({ payload: true, topic: 'A' });
      await advance(8_000);
      const counting = statusTexts(statuses).filter((t) => /^recording clip \d+ s$/.test(t));
      assert.ok(counting.length >= 5, `the status counts the clip's seconds: ${counting.join(' | ')}`);
      const seconds = counting.map((t) => Number(/(\d+) s$/.exec(t)![1]));
      assert.ok(seconds.every((s, i) => i === 0 || s >= seconds[i - 1]) && seconds.at(-1)! > seconds[0], seconds.join(','));

      n1.receive({ payload: true, topic: 'B' }); // t = 8 s: the clip now ends at 18 s, not 10 s
      await advance(4_000); // t = 12 s
      await delay(200);
      assert.equal(out.messages.length, 0, 'not ended at 10 s');
      assert.ok(/^recording clip \d+ s$/.test(statusTexts(statuses).at(-1)!), statusTexts(statuses).at(-1));

      await advance(6_500); // t = 18.5 s
      const msg = await output(out, 1);
      assert.equal(msg.topic, 'A', 'the msg that started the clip');
      const clip = msg.payload as ClipPayload;
      assert.ok(clip.frames > 0);
      await delay(200);
      assert.equal(out.messages.length, 1, 'the extending trigger sends nothing of its own');
      assert.equal(caught.messages.length, 0);
      assert.deepEqual(await listDir(dir), [path.basename(clip.file)]);
    });
  });

  it('a redeploy mid-clip saves the clip complete, within the close limit, with no temporary file left', async () => {
    const { out, statuses } = await load({ preRoll: 1, duration: 30 });
    await waitUntil(() => statusTexts(statuses).includes('pre-roll 1 s'), 10000, 'status "pre-roll 1 s"');
    helper.getNode('n1').receive({ payload: true });
    await waitUntil(() => statusTexts(statuses).some((t) => /^recording clip [2-9] s$/.test(t)), 10000, 'a clip recording');
    await helper.unload();
    assert.equal(out.messages.length, 0, 'a closed node sends nothing');
    const names = await listDir(dir);
    assert.equal(names.length, 1, names.join(', '));
    assert.deepEqual(await temporaryLeftovers(dir), []);
    const file = path.join(dir, names[0]);
    const frames = players ? (await probeVideo(file)).frames : 0;
    if (players) assert.ok(frames >= CLIP_FPS, `${frames} frames`);
    await assertClip(file, frames);
  });

  it('removing the node gives the preview back (its UDP port is free again) while the camera stays in use', async () => {
    const snapshot = { id: 'snap', z: TAB, type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 10000, wires: [] };
    const without: FlowNode[] = [{ id: TAB, type: 'tab', label: 'test' }, snapshot, camera()];
    await loadFlow(NODES, without, CREDENTIALS);
    assert.equal(await canBind(previewPort), true, 'nothing holds the preview yet');
    const withClip: FlowNode[] = [...without, { id: 'n1', z: TAB, wires: [[]], ...clipNode({ preRoll: 1 }) }];
    await helper.setFlows(withClip, 'nodes', CREDENTIALS);
    await waitUntil(() => sim.stats.previewFrames > 20, 10000, 'the preview flowing');
    assert.equal(await canBind(previewPort), false, 'the clip node holds the preview');
    await helper.setFlows(without, 'nodes', CREDENTIALS);
    assert.equal(await canBind(previewPort), true, 'the preview was given back');
    assert.ok(helper.getNode('c1'), 'the camera stays for the snapshot node');
  });
});

/** Whether UDP `port` can be bound on 127.0.0.1 now (not while the preview receiver holds 0.0.0.0:port). */
async function canBind(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
