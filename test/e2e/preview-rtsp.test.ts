/**
 * The whole live path with a real player: camera simulator -> CameraSession (START_PREVIEW) ->
 * PreviewReceiver (camera UDP -> access units) -> RtspServer -> ffmpeg over UDP and over TCP.
 * Decoded frames must be bit-identical to decoding the clip file directly.
 */
import assert from 'node:assert/strict';
import { decodeRtpPacket } from '../../src/media/rtp/header';
import { RtspServer } from '../../src/rtsp/server';
import { CameraSession } from '../../src/session/camera-session';
import { PreviewReceiver } from '../../src/preview/receiver';
import { CameraSimulator } from '../../src/simulator';
import { CLIP_IDR_FRAMES, CLIP_PATH } from '../helpers/clip';
import { alignWithReference, captureRtspFramemd5, ffmpegAvailable, killSpawnedFfmpeg, referenceFramemd5 } from '../helpers/ffmpeg';
import { RawRtspClient } from '../helpers/rtsp-client';
import { freeUdpPortPair } from '../helpers/udp-ports';
import { waitUntil } from '../helpers/wait';

const FRAMES = 40;

describe('e2e: simulator -> session -> preview receiver -> RTSP server -> ffmpeg', function () {
  this.timeout(60000);
  let sim: CameraSimulator;
  let session: CameraSession;
  let receiver: PreviewReceiver;
  let server: RtspServer;
  let url: string;
  let reference: string[];
  const clients: RawRtspClient[] = [];

  before(async function () {
    if (!ffmpegAvailable()) this.skip();
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
  });

  beforeEach(async () => {
    const previewPort = await freeUdpPortPair();
    sim = new CameraSimulator({ host: '127.0.0.1', controlPort: 0, httpPort: 0, discoveryPorts: [0], previewPort });
    const addr = await sim.start();
    receiver = new PreviewReceiver({ host: '127.0.0.1', port: previewPort, cameraHost: '127.0.0.1' });
    await receiver.start();
    session = new CameraSession({ host: '127.0.0.1', port: addr.controlPort, reconnectMinMs: 100, reconnectMaxMs: 500 });
    await session.connect();
    session.startPreview();
    server = new RtspServer({ source: receiver, host: '127.0.0.1', port: 0 });
    url = (await server.listen()).url;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await killSpawnedFfmpeg();
    await server?.close();
    await session?.close();
    await receiver?.stop();
    await sim?.stop();
  });

  function assertBitExact(md5s: string[], what: string): void {
    assert.ok(md5s.length >= FRAMES, `${what}: decoded ${md5s.length} frames`);
    const aligned = alignWithReference(md5s, reference, CLIP_IDR_FRAMES);
    assert.notEqual(aligned.start, undefined, `${what}: frames differ from the clip (${JSON.stringify(aligned)})`);
  }

  it('two players at once, over UDP and TCP, decode bit-identical frames while a still is taken', async () => {
    const udp = captureRtspFramemd5(url, { transport: 'udp', frames: FRAMES, timeoutMs: 30000 });
    const tcp = captureRtspFramemd5(url, { transport: 'tcp', frames: FRAMES, timeoutMs: 30000 });

    // The camera takes one client: the still goes through the same session while both stream.
    await waitUntil(() => server.stats().playing === 2, 15000, 'two players');
    const before = await session.listFiles();
    await session.takePicture();
    const after = await session.listFiles();
    assert.equal(after.length, before.length + 1, 'a new photo on the card');

    for (const [what, run] of [['udp', await udp], ['tcp', await tcp]] as const) {
      assert.deepEqual(run.errors, [], `${what}: decoder errors`);
      assertBitExact(run.frames.map((f) => f.md5), what);
    }
    assert.equal(receiver.stats.lost, 0);
  });

  it('a late joiner starts cleanly at the next keyframe while the first player keeps going', async () => {
    const first = captureRtspFramemd5(url, { transport: 'tcp', frames: FRAMES * 2, timeoutMs: 40000 });
    await waitUntil(() => server.stats().playing === 1, 15000, 'the first player');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const late = await captureRtspFramemd5(url, { transport: 'udp', frames: FRAMES, timeoutMs: 30000 });
    const early = await first;
    for (const [what, run] of [['first', early], ['late joiner', late]] as const) {
      assert.deepEqual(run.errors, [], `${what}: decoder errors`);
      assertBitExact(run.frames.map((f) => f.md5), what);
    }
  });

  it('keeps an RTSP player connected while the camera drops and comes back', async () => {
    const client = await RawRtspClient.connect(Number(new URL(url.replace(/^rtsp:/, 'http:')).port));
    clients.push(client);
    await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
    const setup = await client.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const id = String(setup.headers.get('session')).split(';')[0];
    assert.equal((await client.request('PLAY', `${url}/`, { Session: id })).status, 200);
    await client.waitFrames(0, 30);

    const reconnected = new Promise<void>((resolve) => session.once('ready', () => resolve()));
    sim.dropConnections();
    await reconnected;
    const seen = client.framesOn(0).length;
    await client.waitFrames(0, seen + 30, 15000);
    assert.ok(client.isOpen, 'the player is still connected');

    // The stream continues as one RTP stream: same SSRC, consecutive sequence numbers.
    const packets = client.framesOn(0).map((p) => decodeRtpPacket(p).header);
    assert.ok(packets.every((h) => h.ssrc === packets[0].ssrc));
    for (let i = 1; i < packets.length; i++) {
      assert.equal(packets[i].sequenceNumber, (packets[i - 1].sequenceNumber + 1) & 0xffff, `sequence gap at packet ${i}`);
    }
  });
});

