/**
 * Three cameras, one Node-RED: simulated cameras on 127.0.0.2, 127.0.0.3 and 127.0.0.4 each stream a
 * clip of their own to the SAME preview port of this host (as real cameras all send to UDP 6669),
 * three config nodes and three relay nodes serve them at three RTSP paths, and ffmpeg decodes each
 * path bit-identical to its own camera's clip (and unlike the others'). Stopping one relay leaves
 * the other two streaming.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import configModule = require('../../nodes/actioncam-config');
import relayModule = require('../../nodes/actioncam-rtp-relay');
import { CameraSimulator } from '../../src/simulator';
import { alignWithReference, captureRtspFramemd5, ffmpegAvailable, killSpawnedFfmpeg, referenceFramemd5, runFfmpeg } from '../helpers/ffmpeg';
import { Collector, TAB, helper, loadFlow, type FlowNode, type Msg } from '../helpers/node-red';
import { freeUdpPortPair } from '../helpers/udp-ports';

const NODES = [configModule, relayModule];
const CAMERAS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** Distinct pictures per camera, so a frame that reached the wrong player would be noticed. */
const PATTERNS = ['testsrc', 'smptebars', 'rgbtestsrc'];
/** 2 s at 15 fps with an IDR every 15 frames, like the committed clip. */
const CLIP_FRAMES = 30;
const IDR_FRAMES = [0, 15];
const FRAMES = 20;

async function makeClip(file: string, pattern: string): Promise<void> {
  const args = [
    '-loglevel', 'error', '-f', 'lavfi', '-i', `${pattern}=size=160x120:rate=15`, '-frames:v', String(CLIP_FRAMES),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '15', '-keyint_min', '15', '-sc_threshold', '0',
    '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', '-y', file,
  ];
  const result = await runFfmpeg(args, { timeoutMs: 30000 }).result;
  if (result.code !== 0) throw new Error(`ffmpeg could not make ${file}: ${result.stderr}`);
}

describe('e2e: three cameras on one host, one shared preview port, three RTSP paths', function () {
  this.timeout(120000);
  let dir: string;
  let references: string[][];
  const sims: CameraSimulator[] = [];

  before(async function () {
    if (!ffmpegAvailable()) this.skip();
    dir = await mkdtemp(path.join(tmpdir(), 'actioncam-three-'));
    references = [];
    for (let i = 0; i < CAMERAS.length; i++) {
      const file = path.join(dir, `cam${i}.h264`);
      await makeClip(file, PATTERNS[i]);
      references.push((await referenceFramemd5(file)).map((f) => f.md5));
    }
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await killSpawnedFfmpeg();
    await helper.unload();
    for (const sim of sims.splice(0)) await sim.stop();
  });

  it('each player gets its own camera, bit-exact; stopping one relay leaves the others running', async () => {
    const previewPort = await freeUdpPortPair();
    const flow: FlowNode[] = [{ id: TAB, type: 'tab', label: 'three cameras' }];
    const credentials: Record<string, unknown> = {};
    for (let i = 0; i < CAMERAS.length; i++) {
      const sim = new CameraSimulator({ host: CAMERAS[i], previewPort, clipPath: path.join(dir, `cam${i}.h264`) });
      sims.push(sim);
      const addr = await sim.start();
      flow.push(
        { id: `c${i}`, type: 'actioncam-config', name: `cam ${i}`, host: CAMERAS[i], port: addr.controlPort, httpPort: addr.httpPort, previewPort, timeout: 2000, reconnect: true },
        { id: `r${i}`, z: TAB, type: 'actioncam-rtp-relay', camera: `c${i}`, mode: 'rtsp', bind: '127.0.0.1', rtspPort: 0, path: `/cam${i}`, autoStart: true, maxPayload: 1400, wires: [[`out${i}`]] },
        { id: `out${i}`, z: TAB, type: 'helper' },
      );
      credentials[`c${i}`] = { username: 'admin', password: '12345' };
    }
    flow.push({ id: 'catcher', z: TAB, type: 'catch', scope: null, uncaught: false, wires: [['caught']] }, { id: 'caught', z: TAB, type: 'helper' });
    await loadFlow(NODES, flow, credentials);
    const outs = CAMERAS.map((_, i) => new Collector(helper.getNode(`out${i}`)));
    const caught = new Collector(helper.getNode('caught'));
    const urls: string[] = [];
    for (const out of outs) {
      // "waiting" while the camera's video is not there yet (the server listens already), then "started".
      let event = (await out.next(15000, 'the first relay event')).payload as { event: string; url: string };
      if (event.event === 'waiting') event = (await out.next(15000, 'the "started" event')).payload as { event: string; url: string };
      assert.equal(event.event, 'started');
      urls.push(event.url);
    }

    const capture = async (i: number): Promise<string[]> => {
      const { frames, errors } = await captureRtspFramemd5(urls[i], { transport: 'tcp', frames: FRAMES, timeoutMs: 30000 });
      assert.deepEqual(errors, [], `camera ${i}: decoder errors`);
      return frames.map((f) => f.md5);
    };
    const assertOwn = (i: number, md5s: string[]): void => {
      assert.ok(md5s.length >= FRAMES, `camera ${i}: decoded ${md5s.length} frames`);
      const own = alignWithReference(md5s, references[i], IDR_FRAMES);
      assert.notEqual(own.start, undefined, `camera ${i}: frames differ from its own clip (${JSON.stringify(own)})`);
      for (let j = 0; j < CAMERAS.length; j++) {
        if (j !== i) assert.ok(!md5s.some((m) => references[j].includes(m)), `camera ${i}: a frame of camera ${j}`);
      }
    };

    const decoded = await Promise.all(CAMERAS.map((_, i) => capture(i)));
    decoded.forEach((md5s, i) => assertOwn(i, md5s));

    // Stop the first relay: its path goes away, the other two keep streaming, bit-exact.
    const stopMsg = new Promise<Msg>((resolve) => {
      const collected = outs[0].messages.length;
      const poll = (): void => {
        const found = outs[0].messages.slice(collected).find((m) => (m.payload as { event?: string }).event === 'stopped');
        if (found) resolve(found);
        else setTimeout(poll, 20);
      };
      poll();
    });
    helper.getNode('r0').receive({ payload: 'stop' });
    await stopMsg;
    const after = await Promise.all([1, 2].map((i) => capture(i)));
    after.forEach((md5s, k) => assertOwn(k + 1, md5s));
    const gone = await captureRtspFramemd5(urls[0], { transport: 'tcp', frames: 1, timeoutMs: 10000 });
    assert.equal(gone.frames.length, 0, 'the stopped relay serves nothing');
    assert.equal(caught.messages.length, 0, 'no errors');
  });
});
