/**
 * The whole preview path against a real player: CameraSimulator -> CameraSession.startPreview ->
 * PreviewReceiver -> RtpRelay -> ffmpeg reading the relay's SDP (docs/RTSP-CLIENTS.md §6). Every decoded
 * frame must be bit-identical to a direct decode of the clip, with no decoder error; a UDP sink checks
 * the wire format; and a camera that drops its connection comes back without anyone intervening.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeRtpPacket } from '../../src/media/rtp';
import { RtpRelay } from '../../src/relay/rtp-relay';
import { waitForParameterSets } from '../../src/media/source';
import { CameraSession } from '../../src/session/camera-session';
import { PreviewReceiver } from '../../src/preview/receiver';
import { CameraSimulator } from '../../src/simulator';
import { CLIP_IDR_FRAMES, CLIP_PATH } from '../helpers/clip';
import { alignWithReference, decodeErrors, ffmpegAvailable, killSpawnedFfmpeg, parseFramemd5, referenceFramemd5, runFfmpeg, type FfmpegRun } from '../helpers/ffmpeg';
import { openRtpSink, type RtpSink } from '../helpers/rtp-sink';
import { freeUdpPortPair, waitUntilUdpBound } from '../helpers/udp-ports';
import { waitUntil } from '../helpers/wait';

const LOOPBACK = '127.0.0.1';

describe('e2e: camera preview -> RTP relay -> ffmpeg', function () {
  this.timeout(60000);
  let reference: string[];
  let sim: CameraSimulator | undefined;
  let session: CameraSession | undefined;
  let receiver: PreviewReceiver | undefined;
  const relays: RtpRelay[] = [];
  let sink: RtpSink | undefined;
  let dir: string;

  before(async function () {
    if (!ffmpegAvailable()) this.skip();
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
    assert.equal(reference.length, 60);
  });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-e2e-'));
    receiver = new PreviewReceiver({ host: LOOPBACK, port: 0, cameraHost: LOOPBACK });
    const { port: previewPort } = await receiver.start();
    sim = new CameraSimulator({ host: LOOPBACK, previewPort });
    const { controlPort } = await sim.start();
    session = new CameraSession({ host: LOOPBACK, port: controlPort, reconnectMinMs: 100, reconnectMaxMs: 500 });
    await session.connect();
    session.startPreview();
    assert.ok(await waitForParameterSets(receiver, 10000), 'the preview brought SPS/PPS');
  });

  afterEach(async () => {
    await killSpawnedFfmpeg();
    for (const relay of relays.splice(0)) await relay.stop();
    await sink?.close();
    sink = undefined;
    await session?.close();
    await receiver?.stop();
    await sim?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Writes the relay's SDP, starts ffmpeg on it and waits until ffmpeg has bound the RTP port. */
  async function startPlayer(relay: RtpRelay, port: number, frames: number): Promise<FfmpegRun> {
    const sdpFile = path.join(dir, 'preview.sdp');
    await fs.writeFile(sdpFile, relay.sdp());
    const args = ['-loglevel', 'warning', '-protocol_whitelist', 'file,udp,rtp', '-i', sdpFile];
    const run = runFfmpeg([...args, '-an', '-frames:v', String(frames), '-fps_mode', 'passthrough', '-f', 'framemd5', '-'], { timeoutMs: 45000 });
    let alive = true;
    void run.result.then(() => (alive = false));
    await waitUntilUdpBound(port, 10000, () => alive);
    return run;
  }

  function newRelay(port: number, maxPayloadSize?: number): RtpRelay {
    assert.ok(receiver);
    const relay = new RtpRelay({ source: receiver, host: LOOPBACK, port, sdpFile: path.join(dir, 'preview.sdp'), maxPayloadSize });
    relays.push(relay);
    return relay;
  }

  it('ffmpeg decodes the relayed preview bit-exactly, from the first IDR it receives', async () => {
    const port = await freeUdpPortPair();
    const relay = newRelay(port);
    const player = await startPlayer(relay, port, 45);
    await relay.start();
    const result = await player.result;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(decodeErrors(result.stderr), []);
    const decoded = parseFramemd5(result.stdout.toString('utf8')).map((f) => f.md5);
    assert.equal(decoded.length, 45);
    const aligned = alignWithReference(decoded, reference, CLIP_IDR_FRAMES);
    assert.notEqual(aligned.start, undefined, `decoded frames match the clip: ${JSON.stringify(aligned)}`);
    assert.equal(receiver?.stats.lost, 0);
  });

  it('every RTP datagram is a valid packet within maxPayloadSize, marker on the last of each frame', async () => {
    const maxPayloadSize = 1000; // smaller than the IDRs (6-9 KB), so FU-A is exercised
    sink = await openRtpSink();
    const relay = newRelay(sink.port, maxPayloadSize);
    await relay.start();
    const s = sink;
    await s.until(() => relay.stats().frames >= 30 && s.rtp.length >= relay.stats().packets);
    const packets = s.rtp.map((d, i) => {
      assert.ok(d.length <= 12 + maxPayloadSize, `datagram ${i} is ${d.length} bytes`);
      assert.equal(d[0] >> 6, 2, `datagram ${i}: RTP version 2`);
      return decodeRtpPacket(d).header;
    });
    packets.forEach((h, i) => {
      assert.equal(h.payloadType, 96);
      assert.equal(h.ssrc, relay.ssrc);
      if (i > 0) assert.equal(h.sequenceNumber, (packets[i - 1].sequenceNumber + 1) & 0xffff, `sequence at ${i}`);
      const lastOfFrame = i + 1 < packets.length ? packets[i + 1].timestamp !== h.timestamp : true;
      if (i + 1 < packets.length) assert.equal(h.marker, lastOfFrame, `marker of packet ${i}`);
    });
    assert.ok(s.rtcp.length >= 1, 'a sender report went to port + 1');
  });

  it('resumes by itself after the camera drops the connection and the session reconnects', async () => {
    const port = await freeUdpPortPair();
    const relay = newRelay(port);
    const player = await startPlayer(relay, port, 75);
    await relay.start();
    const states: string[] = [];
    session?.on('state', (state: string) => states.push(state));
    await waitUntil(() => relay.stats().frames >= 20, 20000, "20 frames relayed");
    sim?.dropConnections();
    const result = await player.result;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(decodeErrors(result.stderr), []);
    assert.ok(states.includes('reconnecting') && states.includes('ready'), `session states: ${states.join(' ')}`);
    const decoded = parseFramemd5(result.stdout.toString('utf8')).map((f) => f.md5);
    assert.equal(decoded.length, 75);
    // Two runs of the looping clip: the first from an IDR, the second from frame 0 of the restarted stream.
    let at = reference.indexOf(decoded[0]);
    assert.ok(CLIP_IDR_FRAMES.includes(at), 'starts at an IDR');
    let restarts = 0;
    for (let i = 1; i < decoded.length; i++) {
      const next = (at + 1) % reference.length;
      if (decoded[i] === reference[next]) at = next;
      else {
        assert.equal(decoded[i], reference[0], `frame ${i} neither continues the clip nor restarts it`);
        restarts++;
        at = 0;
      }
    }
    assert.ok(restarts <= 1, `${restarts} restarts`);
  });
});

