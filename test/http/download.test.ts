/**
 * HTTP downloads from the simulator's file server and from hand-made misbehaving servers on
 * 127.0.0.1, plus fileUrl and safeJoin tables.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'fs';
import * as http from 'http';
import type * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { DownloadDefaults, downloadDeadlineMs, downloadToBuffer, downloadToFile, fileUrl, numberedName, safeJoin } from '../../src/http';
import { CameraSimulator } from '../../src/simulator';
import type { SimFile } from '../../src/simulator';

describe('http download', function () {
  let sim: CameraSimulator;
  let httpPort: number;
  let photo: SimFile;
  let video: SimFile;
  let dir: string;
  const cleanups: Array<() => Promise<void> | void> = [];

  before(async function () {
    sim = new CameraSimulator();
    httpPort = (await sim.start()).httpPort;
    const photoFile = sim.files.find((f) => f.type === 'photo');
    const videoFile = sim.files.find((f) => f.type === 'video');
    assert.ok(photoFile && videoFile);
    photo = photoFile;
    video = videoFile;
  });

  after(() => sim.stop());

  beforeEach(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-download-'));
  });

  afterEach(async function () {
    for (const fn of cleanups.splice(0)) await fn();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A server on 127.0.0.1:0 with a custom handler; its connections are destroyed on cleanup. */
  async function server(handler: http.RequestListener): Promise<number> {
    const srv = http.createServer(handler);
    const sockets = new Set<net.Socket>();
    srv.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => srv.close(() => resolve()));
    });
    const address = srv.address();
    assert.ok(address && typeof address === 'object');
    return address.port;
  }

  /** A server that sends headers and `bytes` of a 1 MB body, then stalls. */
  function stalling(bytes = 64 * 1024): Promise<number> {
    return server((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1_000_000 });
      res.write(Buffer.alloc(bytes, 7));
    });
  }

  it('downloadToBuffer returns the bytes and reports progress up to the total', async function () {
    const progress: Array<[number, number | undefined]> = [];
    const data = await downloadToBuffer({
      host: '127.0.0.1',
      port: httpPort,
      path: photo.path,
      expectedSize: photo.size,
      onProgress: (received, total) => progress.push([received, total]),
    });
    assert.ok(data.equals(photo.data));
    assert.ok(progress.length > 0);
    assert.deepEqual(progress[progress.length - 1], [photo.size, photo.size]);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] > progress[i - 1][0]);
  });

  it('downloadToFile streams into dir under the camera name and leaves no partial file', async function () {
    const result = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: video.path, dir, expectedSize: video.size });
    assert.equal(result.file, path.join(dir, video.name));
    assert.equal(result.size, video.size);
    assert.ok((await fs.readFile(result.file)).equals(video.data));
    assert.deepEqual(await fs.readdir(dir), [video.name]);
  });

  it('downloadToFile honours fileName', async function () {
    const result = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: photo.path, dir, fileName: 'snap.jpg' });
    assert.equal(result.file, path.join(dir, 'snap.jpg'));
  });

  it('a 404 is an HttpError with the status and URL, and writes nothing', async function () {
    const missing = '/DCIM/PHOTO/NOPE.JPG';
    const check = (err: Error & { code?: string; statusCode?: number }): boolean => {
      assert.equal(err.code, 'EHTTP');
      assert.equal(err.statusCode, 404);
      assert.ok(err.message.includes(fileUrl('127.0.0.1', httpPort, missing)), err.message);
      return true;
    };
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port: httpPort, path: missing }), check);
    await assert.rejects(downloadToFile({ host: '127.0.0.1', port: httpPort, path: missing, dir }), check);
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('a Content-Length different from the listed size is an HttpError', async function () {
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port: httpPort, path: photo.path, expectedSize: photo.size + 1 }), {
      code: 'EHTTP',
      message: /listed/,
    });
  });

  it('maxBytes bounds a buffer download, with or without a Content-Length', async function () {
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port: httpPort, path: video.path, maxBytes: 1000 }), { code: 'EHTTP', message: /limit/ });
    const chunked = await server((_req, res) => {
      res.writeHead(200); // no Content-Length: chunked
      res.end(Buffer.alloc(5000));
    });
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port: chunked, path: '/x', maxBytes: 1000 }), { code: 'EHTTP', message: /limit/ });
  });

  it('a body cut short is an HttpError', async function () {
    const port = await server((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write(Buffer.alloc(500));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port, path: '/x' }), { code: 'EHTTP' });
    await assert.rejects(downloadToFile({ host: '127.0.0.1', port, path: '/x', dir }), { code: 'EHTTP' });
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('a stalled camera is a TimeoutError and the partial file is removed', async function () {
    const port = await stalling();
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port, path: '/x', timeoutMs: 200 }), { code: 'ETIMEOUT' });
    await assert.rejects(downloadToFile({ host: '127.0.0.1', port, path: '/x', dir, timeoutMs: 200 }), { code: 'ETIMEOUT' });
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('abort mid-download rejects AbortedError and removes the partial file', async function () {
    const port = await stalling();
    const controller = new AbortController();
    let partSeen = false;
    const pending = downloadToFile({
      host: '127.0.0.1',
      port,
      path: '/DCIM/MOVIE/BIG.MP4',
      dir,
      signal: controller.signal,
      onProgress: () => {
        if (controller.signal.aborted) return;
        // The write stream is open once data flows; give it a moment to create the .part file.
        setTimeout(async () => {
          partSeen = (await fs.readdir(dir)).some((f) => /^\.BIG\.MP4\.[0-9a-f]{8}\.part$/.test(f));
          controller.abort();
        }, 50);
      },
    });
    await assert.rejects(pending, { name: 'AbortedError', code: 'EABORTED' });
    assert.ok(partSeen, 'the download went through a .part file');
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('an already aborted signal rejects before any request', async function () {
    let requests = 0;
    const port = await server((_req, res) => {
      requests++;
      res.end();
    });
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port, path: '/x', signal: AbortSignal.abort() }), { code: 'EABORTED' });
    assert.equal(requests, 0);
  });

  it('a closed port is an UnreachableError', async function () {
    const port = await server((_req, res) => res.end());
    await cleanups.splice(0)[0]();
    await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port, path: '/x' }), { code: 'EUNREACHABLE' });
  });

  // Issue 10, finding 10: each of these failed on the code before the download bounds.
  describe('bounds (issue 10 finding 10)', function () {
    /** Headers announcing `contentLength` (or chunked when undefined), `bytes` of body, then silence. */
    function announcing(contentLength: number | undefined, bytes: number): Promise<number> {
      return server((_req, res) => {
        res.writeHead(200, contentLength === undefined ? {} : { 'Content-Length': contentLength });
        res.write(Buffer.alloc(bytes, 1));
      });
    }

    it('without a listed size the default cap refuses a file announced beyond it, at once', async function () {
      const port = await announcing(5 * 1024 ** 3, 1000);
      await assert.rejects(downloadToFile({ host: '127.0.0.1', port, path: '/DCIM/MOVIE/HUGE.MP4', dir, timeoutMs: 5000 }), {
        code: 'EHTTP',
        message: /limit/,
      });
      assert.deepEqual(await fs.readdir(dir), []);
    });

    it('with a listed size and no Content-Length the body is cut as soon as it passes that size', async function () {
      const port = await announcing(undefined, 64 * 1024);
      const listed = { host: '127.0.0.1', port, path: '/DCIM/PHOTO/IMG_0001.JPG', expectedSize: 1000, timeoutMs: 5000 };
      await assert.rejects(downloadToBuffer(listed), { code: 'EHTTP', message: /more than the 1000 bytes the camera listed/ });
      await assert.rejects(downloadToFile({ ...listed, dir }), { code: 'EHTTP', message: /more than the 1000 bytes the camera listed/ });
      assert.deepEqual(await fs.readdir(dir), []);
    });

    it('a camera that drips its body (one byte every 50 ms) meets the total deadline', async function () {
      const port = await server((_req, res) => {
        res.writeHead(200, { 'Content-Length': 60 });
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || ++sent > 60) return clearInterval(timer);
          res.write(Buffer.from([sent]));
        }, 50);
        res.on('close', () => clearInterval(timer));
      });
      const drip = { host: '127.0.0.1', port, path: '/x', timeoutMs: 1000, deadlineMs: 300 };
      await assert.rejects(downloadToBuffer(drip), { code: 'ETIMEOUT', message: /in total/ });
      await assert.rejects(downloadToFile({ ...drip, dir }), { code: 'ETIMEOUT', message: /in total/ });
      assert.deepEqual(await fs.readdir(dir), []);
    });

    it('a cap, deadline or timeout that is not a positive number is refused before any request', async function () {
      for (const bad of [{ maxBytes: 0 }, { deadlineMs: -1 }, { timeoutMs: Number.NaN }, { deadlineMs: 2 ** 31 }]) {
        await assert.rejects(downloadToBuffer({ host: '127.0.0.1', port: httpPort, path: photo.path, ...bad }), { code: 'EINPUT' }, JSON.stringify(bad));
      }
    });

    it('a camera file named like a file in the folder gets a numbered name; overwrite replaces it', async function () {
      const profile = sim.addFile('/DCIM/.profile', Buffer.from('camera bytes'));
      await fs.writeFile(path.join(dir, '.profile'), 'mine');
      await fs.writeFile(path.join(dir, `${photo.name}`), 'mine too');
      const first = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: profile.path, dir });
      assert.equal(first.file, path.join(dir, '.profile (1)'));
      assert.equal(await fs.readFile(path.join(dir, '.profile'), 'utf8'), 'mine');
      const second = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: profile.path, dir });
      assert.equal(second.file, path.join(dir, '.profile (2)'));
      const stem = photo.name.replace(/\.[^.]*$/, '');
      const ext = photo.name.slice(stem.length);
      const numbered = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: photo.path, dir });
      assert.equal(numbered.file, path.join(dir, `${stem} (1)${ext}`));
      assert.equal(await fs.readFile(path.join(dir, photo.name), 'utf8'), 'mine too');
      const replaced = await downloadToFile({ host: '127.0.0.1', port: httpPort, path: profile.path, dir, overwrite: true });
      assert.equal(replaced.file, path.join(dir, '.profile'));
      assert.equal(await fs.readFile(path.join(dir, '.profile'), 'utf8'), 'camera bytes');
      assert.deepEqual((await fs.readdir(dir)).sort(), ['.profile', '.profile (1)', '.profile (2)', photo.name, `${stem} (1)${ext}`].sort());
    });
  });

  it('refuses a camera file name that would escape the folder', async function () {
    await assert.rejects(downloadToFile({ host: '127.0.0.1', port: httpPort, path: '/DCIM/..', dir }), { code: 'EINPUT' });
    await assert.rejects(downloadToFile({ host: '127.0.0.1', port: httpPort, path: photo.path, dir, fileName: '../x.jpg' }), { code: 'EINPUT' });
  });
});

