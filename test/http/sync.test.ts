/**
 * syncFiles (the card mirror, issue 11) against the simulator's file server on 127.0.0.1: first run
 * downloads all, the second none; a file cut mid-way is reported and leaves no final-named partial
 * file; camera names that try to leave DIR are refused; an interrupt stops at once and cleanly.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { safeCameraPath, syncFiles } from '../../src/http';
import type { SyncOptions, SyncProgress } from '../../src/http';
import { parseFileList, formatFileList } from '../../src/protocol';
import type { FileEntry } from '../../src/protocol';
import { CameraSimulator } from '../../src/simulator';

/** Every file under `dir`, relative, sorted (hidden temporary files included). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)));
  }
  return out.sort();
}

describe('sync: the card mirrored into a folder', function () {
  let sim: CameraSimulator;
  let httpPort: number;
  let top: string;
  let dir: string;

  beforeEach(async function () {
    sim = new CameraSimulator();
    httpPort = (await sim.start()).httpPort;
    top = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-sync-'));
    dir = path.join(top, 'archive');
  });

  afterEach(async function () {
    await sim.stop();
    await fs.rm(top, { recursive: true, force: true });
  });

  /** What the camera lists, through the real file-list text format. */
  function listing(): FileEntry[] {
    return parseFileList(formatFileList(sim.files));
  }

  function sync(extra: Partial<SyncOptions> = {}): ReturnType<typeof syncFiles> {
    return syncFiles({ host: '127.0.0.1', port: httpPort, entries: listing(), dir, ...extra });
  }

  it('the first run downloads every file into the camera folders; a second run right after downloads none', async function () {
    sim.addFile('/DCIM/PHOTO/IMG_0002.JPG', Buffer.from('second photo'));
    const progress: SyncProgress[] = [];
    const first = await sync({ onProgress: (p) => progress.push(p) });
    const expected = sim.files.map((f) => ({ path: f.path, size: f.size, file: path.join(dir, ...f.path.split('/')) }));
    assert.deepEqual(first, { downloaded: expected, skipped: 0, failed: [], bytes: sim.files.reduce((n, f) => n + f.size, 0) });
    for (const f of sim.files) assert.ok((await fs.readFile(path.join(dir, f.path))).equals(f.data), f.path);
    assert.deepEqual(await tree(dir), sim.files.map((f) => f.path.slice(1)).sort(), 'no temporary file left');
    // progress: every file announced in order, percent of the whole sync, ending at 100
    assert.deepEqual([...new Set(progress.map((p) => `${p.index}/${p.count} ${p.path}`))], sim.files.map((f, i) => `${i + 1}/${sim.files.length} ${f.path}`));
    assert.ok(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1].bytes));
    assert.equal(progress.at(-1)!.percent, 100);

    const second = await sync();
    assert.deepEqual(second, { downloaded: [], skipped: sim.files.length, failed: [], bytes: 0 });
  });

  it('--type: only videos or only photos', async function () {
    const videos = await sync({ filter: 'video' });
    assert.deepEqual(videos.downloaded.map((d) => d.path), sim.files.filter((f) => f.type === 'video').map((f) => f.path));
    const photos = await sync({ filter: 'photo' });
    assert.deepEqual(photos.downloaded.map((d) => d.path), sim.files.filter((f) => f.type === 'photo').map((f) => f.path));
    assert.equal(photos.skipped, 0, 'the videos are not counted: they were filtered out');
  });

  it('a file cut mid-way is reported, the others arrive, and no partial file carries its name; the next run fetches it', async function () {
    const video = sim.files.find((f) => f.type === 'video')!;
    sim.faults.httpCut = { path: video.path, afterBytes: 5000 };
    const result = await sync();
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0].path, video.path);
    assert.match(result.failed[0].error, /ended after 5000 of \d+ bytes|failed/);
    assert.deepEqual(result.downloaded.map((d) => d.path), sim.files.filter((f) => f !== video).map((f) => f.path));
    assert.deepEqual(await tree(dir), sim.files.filter((f) => f !== video).map((f) => f.path.slice(1)).sort(), 'neither the final name nor a .part');

    sim.faults.httpCut = null;
    const retry = await sync();
    assert.deepEqual(retry.downloaded.map((d) => d.path), [video.path]);
    assert.equal(retry.skipped, sim.files.length - 1);
  });

  it('names that try to leave DIR are refused and reported; nothing is written outside it', async function () {
    const hostile = ['/../escape.JPG', '/DCIM/../../escape2.JPG', '/DCIM/..\\..\\escape3.JPG', '/C:/escape4.JPG', '/DCIM/./x.JPG', '/'];
    for (const p of hostile) sim.addFile(p, Buffer.from('x'));
    const result = await sync();
    const listed = listing().map((e) => e.path);
    const refused = hostile.filter((p) => listed.includes(p));
    assert.deepEqual(result.failed.map((f) => f.path).sort(), refused.sort());
    for (const f of result.failed) assert.match(f.error, /outside|names no file/);
    assert.deepEqual((await fs.readdir(top)).sort(), ['archive'], 'nothing beside DIR');
    assert.equal(result.downloaded.length, sim.files.length - refused.length);
  });

  it('a subfolder in DIR that is a symbolic link is not written through', async function () {
    const elsewhere = path.join(top, 'elsewhere');
    await fs.mkdir(elsewhere);
    await fs.mkdir(dir);
    await fs.symlink(elsewhere, path.join(dir, 'DCIM'));
    const result = await sync();
    assert.equal(result.downloaded.length, 0);
    assert.equal(result.failed.length, sim.files.length);
    for (const f of result.failed) assert.match(f.error, /symbolic link/);
    assert.deepEqual(await fs.readdir(elsewhere), []);
  });

  it('a copy of another size is replaced; a file listed with size 0 (being written) waits for the next run', async function () {
    const photo = sim.files.find((f) => f.type === 'photo')!;
    await fs.mkdir(path.join(dir, 'DCIM', 'PHOTO'), { recursive: true });
    await fs.writeFile(path.join(dir, photo.path), 'a broken earlier copy');
    sim.addFile('/DCIM/MOVIE/VID_0002.MP4', Buffer.alloc(0));
    const result = await sync();
    assert.ok(result.downloaded.some((d) => d.path === photo.path));
    assert.ok((await fs.readFile(path.join(dir, photo.path))).equals(photo.data));
    assert.equal(result.skipped, 1, 'the size-0 video');
    assert.ok(!(await tree(dir)).includes('DCIM/MOVIE/VID_0002.MP4'));
  });

  it('an interrupt stops the sync at once and leaves no incomplete file under its final name', async function () {
    const video = sim.files.find((f) => f.type === 'video')!;
    const controller = new AbortController();
    const pending = sync({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.path === video.path && p.bytes > 0) controller.abort();
      },
    });
    await assert.rejects(pending, { code: 'EABORTED' });
    assert.ok(!(await tree(dir)).includes(video.path.slice(1)));
    assert.ok((await tree(dir)).every((f) => !f.endsWith('.part')), 'the temporary file is removed');
  });
});

