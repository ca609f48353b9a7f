/**
 * One clip on disk (src/clip/clip-file.ts), in a real temporary folder: the saved file is exactly
 * what buildMp4 makes of the same frames in memory (ftyp, moov, mdat); a full disk while recording or
 * while saving, a missing folder, a folder that may not be written, a disk that cannot keep up, an
 * abort while recording and an abort while saving all end with the typed error and nothing left
 * behind: no file under the final name, no temporary file.
 */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ClipFile } from '../../src/clip/clip-file';
import { clipFrame, type ClipFrame } from '../../src/clip/pre-roll';
import { AbortedError, StorageError } from '../../src/errors';
import { buildMp4 } from '../../src/media/mp4/progressive';
import { CLIP_FRAME_TICKS, loadClip } from '../helpers/clip';
import { faultyFs, listDir, temporaryLeftovers, tempFolder } from '../helpers/clip-fs';
import { topLevelBoxes } from '../helpers/mp4-boxes';

const clip = loadClip();
const FRAMES: ClipFrame[] = clip.accessUnits.map((au) => clipFrame(au, 0, clip.parameterSets));
const PAYLOAD = FRAMES.reduce((sum, f) => sum + f.sample.length, 0);

/** The same clip built in memory: what the file must equal byte for byte. */
function expected(frames: readonly ClipFrame[], creationTime?: Date): Buffer {
  const samples = clip.accessUnits.slice(0, frames.length).map((au) => ({ nalus: au.nalus, duration: CLIP_FRAME_TICKS, keyframe: au.keyframe }));
  return buildMp4(clip.parameterSets, samples, { creationTime });
}

