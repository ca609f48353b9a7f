/**
 * The `actioncam` CLI against a camera simulator on 127.0.0.1 (ephemeral ports): every camera
 * command with and without --json, and the failure paths (exit status + one stderr line).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CameraSimulator } from '../../src/simulator';
import { closedTcpPort, runCli } from './helpers';

describe('actioncam CLI: camera commands (integration)', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let camera: string[];
  let httpPort: number;
  let tmp: string;

  before(async () => {
    sim = new CameraSimulator({ host: '127.0.0.1' });
    const addr = await sim.start();
    httpPort = addr.httpPort;
    camera = ['--host', '127.0.0.1', '--port', String(addr.controlPort), '--http-port', String(httpPort), '--timeout', '5000'];
    tmp = await mkdtemp(path.join(tmpdir(), 'actioncam-cli-'));
  });

  after(async () => {
    await sim.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  function jsonOf(stdout: string): unknown {
    assert.equal(stdout.trimEnd().split('\n').length, 1, `one JSON line expected, got: ${stdout}`);
    return JSON.parse(stdout);
  }

  describe('firmware', () => {
    it('prints {version, words, raw} with --json', async () => {
      const r = await runCli(['firmware', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = jsonOf(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc).sort(), ['raw', 'version', 'words']);
      assert.equal(doc.version, 'v1.0 rc5');
      assert.ok(Array.isArray(doc.words) && doc.words.length === 20);
      assert.match(String(doc.raw), /^[0-9a-f]+$/);
    });

    it('prints readable lines without --json', async () => {
      const r = await runCli(['firmware', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^version {2}v1\.0 rc5\nwords {4}[\d ]+\nraw {6}[0-9a-f]+\n$/);
      assert.equal(r.stderr, '');
    });
  });

  describe('ls', () => {
    it('prints [{path, name, size, url, type}] with --json', async () => {
      const r = await runCli(['ls', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const files = jsonOf(r.stdout) as Array<Record<string, unknown>>;
      const expected = sim.files.map((f) => ({
        path: f.path,
        name: f.name,
        size: f.size,
        url: `http://127.0.0.1:${httpPort}${f.path}`,
        type: f.type,
      }));
      assert.deepEqual(files, expected);
      for (const f of files) assert.deepEqual(Object.keys(f), ['path', 'name', 'size', 'url', 'type']);
    });

    it('prints an aligned table without --json', async () => {
      const r = await runCli(['ls', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^\s*SIZE {2}TYPE {3}PATH$/);
      const pathColumn = lines[0].indexOf('PATH');
      for (const f of sim.files) {
        const line = lines.find((l) => l.endsWith(f.path));
        assert.ok(line, `no line for ${f.path}`);
        assert.equal(line.indexOf(f.path), pathColumn);
      }
      assert.match(lines[lines.length - 1], new RegExp(`^${sim.files.length} files, `));
    });
  });

  describe('still', () => {
    it('takes a picture and prints the new file {path, name, size, url} with --json', async () => {
      const before = sim.files.map((f) => f.path);
      const r = await runCli(['still', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = jsonOf(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc), ['path', 'name', 'size', 'url']);
      const added = sim.files.filter((f) => !before.includes(f.path));
      assert.equal(added.length, 1);
      assert.deepEqual(doc, { path: added[0].path, name: added[0].name, size: added[0].size, url: `http://127.0.0.1:${httpPort}${added[0].path}` });
    });

    it('prints the path, size and URL without --json', async () => {
      const r = await runCli(['still', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      const newest = sim.files[sim.files.length - 1];
      assert.match(r.stdout, new RegExp(`^${newest.path} {2}\\S+ \\S+\\nhttp://127\\.0\\.0\\.1:${httpPort}${newest.path}\\n$`));
    });
  });

  describe('record and stop', () => {
    it('prints {recording, action} with --json and switches the camera', async () => {
      let r = await runCli(['record', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(jsonOf(r.stdout), { recording: true, action: 'start' });
      assert.equal(sim.recording, true);
      r = await runCli(['stop', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(jsonOf(r.stdout), { recording: false, action: 'stop' });
      assert.equal(sim.recording, false);
    });

    it('says what it did without --json', async () => {
      let r = await runCli(['record', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'recording started\n');
      r = await runCli(['stop', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'recording stopped\n');
    });
  });

  describe('fetch', () => {
    it('downloads PATH into --out; the bytes are what the simulator serves', async () => {
      const file = sim.files[0];
      const out = path.join(tmp, 'given');
      const r = await runCli(['fetch', file.path, '--out', out, ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = jsonOf(r.stdout) as Record<string, unknown>;
      assert.deepEqual(doc, { path: file.path, size: file.size, file: path.join(out, file.name) });
      assert.ok((await readFile(path.join(out, file.name))).equals(file.data));
    });

    it('downloads the newest file when no PATH is given', async () => {
      const newest = sim.files[sim.files.length - 1];
      const out = path.join(tmp, 'newest');
      const r = await runCli(['fetch', '-o', out, ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^${path.join(out, newest.name).replace(/[.\\]/g, '\\$&')} {2}\\S+ \\S+\\n$`));
      assert.ok((await readFile(path.join(out, newest.name))).equals(newest.data));
    });

    it('fails with exit 1 and one line for a file the camera does not have', async () => {
      const r = await runCli(['fetch', '/DCIM/NOPE.JPG', '--out', tmp, ...camera]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^actioncam: .*404.*\n$/);
    });
  });

  describe('cmd', () => {
    it('sends HEX and prints the reply {type, typeHex, name, payload, hex} with --json', async () => {
      const r = await runCli(['cmd', 'a034', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = jsonOf(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc), ['type', 'typeHex', 'name', 'payload', 'hex']);
      assert.equal(doc.type, 0xa035);
      assert.equal(doc.typeHex, 'a035');
      assert.equal(doc.name, 'FIRMWARE_INFORMATION');
      assert.match(String(doc.payload), /^[0-9a-f]{224}$/);
      assert.equal(doc.hex, doc.payload);
    });

    it('waits for the --reply type', async () => {
      const r = await runCli(['cmd', 'a0 38', '--reply', 'a039', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(jsonOf(r.stdout), { type: 0xa039, typeHex: 'a039', name: 'PICTURE_SAVED', payload: '', hex: '' });
    });

    it('only sends with --reply none', async () => {
      const before = sim.stats.commands;
      let r = await runCli(['cmd', 'a038', '--reply', 'none', ...camera, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'null\n');
      r = await runCli(['cmd', 'a038', '--reply', 'none', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^sent a038 \(TAKE_PICTURE\), 0 payload bytes; no reply awaited\n$/);
      assert.ok(sim.stats.commands > before);
    });

    it('prints the reply type and a hex dump without --json', async () => {
      const r = await runCli(['cmd', 'a034', ...camera]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^reply a035 \(FIRMWARE_INFORMATION\), 112 payload bytes\n00000000 {2}[0-9a-f ]{47} {2}.{16}\n/);
    });

    it('fails with exit 1 when the reply does not come in time', async () => {
      const r = await runCli(['cmd', 'a0ee', ...camera.slice(0, -2), '--timeout', '300']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.match(r.stderr, /^actioncam: .+\n$/);
    });
  });

  describe('failures', () => {
    it('a closed port: exit 1 and one line naming the camera', async () => {
      const port = await closedTcpPort();
      const r = await runCli(['firmware', '--host', '127.0.0.1', '--port', String(port), '--timeout', '2000']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^actioncam: .*127\\.0\\.0\\.1:${port}.*\\n$`));
      assert.match(r.stderr, /ECONNREFUSED|unreachable|refused/i);
    });

    it('bad hex: exit 2', async () => {
      for (const hex of ['zz12', 'a03', 'a0']) {
        const r = await runCli(['cmd', hex, ...camera]);
        assert.equal(r.code, 2, `${hex}: ${r.stderr}`);
        assert.match(r.stderr, /^actioncam: the command .+ \(see 'actioncam --help'\)\n$/);
      }
      const r = await runCli(['cmd', 'a038', '--reply', 'xyz', ...camera]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^actioncam: --reply must be/);
    });

    it('bad port: exit 2', async () => {
      for (const port of ['0', '65536', 'http', '-1', '']) {
        const r = await runCli(['ls', `--port=${port}`]);
        assert.equal(r.code, 2, `${port}: ${r.stderr}`);
        assert.equal(r.stderr, `actioncam: --port must be a port number 1-65535, got '${port}' (see 'actioncam --help')\n`);
      }
      const r = await runCli(['discover', '--ports', '22600,99999']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^actioncam: --ports must be a port number 1-65535, got '99999' \(/);
    });

    it('unknown command, unknown option, option of another command, missing argument: exit 2', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['shoot'], /^actioncam: unknown command 'shoot' \(see 'actioncam --help'\)\n$/],
        [['ls', '--bogus'], /^actioncam: unknown option '--bogus'/],
        [['ls', '--out', '/tmp'], /^actioncam: option --out is not valid for 'ls' \(/],
        [['cmd'], /^actioncam: 'cmd' needs an argument/],
        [['ls', 'extra'], /^actioncam: unexpected argument 'extra' for 'ls' \(/],
        [[], /^actioncam: no command given \(/],
        [['rtsp', '--listen', 'nowhere'], /^actioncam: --listen must be HOST:PORT, got 'nowhere' \(/],
        [['ls', '--timeout', '0'], /^actioncam: --timeout must be/],
        [['relay', '--to', '127.0.0.1:65535'], /^actioncam: --to port must be 1-65534/],
        [['simulate', '--preview-port', '0'], /^actioncam: --preview-port must be a port number 1-65535/],
        [['rtsp', '--listen', '127.0.0.1:0'], /^actioncam: --listen must be a port number 1-65535, got '0'/],
        [['live', '--listen', '127.0.0.1:99999'], /^actioncam: --listen must be a port number 0-65535, got '99999'/],
        [['live', '--path', '/x'], /^actioncam: option --path is not valid for 'live' \(/],
      ];
      for (const [args, stderr] of cases) {
        const r = await runCli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, stderr);
        assert.equal(r.stderr.split('\n').length, 2, 'one line');
      }
    });
  });

  describe('help and version', () => {
    it('--help lists every command; COMMAND --help shows its options', async () => {
      let r = await runCli(['--help']);
      assert.equal(r.code, 0);
      for (const c of ['discover', 'firmware', 'ls', 'still', 'record', 'stop', 'fetch', 'cmd', 'relay', 'rtsp', 'live', 'simulate']) {
        assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
      }
      r = await runCli(['live', '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: actioncam live \[--listen HOST:PORT\]/);
      assert.match(r.stdout, /default 127\.0\.0\.1:8081/);
      r = await runCli(['fetch', '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: actioncam fetch \[PATH\] \[--out DIR\]/);
      r = await runCli(['help', 'cmd']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /--reply HEX\|none/);
    });

    it('--version prints the package version', async () => {
      const pkg = JSON.parse(await readFile(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
      const r = await runCli(['--version']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${pkg.version}\n`);
    });
  });
});
