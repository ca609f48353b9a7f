/**
 * Starts a real Node-RED (the node-red package in devDependencies) as a child process with this
 * package installed the way npm would install it: a temporary user dir whose
 * node_modules/@actioncam/node-red-actioncam is a symlink to a package root holding package.json,
 * what its "files" list ships (examples/, resources/, icons/...) and dist/ -> the build under test.
 * Everything listens on 127.0.0.1 only.
 *
 * stop() ends only the child this helper started (by its pid) and removes the temporary files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const PACKAGE_NAME = '@actioncam/node-red-actioncam';
const HOST = '127.0.0.1';
/** Not a secret: a fixed key so Node-RED encrypts the throw-away credentials file without asking. */
const CREDENTIAL_SECRET = 'actioncam-e2e-test-not-a-secret';

export interface NodeRedOptions {
  /** The build under test (holds nodes/ and src/). Default: the build this helper was compiled into. */
  distDir?: string;
  /** The repository root (package.json and its "files"). Default: found from distDir, else the cwd. */
  packageRoot?: string;
  /** Flows to start with (default: none). */
  flows?: unknown[];
  /** How long to wait for "Started flows" and the HTTP port (default 60 s). */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGINT before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
  /** More settings.js entries (adminAuth, httpNodeRoot, httpNodeAuth, ...), JSON only, merged over the defaults below. */
  settings?: Record<string, unknown>;
}

export interface NodeRedProcess {
  /** The editor, e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  pid: number;
  userDir: string;
  /** Everything Node-RED printed so far (stdout and stderr). */
  output(): string;
  /** SIGINT, then SIGKILL after the stop timeout; removes the temporary dirs. Safe to call twice. */
  stop(): Promise<void>;
}

/** Stops a test's Node-RED (if it started) and prints its log when it logged an error, for the reader of a failed run. */
export async function stopNodeRed(nodeRed: NodeRedProcess | undefined): Promise<void> {
  if (!nodeRed) return;
  const out = nodeRed.output();
  await nodeRed.stop();
  if (/\[error\]/.test(out)) console.log(`    Node-RED log:\n${out}`);
}

/** A TCP port free on 127.0.0.1 right now (bind port 0, read it, close). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isPackageRoot(dir: string): boolean {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The repository root: the nearest ancestor of `from` with our package.json, else the cwd. */
export function findPackageRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isPackageRoot(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  if (isPackageRoot(process.cwd())) return process.cwd();
  throw new Error(`cannot find the ${PACKAGE_NAME} package root from ${from} or ${process.cwd()}`);
}

function resolveNodeRed(root: string): string {
  try {
    return require.resolve('node-red/red.js', { paths: [root] });
  } catch {
    return require.resolve('node-red/red.js');
  }
}

function settingsFile(userDir: string, port: number, extra: Record<string, unknown> = {}): string {
  const settings = {
    ...extra,
    uiHost: HOST,
    uiPort: port,
    userDir,
    flowFile: 'flows.json',
    credentialSecret: CREDENTIAL_SECRET,
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { palette: { allowInstall: false }, modules: { allowInstall: false } },
    ...extra,
  };
  return `// written by test/helpers/node-red-process.ts\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`;
}