describe('safeCameraPath', function () {
  const dir = path.resolve(os.tmpdir(), 'actioncam-mirror');
  const ok: Array<[string, string]> = [
    ['/DCIM/MOVIE/VID_0001.MP4', path.join(dir, 'DCIM', 'MOVIE', 'VID_0001.MP4')],
    ['DCIM/A.JPG', path.join(dir, 'DCIM', 'A.JPG')],
    ['//DCIM//A.JPG', path.join(dir, 'DCIM', 'A.JPG')],
    ['/mnt/2019-01-01 12:00:00.MP4', path.join(dir, 'mnt', '2019-01-01 12:00:00.MP4')],
    ['/DCIM/..hidden/a..b.JPG', path.join(dir, 'DCIM', '..hidden', 'a..b.JPG')],
  ];
  for (const [p, expected] of ok) {
    it(`keeps ${p} inside`, function () {
      assert.equal(safeCameraPath(dir, p), expected);
    });
  }
  const bad = ['', '/', '//', '/..', '/../x', '/DCIM/../../x', '/DCIM/./x', '/a\\..\\b', '/a/x\0y', '/C:/x', '/c:x'];
  for (const p of bad) {
    it(`refuses ${JSON.stringify(p)}`, function () {
      assert.throws(() => safeCameraPath(dir, p), { code: 'EINPUT' });
    });
  }
});