/** Lets I/O run until `check` holds (bounded: 2 s). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not reached within 2 s');
}

const isStorage = (reason: string) => (err: unknown): boolean => err instanceof StorageError && err.reason === reason;

describe('clip/clip-file: ClipFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder('actioncam-clip-file-');
  });
  afterEach(async () => {
    await fsp.chmod(dir, 0o700).catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('saves header + payload under the final name, byte for byte what buildMp4 makes', async () => {
    const file = new ClipFile({ dir, copyChunkBytes: 4096 }); // small chunks: the copy loops
    for (const f of FRAMES) assert.equal(file.append(f), 'ok');
    assert.equal(file.frames, 60);
    assert.equal(file.durationTicks, 60 * CLIP_FRAME_TICKS);
    const creationTime = new Date('2026-11-30T12:00:00Z');
    const saved = await file.finish(path.join(dir, 'a.mp4'), clip.parameterSets, { creationTime });
    const bytes = await fsp.readFile(saved.file);
    assert.equal(saved.file, path.join(dir, 'a.mp4'));
    assert.equal(saved.size, bytes.length);
    assert.deepEqual(topLevelBoxes(bytes).map((b) => b.type), ['ftyp', 'moov', 'mdat']);
    assert.ok(bytes.equals(expected(FRAMES, creationTime)), 'the same bytes as the in-memory clip');
    assert.deepEqual(await listDir(dir), ['a.mp4']);
    assert.equal(file.state, 'saved');
  });

  it('a full disk while recording: StorageError "full" at once through onFailure, nothing left', async () => {
    const failures: StorageError[] = [];
    const file = new ClipFile({ dir, fs: faultyFs({ writeBudget: 20_000 }), onFailure: (err) => failures.push(err) });
    for (const f of FRAMES) file.append(f);
    await until(() => failures.length > 0);
    assert.equal(file.append(FRAMES[0]), 'closed');
    await assert.rejects(file.finish(path.join(dir, 'a.mp4'), clip.parameterSets), isStorage('full'));
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /disk holding .* is full \(ENOSPC\)/);
    assert.equal(failures[0].syscall, 'ENOSPC');
    assert.deepEqual(await listDir(dir), []);
  });

  it('a full disk while saving (the payload fitted, header + copy does not): StorageError "full", nothing left', async () => {
    const file = new ClipFile({ dir, fs: faultyFs({ writeBudget: PAYLOAD + 5000 }) });
    for (const f of FRAMES) file.append(f);
    await assert.rejects(file.finish(path.join(dir, 'a.mp4'), clip.parameterSets), isStorage('full'));
    assert.deepEqual(await listDir(dir), []);
  });

  it('a missing folder: StorageError "missing" naming it, nothing created', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const failures: StorageError[] = [];
    const file = new ClipFile({ dir: missing, onFailure: (err) => failures.push(err) });
    file.append(FRAMES[0]);
    await until(() => failures.length > 0);
    await assert.rejects(file.finish(path.join(missing, 'a.mp4'), clip.parameterSets), (err: unknown) =>
      isStorage('missing')(err) && (err as Error).message.includes(missing) && /does not exist/.test((err as Error).message));
    assert.equal(failures.length, 1);
    assert.deepEqual(await listDir(dir), []);
  });

  it('a folder that may not be written: StorageError "denied"', async () => {
    const file = new ClipFile({ dir, fs: faultyFs({ openError: 'EACCES' }) });
    file.append(FRAMES[0]);
    await assert.rejects(file.finish(path.join(dir, 'a.mp4'), clip.parameterSets), isStorage('denied'));
    if (process.getuid?.() !== 0) {
      // the real thing where permissions apply (root may write anywhere)
      await fsp.chmod(dir, 0o500);
      const real = new ClipFile({ dir });
      real.append(FRAMES[0]);
      await assert.rejects(real.finish(path.join(dir, 'b.mp4'), clip.parameterSets), isStorage('denied'));
    }
    assert.deepEqual(await listDir(dir), []);
  });

  it('a disk that cannot keep up: StorageError "slow" past the backlog bound, nothing left', async () => {
    const fs = faultyFs({ holdWrites: true });
    const failures: StorageError[] = [];
    const file = new ClipFile({ dir, fs, maxWriteBacklogBytes: 30_000, onFailure: (err) => failures.push(err) });
    const results = FRAMES.map((f) => file.append(f));
    assert.equal(failures.length, 1);
    assert.equal(failures[0].reason, 'slow');
    assert.ok(results.includes('closed'));
    fs.release();
    await assert.rejects(file.finish(path.join(dir, 'a.mp4'), clip.parameterSets), isStorage('slow'));
    assert.deepEqual(await listDir(dir), []);
  });

  it('pre-roll frames do not count against the backlog bound (the ring holds them already)', async () => {
    const fs = faultyFs({ holdWrites: true });
    const file = new ClipFile({ dir, fs, maxWriteBacklogBytes: 30_000 });
    for (const f of FRAMES.slice(0, 45)) assert.equal(file.append(f, true), 'ok');
    for (const f of FRAMES.slice(45, 50)) assert.equal(file.append(f), 'ok');
    fs.release();
    await file.finish(path.join(dir, 'a.mp4'), clip.parameterSets);
    assert.deepEqual(await listDir(dir), ['a.mp4']);
  });

  it('the frame and byte bounds say "limit" (the caller ends the clip there)', () => {
    const byFrames = new ClipFile({ dir, maxClipFrames: 3 });
    assert.deepEqual(FRAMES.slice(0, 4).map((f) => byFrames.append(f)), ['ok', 'ok', 'ok', 'limit']);
    const byBytes = new ClipFile({ dir, maxClipBytes: FRAMES[0].sample.length + 1 });
    assert.deepEqual(FRAMES.slice(0, 2).map((f) => byBytes.append(f)), ['ok', 'limit']);
    return Promise.all([byFrames.abort(), byBytes.abort()]);
  });

  it('abort while recording: nothing saved, temporary files removed', async () => {
    const file = new ClipFile({ dir });
    for (const f of FRAMES) file.append(f);
    await file.abort();
    assert.equal(file.append(FRAMES[0]), 'closed');
    assert.deepEqual(await listDir(dir), []);
    await file.abort(); // twice is fine
  });

  it('abort while saving: the save rejects with AbortedError, nothing under the final name, no temporary file', async () => {
    const fs = faultyFs();
    const file = new ClipFile({ dir, fs, copyChunkBytes: 1024 });
    for (const f of FRAMES) file.append(f);
    const saving = file.finish(path.join(dir, 'a.mp4'), clip.parameterSets);
    // let the copy start, then hold it
    for (let i = 0; i < 100 && fs.written <= PAYLOAD; i++) await new Promise((resolve) => setImmediate(resolve));
    const aborting = file.abort();
    await assert.rejects(saving, AbortedError);
    await aborting;
    assert.deepEqual(await listDir(dir), []);
    assert.deepEqual(await temporaryLeftovers(dir), []);
  });

  it('finish twice is an error; the first save stands', async () => {
    const file = new ClipFile({ dir });
    file.append(FRAMES[0]);
    const first = file.finish(path.join(dir, 'a.mp4'), clip.parameterSets);
    await assert.rejects(file.finish(path.join(dir, 'b.mp4'), clip.parameterSets), /is finishing/);
    await first;
    assert.deepEqual(await listDir(dir), ['a.mp4']);
  });
});
