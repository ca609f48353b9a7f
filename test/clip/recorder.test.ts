/**
 * ClipRecorder (src/clip/recorder.ts) with the committed clip played by hand (FakeSource.step) and
 * a fake clock (sinon) for the wall clock and the end timer, writing into a real temporary folder.
 * Each saved clip is compared byte for byte with buildMp4 of the frames it must hold: the pre-roll,
 * then the frames until the end time; a new trigger extends it (never past the longest clip); a
 * stall empties the ring and the clip skips to the next keyframe; no video, a missing folder, a full
 * disk, an SPS change, the frame bound and disarming (saving or abandoning) each end as documented,
 * leaving no half file and no temporary file.
 */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { ClipRecorder, type ClipResult, type ClipSettings } from '../../src/clip/recorder';
import { clipFileName } from '../../src/clip/clip-name';
import type { ClipFs } from '../../src/clip/clip-fs';
import { AbortedError, StorageError, TimeoutError } from '../../src/errors';
import { buildMp4 } from '../../src/media/mp4/progressive';
import { CLIP_FRAME_TICKS, loadClip } from '../helpers/clip';
import { faultyFs, listDir, tempFolder } from '../helpers/clip-fs';
import { FakeSource } from '../helpers/fake-source';

const clip = loadClip();
/** ms between frames on the fake clock: 15 fps. */
const FRAME_MS = 67;
const START = new Date(2026, 10, 30, 12, 0, 0).getTime();

