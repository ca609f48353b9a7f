/**
 * `actioncam sync`, `clock` and `watch` against the camera simulator on 127.0.0.1 (issue 11): the
 * mirror and its second run, a file cut mid-way, the clock set through the CLI and the next still
 * named from it, and the unsolicited messages printed as lines or JSON.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CameraSimulator } from '../../src/simulator';
import { collect, exited, runCli, spawnCli } from './helpers';

interface SyncDoc {
  downloaded: Array<{ path: string; size: number; file: string }>;
  skipped: number;
  failed: Array<{ path: string; error: string }>;
  bytes: number;
}

/** Every file under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
  }
  return out.sort();
}

/** Resolves once the child has printed `count` lines on stdout. */
function stdoutLines(child: ReturnType<typeof spawnCli>, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const onData = (chunk: Buffer | string): void => {
      seen += String(chunk).split('\n').length - 1;
      if (seen < count) return;
      child.stdout.off('data', onData);
      resolve();
    };
    child.stdout.on('data', onData);
  });
}

describe('actioncam CLI: sync, clock, watch (integration)', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let camera: string[];
  let tmp: string;

  beforeEach(async () => {
    sim = new CameraSimulator({ host: '127.0.0.1' });
    const addr = await sim.start();
    camera = ['--host', '127.0.0.1', '--port', String(addr.controlPort), '--http-port', String(addr.httpPort), '--timeout', '5000'];
    tmp = await mkdtemp(path.join(tmpdir(), 'actioncam-cli-sync-'));
  });

  afterEach(async () => {
    await sim.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('sync', () => {
    it('the first run downloads every file, with progress on stderr; the second run downloads none', async () => {
      const dir = path.join(tmp, 'card');
      let r = await runCli(['sync', '--out', dir, ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const first = JSON.parse(r.stdout) as SyncDoc;
      assert.deepEqual(Object.keys(first), ['downloaded', 'skipped', 'failed', 'bytes']);
      assert.deepEqual(first.downloaded, sim.files.map((f) => ({ path: f.path, size: f.size, file: path.join(dir, f.path) })));
      assert.deepEqual([first.skipped, first.failed, first.bytes], [0, [], sim.files.reduce((n, f) => n + f.size, 0)]);
      for (const f of sim.files) assert.ok((await readFile(path.join(dir, f.path))).equals(f.data));
      const count = sim.files.length;
      assert.match(r.stderr, new RegExp(`^syncing 1/${count} · 0 %  ${sim.files[0].path}$`, 'm'));
      assert.match(r.stderr, new RegExp(`^syncing ${count}/${count} · \\d+ %  ${sim.files[count - 1].path}$`, 'm'));

      r = await runCli(['sync', '-o', dir, ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `0 downloaded (0 B), ${count} already there\n`);
      assert.equal(r.stderr, '');
    });

    it('--type photo mirrors only the photos', async () => {
      const dir = path.join(tmp, 'photos');
      const r = await runCli(['sync', '--out', dir, '--type', 'photo', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await tree(dir), sim.files.filter((f) => f.type === 'photo').map((f) => f.path.slice(1)));
    });

    it('a file cut mid-way: reported in the JSON, exit 1 with one line, no file under its name; the others arrive', async () => {
      const video = sim.files.find((f) => f.type === 'video')!;
      sim.faults.httpCut = { path: video.path, afterBytes: 4096 };
      const dir = path.join(tmp, 'cut');
      const r = await runCli(['sync', '--out', dir, ...camera, '--json']);
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as SyncDoc;
      assert.deepEqual(doc.failed.map((f) => f.path), [video.path]);
      assert.match(r.stderr, /^actioncam: 1 of \d+ files could not be downloaded/m);
      assert.deepEqual(await tree(dir), sim.files.filter((f) => f !== video).map((f) => f.path.slice(1)).sort());
    });

    it('prints a hostile camera path escaped and refuses it', async () => {
      sim.addFile('/DCIM/../../\u001b[2Jevil.JPG', Buffer.from('x'));
      const dir = path.join(tmp, 'hostile');
      const r = await runCli(['sync', '--out', dir, ...camera]);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.stdout + r.stderr, /\u001b/);
      assert.match(r.stdout, /^failed: \/DCIM\/\.\.\/\.\.\/\\x1b\[2Jevil\.JPG: .*outside/m);
      assert.deepEqual(await readdir(tmp), ['hostile']);
    });

    it('without --out, or with a bad --type: exit 2', async () => {
      let r = await runCli(['sync', ...camera]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^actioncam: 'sync' needs --out DIR/);
      r = await runCli(['sync', '--out', tmp, '--type', 'audio', ...camera]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^actioncam: --type must be video, photo or all/);
    });
  });

  describe('clock', () => {
    it('sets the simulator clock from --time; the next still is named from it', async () => {
      let r = await runCli(['clock', '--time', '2024-05-01T12:34:00', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { time: string; hex: string };
      assert.equal(doc.time, '2024-05-01T12:34:00');
      assert.equal(doc.hex.length, 72);
      assert.ok(sim.clock && sim.clock.getTime() >= new Date(2024, 4, 1, 12, 34, 0).getTime());
      r = await runCli(['still', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match((JSON.parse(r.stdout) as { name: string }).name, /^IMG_20240501_1234\d\d_\d{4}\.JPG$/);
    });

    it('says what it did, and that it is experimental, without --json', async () => {
      const r = await runCli(['clock', '--time', '2030-01-02', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^camera clock set to 2030-01-02 00:00:00 \(A011; experimental/);
    });

    it('a --time that is not ISO 8601: exit 2 before connecting', async () => {
      const before = sim.stats.connections;
      const r = await runCli(['clock', '--time', 'tomorrow', ...camera]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^actioncam: --time must be an ISO 8601 date/);
      assert.equal(sim.stats.connections, before);
    });
  });

  describe('watch', () => {
    async function watching(json: boolean): Promise<ReturnType<typeof spawnCli>> {
      const logins = sim.stats.logins;
      const child = spawnCli(['watch', ...camera, ...(json ? ['--json'] : [])]);
      const deadline = Date.now() + 10_000;
      while (sim.stats.logins === logins) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('watch did not log in');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return child;
    }

    it('--json prints one {type, typeHex, name, hex} per message nobody asked for, and exits 0 on SIGINT', async () => {
      const child = await watching(true);
      const output = collect(child);
      const printed = stdoutLines(child, 2);
      sim.notify(0xa0f0, Buffer.from('0102', 'hex'));
      sim.notify(0x0115);
      await printed;
      child.kill('SIGINT');
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)),
        [
          { type: 0xa0f0, typeHex: 'a0f0', name: '0xA0F0', hex: '0102' },
          { type: 0x0115, typeHex: '0115', name: 'DISCOVERY_RESPONSE', hex: '' },
        ],
      );
    });

    it('prints readable lines without --json', async () => {
      const child = await watching(false);
      const output = collect(child);
      const printed = stdoutLines(child, 1);
      sim.notify(0xa0f0, Buffer.from('0102', 'hex'));
      await printed;
      child.kill('SIGINT');
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\d\d:\d\d:\d\d\.\d{3} {2}a0f0 {2}0xA0F0 {2}2 bytes {2}0102\n$/);
      assert.match(r.stderr, /^watching camera 127\.0\.0\.1:\d+/);
      await exited(child);
    });
  });
});
