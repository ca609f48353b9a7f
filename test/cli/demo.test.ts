/**
 * `npm start`'s demo (scripts/demo.js) with every port chosen by the system: the simulator and
 * Node-RED start, Node-RED loads this package's nodes and the patched demo flow, an inject runs,
 * and SIGINT stops both with exit 0. Started twice with a tab the user deployed in between, the
 * user's tab is still there; --reset-demo restores the demo tab and keeps the user's. Everything
 * stays on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exited } from './helpers';

/** dist/test/cli -> dist, and the repository's scripts/ beside dist. */
const DIST = path.resolve(__dirname, '..', '..');
const DEMO = path.resolve(DIST, '..', 'scripts', 'demo.js');

function request(port: number, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' });
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Resolves with the first stdout line matching `pattern`; stdout is kept for failure messages. */
function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`demo exited (${code}); output:\n${text}`)));
  });
}

describe('npm start demo (integration)', function () {
  this.timeout(90000);
  let userDir: string;
  let child: ChildProcessWithoutNullStreams | undefined;

  before(async function () {
    if (!existsSync(DEMO)) this.skip(); // a build outside the repository has no scripts/ beside it
    userDir = await mkdtemp(path.join(tmpdir(), 'actioncam-demo-'));
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    if (userDir) await rm(userDir, { recursive: true, force: true });
  });

  it('starts the simulator and Node-RED with the actioncam nodes and the demo flow; SIGINT stops both', async () => {
    child = spawn(process.execPath, [DEMO], {
      env: { ...process.env, ACTIONCAM_DIST: DIST, ACTIONCAM_DEMO_PORT: '0', ACTIONCAM_DEMO_DIR: userDir },
      stdio: 'pipe',
    });
    child.stderr.resume();
    const simulatorLine = waitForLine(child, /camera simulator: control 127\.0\.0\.1:(\d+)/, 60000);
    const [, port] = await waitForLine(child, /Node-RED editor: {2}http:\/\/127\.0\.0\.1:(\d+)\//, 60000);
    const [, controlPort] = await simulatorLine;
    const uiPort = Number(port);

    const nodes = await request(uiPort, 'GET', '/nodes');
    assert.equal(nodes.status, 200);
    const sets = (JSON.parse(nodes.body) as Array<{ module: string; types: string[]; err?: unknown }>).filter((s) => s.module === '@actioncam/node-red-actioncam');
    const loaded = sets.filter((s) => !s.err).flatMap((s) => s.types);
    for (const type of ['actioncam-config', 'actioncam-discover', 'actioncam-snapshot', 'actioncam-record', 'actioncam-list-files', 'actioncam-firmware', 'actioncam-raw-command']) {
      assert.ok(loaded.includes(type), `${type} not loaded: ${JSON.stringify(sets)}`);
    }

    const flows = await request(uiPort, 'GET', '/flows');
    const flow = JSON.parse(flows.body) as Array<Record<string, unknown>>;
    const config = flow.find((n) => n.type === 'actioncam-config');
    assert.ok(config);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, Number(controlPort));
    assert.equal(flow.find((n) => n.type === 'actioncam-discover')?.address, '127.0.0.1');

    assert.equal((await request(uiPort, 'POST', '/inject/acdemo.firmware.in')).status, 200);

    child.kill('SIGINT');
    const { code } = await exited(child, 30000);
    assert.equal(code, 0);
  });

  describe('the user\'s flows', () => {
    type FlowNode = Record<string, unknown> & { id: string; type: string };
    let demo: ChildProcessWithoutNullStreams | undefined;

    afterEach(async () => {
      if (demo && demo.exitCode === null) {
        demo.kill('SIGKILL');
        await exited(demo);
      }
      demo = undefined;
    });

    /** Starts the demo in `userDir`; resolves with the editor's port and the banner's flows line. */
    async function startDemo(extra: string[] = []): Promise<{ uiPort: number; flowsLine: string }> {
      demo = spawn(process.execPath, [DEMO, ...extra], {
        env: { ...process.env, ACTIONCAM_DIST: DIST, ACTIONCAM_DEMO_PORT: '0', ACTIONCAM_DEMO_DIR: userDir },
        stdio: 'pipe',
      });
      demo.stderr.resume();
      const editor = waitForLine(demo, /Node-RED editor: {2}http:\/\/127\.0\.0\.1:(\d+)\//, 60000);
      const [, flowsLine] = await waitForLine(demo, /flows: +(.*)\n/, 60000);
      const [, port] = await editor;
      return { uiPort: Number(port), flowsLine };
    }

    async function stopDemo(): Promise<void> {
      demo!.kill('SIGINT');
      const { code } = await exited(demo!, 30000);
      assert.equal(code, 0);
      demo = undefined;
    }

    async function flows(uiPort: number): Promise<FlowNode[]> {
      const res = await request(uiPort, 'GET', '/flows');
      assert.equal(res.status, 200);
      return JSON.parse(res.body) as FlowNode[];
    }

    it('keeps a tab the user deployed over a restart, and --reset-demo restores the demo tab beside it', async () => {
      // The first test left a flows.json with the demo tab; start from none.
      await rm(path.join(userDir, 'flows.json'), { force: true });
      await rm(path.join(userDir, 'flows.json.bak'), { force: true });
      const first = await startDemo();
      assert.match(first.flowsLine, /new flows\.json with the demo tab/);
      const original = await flows(first.uiPort);
      const demoInject = original.find((n) => n.id === 'acdemo.firmware.in');
      assert.ok(demoInject && original.some((n) => n.id === 'acdemo.tab'));

      // The user adds a tab of their own and renames a node of the demo, then deploys.
      const mine: FlowNode[] = [
        { id: 'user.tab', type: 'tab', label: 'my own flow', disabled: false, info: '' },
        { id: 'user.note', type: 'comment', z: 'user.tab', name: 'built by hand', info: '', x: 200, y: 100, wires: [] },
      ];
      const edited = original.map((n) => (n.id === 'acdemo.firmware.in' ? { ...n, name: 'renamed by me' } : n));
      const deployed = await request(first.uiPort, 'POST', '/flows', [...edited, ...mine]);
      assert.ok(deployed.status === 200 || deployed.status === 204, `deploy answered ${deployed.status}: ${deployed.body}`);
      await stopDemo();

      // Second start: nothing of the user's is lost.
      const second = await startDemo();
      assert.match(second.flowsLine, /your flows are kept as they are/);
      assert.match(second.flowsLine, /--reset-demo/);
      const kept = await flows(second.uiPort);
      assert.equal(kept.find((n) => n.id === 'user.tab')?.label, 'my own flow');
      assert.equal(kept.find((n) => n.id === 'user.note')?.name, 'built by hand');
      assert.equal(kept.find((n) => n.id === 'acdemo.firmware.in')?.name, 'renamed by me');
      assert.equal(kept.filter((n) => n.id === 'acdemo.tab').length, 1);
      await stopDemo();

      // --reset-demo: a fresh demo tab, the user's tab still there, the previous file kept.
      const third = await startDemo(['--reset-demo']);
      assert.match(third.flowsLine, /demo tab "actioncam demo" is restored/);
      const restored = await flows(third.uiPort);
      assert.equal(restored.find((n) => n.id === 'acdemo.firmware.in')?.name, demoInject.name);
      assert.equal(restored.find((n) => n.id === 'user.tab')?.label, 'my own flow');
      assert.equal(restored.find((n) => n.id === 'user.note')?.name, 'built by hand');
      assert.equal(restored.filter((n) => n.id === 'acdemo.tab').length, 1);
      const backup = JSON.parse(readFileSync(path.join(userDir, 'flows.json.bak'), 'utf8')) as FlowNode[];
      assert.equal(backup.find((n) => n.id === 'acdemo.firmware.in')?.name, 'renamed by me', 'the file before the reset is kept');
      await stopDemo();
    });
  });
});
