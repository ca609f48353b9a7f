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
import { downloadToBuffer, downloadToFile, fileUrl, safeJoin } from '../../src/http';
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
          partSeen = (await fs.readdir(dir)).includes('.BIG.MP4.part');
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