describe('fileUrl', function () {
  const cases: Array<[string, number, string, string]> = [
    ['192.168.100.1', 80, '/DCIM/MOVIE/VID_0001.MP4', 'http://192.168.100.1/DCIM/MOVIE/VID_0001.MP4'],
    ['127.0.0.1', 8080, '/DCIM/PHOTO/IMG_0001.JPG', 'http://127.0.0.1:8080/DCIM/PHOTO/IMG_0001.JPG'],
    ['::1', 8080, '/a.jpg', 'http://[::1]:8080/a.jpg'],
    ['cam', 80, 'DCIM/a b.jpg', 'http://cam/DCIM/a%20b.jpg'],
    ['cam', 80, '/DCIM/100%.jpg', 'http://cam/DCIM/100%25.jpg'],
  ];
  for (const [host, port, p, url] of cases) {
    it(`${host} ${port} ${p} -> ${url}`, function () {
      assert.equal(fileUrl(host, port, p), url);
    });
  }
});

describe('numberedName', function () {
  const cases: Array<[string, number, string]> = [
    ['/d/IMG_0001.JPG', 1, '/d/IMG_0001 (1).JPG'],
    ['/d/IMG_0001.JPG', 12, '/d/IMG_0001 (12).JPG'],
    ['/d/.profile', 1, '/d/.profile (1)'],
    ['/d/README', 2, '/d/README (2)'],
    ['/d/clip.tar.gz', 1, '/d/clip.tar (1).gz'],
  ];
  for (const [file, n, expected] of cases) {
    it(`${file} #${n} -> ${expected}`, function () {
      assert.equal(numberedName(file, n), expected);
    });
  }
});

