/**
 * `actioncam fetch` against the simulator and a hostile file server on 127.0.0.1: the download bounds
 * of issue 10 (finding 10) as the CLI shows them: the size cap for `fetch PATH`, no silent overwrite,
 * and camera-supplied names printed with their control characters escaped.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CameraSimulator } from '../../src/simulator';
import { runCli } from './helpers';

describe('actioncam CLI: fetch bounds (integration)', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let camera: string[];
  let tmp: string;

  before(async () => {
    sim = new CameraSimulator({ host: '127.0.0.1' });
    const addr = await sim.start();
    camera = ['--host', '127.0.0.1', '--port', String(addr.controlPort), '--http-port', String(addr.httpPort), '--timeout', '5000'];
    tmp = await mkdtemp(path.join(tmpdir(), 'actioncam-cli-fetch-'));
  });

  after(async () => {
    await sim.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  async function emptyDir(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  it('fetch PATH refuses a file announced beyond the size cap (there is no listed size to check)', async () => {
    const sockets = new Set<net.Socket>();
    const srv = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 5 * 1024 ** 3 });
      res.write(Buffer.alloc(1000));
    });
    srv.on('connection', (s: net.Socket) => sockets.add(s));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const dir = await emptyDir('huge');
      const port = (srv.address() as net.AddressInfo).port;
      const r = await runCli(['fetch', '/DCIM/MOVIE/HUGE.MP4', '--out', dir, '--host', '127.0.0.1', '--http-port', String(port), '--timeout', '5000']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^actioncam: .*over the \d+-byte limit.*\n$/);
      assert.deepEqual(await readdir(dir), []);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });

  it('never overwrites a file in --out: a numbered name, unless --overwrite', async () => {
    const photo = sim.files.find((f) => f.type === 'photo')!;
    const dir = await emptyDir('keep');
    await writeFile(path.join(dir, photo.name), 'mine');
    let r = await runCli(['fetch', photo.path, '--out', dir, ...camera, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const numbered = photo.name.replace(/(\.[^.]*)$/, ' (1)$1');
    assert.deepEqual(JSON.parse(r.stdout), { path: photo.path, size: photo.size, file: path.join(dir, numbered) });
    assert.equal(await readFile(path.join(dir, photo.name), 'utf8'), 'mine');
    r = await runCli(['fetch', photo.path, '--out', dir, '--overwrite', ...camera, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { file: string }).file, path.join(dir, photo.name));
    assert.ok((await readFile(path.join(dir, photo.name))).equals(photo.data));
  });

  it('prints a camera file name with terminal control characters escaped', async () => {
    const hostile = sim.addFile('/DCIM/PHOTO/\u001b[31mRED\u0007\u001b[2J\u009bX.JPG', Buffer.from('jpeg'));
    const dir = await emptyDir('escape');
    const r = await runCli(['fetch', '-o', dir, ...camera]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no raw control character reaches the terminal');
    assert.ok(r.stdout.includes('\\x1b[31mRED\\x07\\x1b[2J\\x9bX.JPG'), r.stdout);
    assert.deepEqual(await readdir(dir), [hostile.name], 'the file on disk keeps the camera name');
  });
});