/** The clip that holds these clip frames (by index into the 60-frame clip), with these 90 kHz durations (default one frame each). */
function expectedMp4(indices: number[], creationTime: Date, durations: number[] = []): Buffer {
  const samples = indices.map((i, n) => ({ nalus: clip.accessUnits[i].nalus, duration: durations[n] ?? CLIP_FRAME_TICKS, keyframe: clip.accessUnits[i].keyframe }));
  return buildMp4(clip.parameterSets, samples, { creationTime });
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('clip/recorder: ClipRecorder', () => {
  let dir: string;
  let clock: sinon.SinonFakeTimers;
  let source: FakeSource;
  let held: number;
  let recorder: ClipRecorder;

  beforeEach(async () => {
    dir = await tempFolder('actioncam-clip-recorder-');
    clock = sinon.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(async () => {
    await recorder?.disarm({ finish: false });
    clock.restore();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function setup(settings: Partial<ClipSettings> = {}, fs?: ClipFs): void {
    source = new FakeSource();
    held = 0;
    recorder = new ClipRecorder(
      { preRollSeconds: 1, cameraName: 'cam', ...settings },
      {
        acquirePreview: async () => {
          held++;
          return source;
        },
        releasePreview: async () => {
          held--;
        },
        fs,
      },
    );
  }

  /** Emits `n` frames, advancing the fake clock one frame after each (timers due then fire). */
  function play(n: number): void {
    for (let i = 0; i < n; i++) {
      source.step();
      clock.tick(FRAME_MS);
    }
  }

  async function savedBytes(result: ClipResult): Promise<Buffer> {
    assert.equal(path.dirname(result.file), dir);
    return fsp.readFile(result.file);
  }

  it('saves the pre-roll and the next `seconds`, starting at a keyframe, named from the camera and the first frame', async () => {
    setup();
    const preRolls: number[] = [];
    recorder.on('preRoll', (s: number) => preRolls.push(s));
    await recorder.arm();
    assert.equal(recorder.state, 'armed');
    assert.equal(held, 1);
    play(60); // 4 s: the ring holds clip frames 45..59
    assert.deepEqual(preRolls, [0, 1]);
    const firstAt = START + 45 * FRAME_MS;
    const { extended, clip: saving } = await recorder.trigger({ seconds: 2, dir });
    assert.equal(extended, false);
    assert.equal(recorder.state, 'recording');
    play(30); // the 30th frame's tick reaches 2 s: the clip ends after it
    const result = await saving;
    assert.equal(recorder.state, 'armed');
    assert.deepEqual({ ...result, file: path.basename(result.file) }, {
      file: clipFileName('cam', new Date(firstAt)),
      start: new Date(firstAt).toISOString(),
      duration: 3,
      frames: 45,
      size: result.size,
      preRoll: 1,
    });
    const bytes = await savedBytes(result);
    assert.equal(bytes.length, result.size);
    assert.ok(bytes.equals(expectedMp4([...range(45, 59), ...range(0, 29)], new Date(firstAt))), 'the pre-roll and 30 frames, bit for bit');
    assert.deepEqual(await listDir(dir), [path.basename(result.file)]);
  });

  it('a trigger while recording extends the clip to `seconds` from then (the same clip, one result)', async () => {
    setup();
    await recorder.arm();
    play(60);
    const first = await recorder.trigger({ seconds: 2, dir });
    play(15); // t = 1 s
    const second = await recorder.trigger({ seconds: 2, dir });
    assert.equal(second.extended, true);
    assert.equal(second.clip, first.clip);
    play(14); // t = 1.94 s: without the extension the clip would end now
    assert.equal(recorder.state, 'recording');
    play(16); // t = 3.015 s: past 1.005 + 2
    const result = await first.clip;
    assert.equal(result.frames, 15 + 45);
    assert.equal(result.duration, 4);
  });

  it('extensions stop at maxClipSeconds after the first trigger', async () => {
    setup({ maxClipSeconds: 2 });
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 1, dir });
    play(10);
    assert.equal((await recorder.trigger({ seconds: 100, dir })).extended, true);
    play(30);
    const result = await saving;
    assert.equal(result.frames, 15 + 30, '2 s after the trigger, not 100');
  });

  it('a stall empties the ring; the clip goes on from the next keyframe, the outage a pause in its timeline', async () => {
    setup();
    const preRolls: number[] = [];
    recorder.on('preRoll', (s: number) => preRolls.push(s));
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 3, dir });
    play(10); // clip frames 0..9
    source.emit('stalled');
    assert.deepEqual(recorder.preRoll, { seconds: 0, frames: 0, bytes: 0 });
    play(35); // 10..14 skipped (no keyframe yet), 15..44 taken
    const result = await saving;
    assert.equal(result.frames, 15 + 10 + 30);
    assert.deepEqual(preRolls.slice(-2), [0, 1], 'the ring refilled after the stall');
    const durations = [...new Array(24).fill(CLIP_FRAME_TICKS), 6 * CLIP_FRAME_TICKS]; // frame 9 lasts until frame 15
    assert.ok((await savedBytes(result)).equals(expectedMp4([...range(45, 59), ...range(0, 9), ...range(15, 44)], new Date(START + 45 * FRAME_MS), durations)));
  });

  it('with an empty ring the clip starts at the next keyframe', async () => {
    setup({ preRollSeconds: 0 });
    await recorder.arm();
    play(5); // frames 0..4: the GOP in progress is the ring
    source.emit('stalled'); // ...emptied
    const { clip: saving } = await recorder.trigger({ seconds: 1, dir });
    play(15); // 5..14 skipped (no keyframe yet), 15..19 taken; 1 s after the trigger it ends
    const result = await saving;
    assert.equal(result.preRoll, 0);
    assert.equal(result.frames, 5);
    assert.ok((await savedBytes(result)).equals(expectedMp4(range(15, 19), new Date(START + 15 * FRAME_MS))));
  });

  it('no video during the whole clip is a TimeoutError and leaves nothing', async () => {
    setup();
    await recorder.arm();
    const { clip: saving } = await recorder.trigger({ seconds: 1, dir });
    clock.tick(1000);
    await assert.rejects(saving, (err: unknown) => err instanceof TimeoutError && /no video from camera cam/.test(err.message));
    assert.deepEqual(await listDir(dir), []);
    assert.equal(recorder.state, 'armed');
  });

  it('a missing folder fails the clip at once (StorageError "missing"); the recorder stays armed for the next trigger', async () => {
    setup();
    await recorder.arm();
    play(20);
    const { clip: saving } = await recorder.trigger({ seconds: 5, dir: path.join(dir, 'gone') });
    await assert.rejects(saving, (err: unknown) => err instanceof StorageError && err.reason === 'missing');
    assert.equal(recorder.state, 'armed');
    const next = await recorder.trigger({ seconds: 1, dir });
    assert.equal(next.extended, false);
    play(15);
    assert.equal((await next.clip).frames, 20 + 15, 'the ring (frames 0..19, all within 1 s of a keyframe) and 15 more');
    assert.equal((await listDir(dir)).length, 1);
  });

  it('a full disk mid-clip fails it at once (StorageError "full") and removes its temporary files', async () => {
    setup({}, faultyFs({ writeBudget: 40_000 }));
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir });
    play(40); // past the first 64 KiB batch; the clock stays 27 s short of the clip's end
    await assert.rejects(saving, (err: unknown) => err instanceof StorageError && err.reason === 'full' && /is full \(ENOSPC\)/.test(err.message));
    assert.equal(recorder.state, 'armed');
    assert.deepEqual(await listDir(dir), []);
  });

  it('the camera changing its SPS/PPS ends the clip before the new stream', async () => {
    setup();
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir });
    play(10);
    const changed = { sps: Buffer.from([0x67, 0x42, 0xc0, 0x28]), pps: clip.parameterSets.pps };
    source.parameterSets = () => changed;
    play(10); // the keyframe at 15 carries the new set
    const result = await saving;
    assert.equal(result.frames, 15 + 15);
    assert.equal(recorder.state, 'armed');
  });

  it('the request\'s signal ends the clip early; it is saved as far as it got', async () => {
    setup();
    await recorder.arm();
    play(60);
    const controller = new AbortController();
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir, signal: controller.signal });
    play(10);
    controller.abort();
    play(5); // after the end: not in the clip
    const result = await saving;
    assert.equal(result.frames, 15 + 10);
    assert.equal(recorder.state, 'armed');
  });

  it('a clip ends (saved) at the frame bound', async () => {
    setup({ maxClipFrames: 20 });
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir });
    play(10);
    assert.equal((await saving).frames, 20);
  });

  it('names never overwrite: a second clip with the same name gets a number', async () => {
    setup();
    await recorder.arm();
    play(60);
    const a = await recorder.trigger({ seconds: 0.5, dir, fileName: 'event.mp4' });
    play(8);
    const b = await recorder.trigger({ seconds: 0.5, dir, fileName: 'event.mp4' });
    play(8);
    // both are saved at once: whichever finishes first gets the plain name
    const names = [path.basename((await a.clip).file), path.basename((await b.clip).file)].sort();
    assert.deepEqual(names, ['event (1).mp4', 'event.mp4']);
    assert.deepEqual(await listDir(dir), names);
  });

  it('disarm() saves the clip in progress as far as it got and gives the preview back', async () => {
    setup();
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir });
    play(15);
    await recorder.disarm();
    assert.equal(recorder.state, 'idle');
    assert.equal(held, 0);
    assert.equal(source.listenerCount('accessUnit'), 0);
    const result = await saving;
    assert.equal(result.frames, 30);
    assert.deepEqual(await listDir(dir), [path.basename(result.file)]);
  });

  it('disarm({finish: false}) abandons the clip: AbortedError, nothing left', async () => {
    setup();
    await recorder.arm();
    play(60);
    const { clip: saving } = await recorder.trigger({ seconds: 30, dir });
    play(15);
    const stopped = recorder.disarm({ finish: false });
    await assert.rejects(saving, AbortedError);
    await stopped;
    assert.equal(held, 0);
    assert.deepEqual(await listDir(dir), []);
  });

  it('a trigger while idle arms first; bad requests are refused at once', async () => {
    setup();
    const { clip: saving } = await recorder.trigger({ seconds: 1, dir });
    assert.equal(held, 1);
    play(16);
    assert.equal((await saving).preRoll, 0);
    for (const bad of [{ seconds: 0, dir }, { seconds: NaN, dir }, { seconds: 1, dir: '' }, { seconds: 1, dir, fileName: '../x.mp4' }]) {
      await assert.rejects(recorder.trigger(bad), /duration must be|folder|path separator/);
    }
  });
});