describe('downloadDeadlineMs', function () {
  const { deadlineFloorMs, minBytesPerSecond, maxFileBytes } = DownloadDefaults;
  const cases: Array<[string, number, number]> = [
    ['an empty file gets the floor', 0, deadlineFloorMs],
    ['one second of the slowest rate on top', minBytesPerSecond, deadlineFloorMs + 1000],
    ['a 100 MB video', 100e6, deadlineFloorMs + Math.ceil((100e6 / minBytesPerSecond) * 1000)],
    ['the FAT32 cap stays a valid timer', maxFileBytes, deadlineFloorMs + Math.ceil((maxFileBytes / minBytesPerSecond) * 1000)],
    ['beyond any timer is clamped', Number.MAX_SAFE_INTEGER, 0x7fffffff],
  ];
  for (const [name, size, expected] of cases) {
    it(name, function () {
      assert.equal(downloadDeadlineMs(size), expected);
    });
  }
});

describe('safeJoin', function () {
  const dir = path.resolve(os.tmpdir(), 'actioncam-safe');
  const ok: Array<[string, string]> = [
    ['VID_0001.MP4', path.join(dir, 'VID_0001.MP4')],
    ['.hidden', path.join(dir, '.hidden')],
    ['a..b.jpg', path.join(dir, 'a..b.jpg')],
  ];
  for (const [name, expected] of ok) {
    it(`accepts ${name}`, function () {
      assert.equal(safeJoin(dir, name), expected);
    });
  }
  const bad = ['', '.', '..', '../x', '/etc/passwd', 'a/b', 'a\\b', '..\\x', 'x\0y', 'C:x', 'c:\\x'];
  for (const name of bad) {
    it(`rejects ${JSON.stringify(name)}`, function () {
      assert.throws(() => safeJoin(dir, name), { name: 'BadInputError', code: 'EINPUT' });
    });
  }
});
