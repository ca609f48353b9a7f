/**
 * Real players read what the muxer writes (skipped, with the reason, when ffmpeg/ffprobe are
 * missing; CI installs them). The committed clip goes through (1) the live path: init segment + one
 * fragment per access unit, timestamps starting just before the 2^32 wrap; (2) the clip path: frames
 * streamed to a payload file while an index grows, then ftyp+moov+mdat header + that file. ffprobe
 * must read h264 320x240 and 60 frames, and `ffmpeg -f framemd5` of each must equal the framemd5 of
 * the raw clip. Files live in a temp dir that is removed afterwards.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClipIndex } from '../../../src/media/mp4/clip-index';
import { initSegment } from '../../../src/media/mp4/init-segment';
import { LiveFragmenter } from '../../../src/media/mp4/live-fragmenter';
import { progressiveHeader } from '../../../src/media/mp4/progressive';
import { avccSample } from '../../../src/media/mp4/sample-data';
import { CLIP_FRAMES, CLIP_PATH, loadClip } from '../../helpers/clip';
import { ffmpegAvailable, killSpawnedFfmpeg, referenceFramemd5 } from '../../helpers/ffmpeg';
import { ffprobeAvailable, probeVideo } from '../../helpers/ffprobe';
import { topLevelBoxes } from '../../helpers/mp4-boxes';

/** Start the live timestamps 10 frames before 2^32 so the wrap is crossed inside the clip. */
const WRAP_START = 2 ** 32 - 10 * 6000;

describe('media/mp4 with real players (ffprobe, ffmpeg framemd5)', function () {
  this.timeout(60000);
  let dir: string;
  let reference: string[];

  before(async function () {
    if (!ffmpegAvailable() || !ffprobeAvailable()) {
      console.log('      (skipped: ffmpeg and ffprobe are needed to check MP4 files with a real player)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'actioncam-mp4-'));
    reference = (await referenceFramemd5(CLIP_PATH)).map((f) => f.md5);
    assert.equal(reference.length, CLIP_FRAMES);
  });

  after(async () => {
    await killSpawnedFfmpeg();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function assertPlays(file: string): Promise<void> {
    const probed = await probeVideo(file);
    assert.deepEqual([probed.codec, probed.width, probed.height, probed.frames], ['h264', 320, 240, CLIP_FRAMES]);
    assert.match(probed.format, /mp4/);
    const decoded = (await referenceFramemd5(file)).map((f) => f.md5);
    assert.deepEqual(decoded, reference, 'every frame decodes bit-identical to the raw clip');
  }

  it('fMP4: init segment + one fragment per access unit, across the 2^32 wrap', async () => {
    const clip = loadClip();
    const fragmenter = new LiveFragmenter();
    const file = path.join(dir, 'live.mp4');
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, initSegment(clip.parameterSets));
      for (const au of clip.accessUnits) fs.writeSync(fd, fragmenter.push({ ...au, timestamp: (WRAP_START + au.timestamp) % 2 ** 32 }));
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(fragmenter.restarts, 0);
    await assertPlays(file);
    const probed = await probeVideo(file);
    assert.equal(probed.duration, 4);
  });

  it('faststart clip: payload streamed to a file while recording, then ftyp, moov, mdat', async () => {
    const clip = loadClip();
    const payloadFile = path.join(dir, 'payload.tmp');
    const index = new ClipIndex();
    const payload = fs.openSync(payloadFile, 'w');
    try {
      for (const au of clip.accessUnits) {
        const bytes = avccSample(au.nalus);
        fs.writeSync(payload, bytes);
        index.add(au.timestamp, bytes.length, au.keyframe);
      }
    } finally {
      fs.closeSync(payload);
    }
    const { header, payloadSize } = progressiveHeader(clip.parameterSets, index.samples(), { creationTime: new Date('2026-11-30T12:00:00Z') });
    assert.equal(fs.statSync(payloadFile).size, payloadSize);
    const file = path.join(dir, 'clip.mp4');
    fs.writeFileSync(file, header);
    fs.appendFileSync(file, fs.readFileSync(payloadFile));

    const whole = fs.readFileSync(file);
    assert.deepEqual(topLevelBoxes(whole).map((b) => b.type), ['ftyp', 'moov', 'mdat']);
    assert.equal(whole.length, header.length + payloadSize);
    await assertPlays(file);
    const probed = await probeVideo(file);
    assert.deepEqual([probed.startTime, probed.duration], [0, 4]);
  });
});
