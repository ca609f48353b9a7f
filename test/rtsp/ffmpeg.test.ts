/**
 * The media path end to end with a real player: ffmpeg reads rtsp://127.0.0.1:PORT/live over UDP and
 * over TCP and decodes to `-f framemd5`. Every decoded frame must equal, bit for bit, the direct
 * decode of the clip from the IDR where the player joined, with no decoder error or RTP loss logged.
 * Skipped when ffmpeg is not installed.
 */
import { strict as assert } from 'node:assert';
import type { RtspServer } from '../../src/rtsp/server';
import type { AccessUnit } from '../../src/media/types';
import { CLIP_IDR_FRAMES, CLIP_PATH, loadClip } from '../helpers/clip';
import type { FakeSource } from '../helpers/fake-source';
import { alignWithReference, captureRtspFramemd5, ffmpegAvailable, killSpawnedFfmpeg, referenceFramemd5 } from '../helpers/ffmpeg';
import { startRtspServer } from '../helpers/rtsp-client';

const FRAMES = 45;

describe('RtspServer with ffmpeg as the player', function () {
  this.timeout(60000);
  let reference: string[] = [];
  let server: RtspServer | undefined;
  let source: FakeSource | undefined;

  before(async function () {
    if (!ffmpegAvailable()) this.skip();
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
    assert.equal(reference.length, 60);
  });

  afterEach(async () => {
    await killSpawnedFfmpeg();
    source?.stop();
    await server?.close();
    server = undefined;
  });

  async function serve(maxPayloadSize?: number, accessUnits?: AccessUnit[]): Promise<string> {
    // 30 fps with matching timestamps: twice the clip's rate, so the test is quick and still real time.
    const parameterSets = accessUnits ? loadClip().parameterSets : undefined;
    const started = await startRtspServer({ maxPayloadSize }, { fps: 30, accessUnits, parameterSets });
    server = started.server;
    source = started.source;
    source.start();
    return started.url;
  }

  async function capture(url: string, transport: 'udp' | 'tcp'): Promise<{ start?: number; errors: string[] }> {
    const { frames, errors, result } = await captureRtspFramemd5(url, { transport, frames: FRAMES, timeoutMs: 30000 });
    assert.equal(result.timedOut, false, `ffmpeg ${transport} timed out:\n${result.stderr}`);
    assert.equal(result.code, 0, `ffmpeg ${transport} exited ${result.code}:\n${result.stderr}`);
    assert.equal(frames.length, FRAMES, `frames decoded over ${transport}`);
    const aligned = alignWithReference(
      frames.map((f) => f.md5),
      reference,
      CLIP_IDR_FRAMES,
    );
    return { start: aligned.start, errors };
  }

  async function captureExact(url: string, transport: 'udp' | 'tcp'): Promise<void> {
    const { start, errors } = await capture(url, transport);
    assert.deepEqual(errors, [], `decoder errors over ${transport}`);
    assert.notEqual(start, undefined, `${transport}: decoded frames differ from the clip`);
  }

  it('decodes bit-exactly over UDP', async () => {
    await captureExact(await serve(), 'udp');
  });

  it('decodes bit-exactly over TCP interleaved', async () => {
    await captureExact(await serve(), 'tcp');
  });

  it('serves a UDP and a TCP ffmpeg at once, both bit-exact', async () => {
    const url = await serve();
    await Promise.all([captureExact(url, 'udp'), captureExact(url, 'tcp')]);
    assert.equal(server?.stats().framesDropped, 0);
  });

  it('decodes bit-exactly with small packets (every slice in FU-A fragments)', async () => {
    await captureExact(await serve(300), 'udp');
  });

  it('notices one damaged P frame per GOP (negative control of the comparison)', async () => {
    const damaged = loadClip().accessUnits.map((au, i) => {
      if (![5, 20, 35, 50].includes(i)) return au;
      const slice = Buffer.from(au.nalus[au.nalus.length - 1]);
      for (let j = Math.floor(slice.length / 2); j < slice.length - 1; j += 7) slice[j] ^= 0x55;
      return { ...au, nalus: [...au.nalus.slice(0, -1), slice] };
    });
    const { start } = await capture(await serve(undefined, damaged), 'tcp');
    assert.equal(start, undefined, 'a damaged frame must not compare equal');
  });
});