/** GET url until it answers 200 (or the deadline passes). */
async function waitForHttp(url: string, deadline: number, alive: () => boolean): Promise<void> {
  let lastError = '';
  while (Date.now() < deadline && alive()) {
    const status = await new Promise<number>((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', (err) => {
        lastError = err.message;
        resolve(0);
      });
    });
    if (status === 200) return;
    if (status) lastError = `HTTP ${status}`;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Node-RED did not answer at ${url}: ${lastError || 'process exited'}`);
}

async function makePackageDirs(distDir: string, packageRoot: string, flows: unknown[]): Promise<{ base: string; userDir: string }> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-node-red-'));
  // The installed package: the files npm would ship, with dist/ pointing at the build under test.
  const pkg = path.join(base, 'package');
  await fs.mkdir(pkg);
  const manifest = JSON.parse(await fs.readFile(path.join(packageRoot, 'package.json'), 'utf8')) as { files?: string[] };
  await fs.copyFile(path.join(packageRoot, 'package.json'), path.join(pkg, 'package.json'));
  await fs.symlink(path.resolve(distDir), path.join(pkg, 'dist'), 'dir');
  // Everything else the package ships ("files": examples/, resources/, icons/...), by top-level entry.
  const shipped = new Set((manifest.files ?? []).map((f) => f.replace(/^\.?\//, '').split('/')[0]).filter((f) => f && f !== 'dist' && !/[*?]/.test(f)));
  for (const entry of shipped) {
    const from = path.join(packageRoot, entry);
    if (existsSync(from)) await fs.symlink(from, path.join(pkg, entry));
  }
  const userDir = path.join(base, 'user');
  const scope = path.join(userDir, 'node_modules', '@actioncam');
  await fs.mkdir(scope, { recursive: true });
  await fs.symlink(pkg, path.join(scope, 'node-red-actioncam'), 'dir');
  await fs.writeFile(path.join(userDir, 'flows.json'), JSON.stringify(flows, null, 2));
  return { base, userDir };
}

function launch(
  userDir: string,
  port: number,
  redJs: string,
  readyTimeoutMs: number,
  extra?: Record<string, unknown>,
): Promise<{ child: ChildProcess; output: () => string }> {
  return (async () => {
    const settingsPath = path.join(userDir, 'settings.js');
    await fs.writeFile(settingsPath, settingsFile(userDir, port, extra));
    let out = '';
    const child = spawn(process.execPath, [redJs, '--settings', settingsPath, '--userDir', userDir], {
      cwd: userDir,
      env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (out += s));
    let exited = child.exitCode !== null;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exit.then(() => (exited = true));
    const deadline = Date.now() + readyTimeoutMs;
    const output = () => out;
    try {
      // "Started flows" comes after the HTTP server listens; then the editor page must answer.
      while (!/Started flows/.test(out)) {
        if (exited) throw new Error(`Node-RED exited (code ${child.exitCode}) before "Started flows":\n${out}`);
        if (Date.now() > deadline) throw new Error(`Node-RED did not print "Started flows" within ${readyTimeoutMs} ms:\n${out}`);
        await Promise.race([exit, new Promise((r) => setTimeout(r, 100))]);
      }
      await waitForHttp(`http://${HOST}:${port}/`, deadline, () => !exited);
    } catch (err) {
      await killChild(child, 5000);
      throw err;
    }
    return { child, output };
  })();
}

async function killChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Starts Node-RED with the package installed; resolves once flows are started and the editor answers. */
export async function startNodeRed(opts: NodeRedOptions = {}): Promise<NodeRedProcess> {
  const distDir = path.resolve(opts.distDir ?? path.join(__dirname, '..', '..'));
  if (!existsSync(path.join(distDir, 'nodes'))) throw new Error(`no nodes/ in the build under test ${distDir}`);
  const packageRoot = opts.packageRoot ?? findPackageRoot(distDir);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15000;
  const redJs = resolveNodeRed(packageRoot);
  const { base, userDir } = await makePackageDirs(distDir, packageRoot, opts.flows ?? []);

  let started: { child: ChildProcess; output: () => string } | undefined;
  let port = 0;
  let lastError: unknown;
  try {
    // The port is free when picked but another process could take it before Node-RED binds it: retry.
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      port = await freeTcpPort();
      try {
        started = await launch(userDir, port, redJs, readyTimeoutMs, opts.settings);
      } catch (err) {
        lastError = err;
        if (!/EADDRINUSE|port in use|already in use/i.test(String(err))) throw err;
      }
    }
    if (!started) throw lastError;
  } catch (err) {
    await fs.rm(base, { recursive: true, force: true });
    throw err;
  }

  const { child, output } = started;
  // If the test process dies without running its after hooks, do not leave Node-RED behind.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    pid: child.pid ?? -1,
    userDir,
    output,
    stop(): Promise<void> {
      stopping ??= (async () => {
        await killChild(child, stopTimeoutMs);
        process.removeListener('exit', onExit);
        await fs.rm(base, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
