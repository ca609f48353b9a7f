/**
 * `npm start`'s demo (scripts/demo.js) with every port chosen by the system: the simulator and
 * Node-RED start, Node-RED loads this package's nodes and the patched demo flow, an inject runs,
 * and SIGINT stops both with exit 0. Everything stays on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exited } from './cli-helpers';

/** dist/test/integration -> dist, and the repository's scripts/ beside dist. */
const DIST = path.resolve(__dirname, '..', '..');
const DEMO = path.resolve(DIST, '..', 'scripts', 'demo.js');

function request(port: number, method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: { Accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
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
});
