#!/usr/bin/env node
// `npm start` (after the build): a camera simulator on 127.0.0.1 plus Node-RED 4 with this package
// installed and a demo flow that uses every node. Everything stays on 127.0.0.1; Ctrl+C stops both.
//
// The user's flows are never overwritten (issue 9): the demo tab is added to flows.json only when it
// is missing, and `npm start -- --reset-demo` puts a fresh copy of it back; other tabs stay as they
// are (scripts/demo-merge.js). Before flows.json is changed, the previous file is kept as flows.json.bak.
//
// Environment (all optional): ACTIONCAM_DEMO_PORT (editor port, default 1880; 0 = every port chosen
// by the system, for tests), ACTIONCAM_DEMO_DIR (Node-RED user dir, default .node-red-demo/),
// ACTIONCAM_DIST (the build to run, as for scripts/build.js).
'use strict';
const { spawn } = require('child_process');
const { mergeDemo, parseFlows, pointAtSimulator } = require('./demo-merge');
const dgram = require('dgram');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.resolve(root, process.env.ACTIONCAM_DIST || 'dist');
const userDir = path.resolve(root, process.env.ACTIONCAM_DEMO_DIR || '.node-red-demo');
const HOST = '127.0.0.1';
const PACKAGE = '@actioncam/node-red-actioncam';
/** Not a secret: it only spares the user Node-RED's "credentialSecret" prompt in a throw-away demo. */
const CREDENTIAL_SECRET = 'actioncam-demo-not-a-secret';
const READY_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 20000;

const USAGE = 'usage: npm start [-- --reset-demo]   (--reset-demo: put a fresh copy of the demo tab back; your other tabs are kept)';
const args = process.argv.slice(2);
const resetDemo = args.includes('--reset-demo');
const ephemeral = process.env.ACTIONCAM_DEMO_PORT === '0';
const wanted = {
  ui: Number(process.env.ACTIONCAM_DEMO_PORT || 1880),
  control: 6666,
  http: 8080,
  discovery: [22600, 21600],
  preview: 6669,
  rtsp: 8554,
};

function log(text) {
  process.stdout.write(`[demo] ${text}\n`);
}

function fail(text) {
  process.stderr.write(`[demo] ${text}\n`);
  process.exit(1);
}

/** Resolves true when `port` can be bound on 127.0.0.1 right now ('tcp' or 'udp'). */
function portFree(kind, port) {
  return new Promise((resolve) => {
    if (kind === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, HOST, () => socket.close(() => resolve(true)));
    } else {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, HOST, () => server.close(() => resolve(true)));
    }
  });
}

/** A port the system picks, free right now (for ports this script must know before anything binds). */
function anyFreePort(kind) {
  return new Promise((resolve, reject) => {
    if (kind === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, HOST, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
    } else {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    }
  });
}

/** The wanted port when free; else `fallback()` (0 or a probed port) with a message saying so. */
async function choose(label, kind, port, fallback) {
  if (ephemeral) return fallback();
  if (await portFree(kind, port)) return port;
  const other = await fallback();
  log(`${label} port ${port} is busy: using ${other === 0 ? 'a free port' : other} instead`);
  return other;
}

async function choosePorts() {
  const ports = {
    ui: await choose('Node-RED editor', 'tcp', wanted.ui, () => anyFreePort('tcp')),
    control: await choose('simulator control', 'tcp', wanted.control, () => 0),
    http: await choose('simulator HTTP', 'tcp', wanted.http, () => 0),
    discovery: [],
    preview: await choose('preview (UDP)', 'udp', wanted.preview, () => anyFreePort('udp')),
    rtsp: await choose('RTSP', 'tcp', wanted.rtsp, () => anyFreePort('tcp')),
  };
  for (const port of wanted.discovery) ports.discovery.push(await choose('simulator discovery (UDP)', 'udp', port, () => 0));
  ports.discovery = [...new Set(ports.discovery)];
  return ports;
}

async function startSimulator(ports) {
  const { CameraSimulator } = require(path.join(dist, 'src', 'simulator'));
  const options = { host: HOST, controlPort: ports.control, httpPort: ports.http, discoveryPorts: ports.discovery, previewPort: ports.preview };
  try {
    const simulator = new CameraSimulator(options);
    return { simulator, addresses: await simulator.start() };
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    // Taken between the probe and the bind: let the system choose every simulator port.
    log(`a simulator port was taken meanwhile (${err.message}): using free ports`);
    const simulator = new CameraSimulator({ ...options, controlPort: 0, httpPort: 0, discoveryPorts: [0] });
    return { simulator, addresses: await simulator.start() };
  }
}

function writeSettings(uiPort) {
  const settings = {
    uiHost: HOST,
    uiPort,
    flowFile: 'flows.json',
    flowFilePretty: true,
    credentialSecret: CREDENTIAL_SECRET,
    // Nothing leaves this machine: no update check, no palette installs from the npm registry.
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  const text = `// Written by scripts/demo.js on every start; edit the script, not this file.\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`;
  fs.writeFileSync(path.join(userDir, 'settings.js'), text);
}

/**
 * Installs this package into the user dir as Node-RED's palette manager would, but by symlink:
 * node_modules/@actioncam/node-red-actioncam -> the repository. With ACTIONCAM_DIST elsewhere, a
 * small package folder links package.json and examples from the repository and dist from the build.
 */
function installPackage() {
  const scope = path.join(userDir, 'node_modules', '@actioncam');
  const target = path.join(scope, 'node-red-actioncam');
  fs.mkdirSync(scope, { recursive: true });
  fs.rmSync(target, { recursive: true, force: true });
  if (dist === path.join(root, 'dist')) {
    fs.symlinkSync(root, target, 'dir');
    return;
  }
  fs.mkdirSync(target);
  for (const entry of ['package.json', 'examples', 'resources', 'README.md', 'LICENSE']) {
    if (fs.existsSync(path.join(root, entry))) fs.symlinkSync(path.join(root, entry), path.join(target, entry));
  }
  fs.symlinkSync(dist, path.join(target, 'dist'), 'dir');
}

/** scripts/demo-flows.json with the ports actually in use; nodes whose type is not built are left out. */
function demoFlow(run) {
  let flow = JSON.parse(fs.readFileSync(path.join(__dirname, 'demo-flows.json'), 'utf8'));
  const built = (type) => fs.existsSync(path.join(dist, 'nodes', `${type}.js`));
  const dropped = new Set(flow.filter((n) => n.type.startsWith('actioncam-') && !built(n.type)).map((n) => n.id));
  if (dropped.size > 0) {
    log(`not in this build, left out of the flow: ${[...new Set(flow.filter((n) => dropped.has(n.id)).map((n) => n.type))].join(', ')}`);
    const targets = (n) => (n.wires || []).flat();
    // The injects that only fed a dropped node, then the debug nodes only a dropped node fed.
    for (const n of flow) if (targets(n).length > 0 && targets(n).every((id) => dropped.has(id))) dropped.add(n.id);
    for (const n of flow) {
      const sources = flow.filter((m) => targets(m).includes(n.id));
      if (sources.length > 0 && sources.every((m) => dropped.has(m.id))) dropped.add(n.id);
    }
    flow = flow.filter((n) => !dropped.has(n.id));
    for (const n of flow) if (n.wires) n.wires = n.wires.map((port) => port.filter((id) => !dropped.has(id)));
  }
  return flow.map((node) => pointAtSimulator(node, run));
}

/** What the demo's nodes need to know of this run (scripts/demo-merge.js). */
function runAddresses(ports, addresses) {
  return {
    host: HOST,
    controlPort: addresses.controlPort,
    httpPort: addresses.httpPort,
    previewPort: ports.preview,
    discoveryPorts: addresses.discoveryPorts,
    rtspPort: ports.rtsp,
    rtspUrl: rtspUrl(ports),
  };
}

/**
 * Puts the demo tab into flows.json without losing anything of the user's (see the top of this file);
 * returns the flow Node-RED will run and what was done, for the banner.
 */
function writeFlow(ports, addresses) {
  const file = path.join(userDir, 'flows.json');
  const run = runAddresses(ports, addresses);
  const demo = demoFlow(run);
  let existing;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    try {
      existing = text.trim() === '' ? [] : parseFlows(text);
    } catch (err) {
      if (!resetDemo) fail(`${file} cannot be read: ${err.message}. Nothing was changed. Fix or move the file, or run 'npm start -- --reset-demo' to set it aside as flows.json.bak and start with the demo tab.`);
      existing = undefined;
    }
  }
  const { flows, outcome, changed } = mergeDemo(existing, demo, run, { reset: resetDemo });
  if (changed) {
    if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.bak`);
    fs.writeFileSync(file, `${JSON.stringify(flows, null, 2)}\n`);
  }
  return { flow: flows, outcome, backedUp: changed && existing !== undefined };
}

/** The banner's line about flows.json. */
function flowsNote({ outcome, backedUp }) {
  const kept = backedUp ? ' (the previous file is flows.json.bak)' : '';
  switch (outcome) {
    case 'created':
      return 'new flows.json with the demo tab "actioncam demo"';
    case 'added':
      return `your flows are kept; the demo tab "actioncam demo" was missing and is added${kept}`;
    case 'restored':
      return `your flows are kept; the demo tab "actioncam demo" is restored (--reset-demo)${kept}`;
    default:
      return `your flows are kept as they are${kept}; 'npm start -- --reset-demo' restores the demo tab`;
  }
}

/** How to run the CLI from here: relative when inside the current folder, else absolute. */
function cliPath() {
  const cli = path.join(dist, 'src', 'cli', 'main.js');
  const relative = path.relative(process.cwd(), cli);
  return relative.startsWith('..') ? cli : relative;
}

function rtspUrl(ports) {
  return `rtsp://${HOST}:${ports.rtsp}/live`;
}

function get(port, urlPath, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: urlPath, headers, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls the editor until it answers; then reports which actioncam node types Node-RED loaded. */
async function whenReady(port, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await get(port, '/nodes', { Accept: 'application/json' });
      if (res.status === 200) {
        const sets = JSON.parse(res.body).filter((s) => s.module === PACKAGE);
        return sets.filter((s) => s.enabled !== false && !s.err).flatMap((s) => s.types);
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return undefined;
}

async function main() {
  const unknown = args.filter((a) => a !== '--reset-demo');
  if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
  if (!fs.existsSync(path.join(dist, 'src', 'simulator', 'index.js')) || !fs.existsSync(path.join(dist, 'nodes'))) {
    fail(`no build in ${dist}: run 'npm run build' first (npm start does)`);
  }
  const ports = await choosePorts();
  const { simulator, addresses } = await startSimulator(ports);
  fs.mkdirSync(userDir, { recursive: true });
  writeSettings(ports.ui);
  installPackage();
  const written = writeFlow(ports, addresses);
  const { flow } = written;

  const redJs = require.resolve('node-red/red.js', { paths: [root] });
  const child = spawn(process.execPath, [redJs, '--userDir', userDir], { cwd: userDir, stdio: 'inherit' });
  let stopping = false;
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  child.once('error', (err) => log(`Node-RED failed to start: ${err.message}`));

  async function stop(reason) {
    if (stopping) {
      log('stopping now');
      child.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    log(`${reason}: stopping Node-RED and the simulator (Ctrl+C again to force)`);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await stopped;
    clearTimeout(timer);
    await simulator.stop();
    log('stopped');
    process.exit(0);
  }
  process.on('SIGINT', () => void stop('interrupted'));
  process.on('SIGTERM', () => void stop('terminated'));
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`Node-RED exited (${signal || code}); stopping the simulator`);
    void simulator.stop().then(() => process.exit(code === 0 ? 0 : 1));
  });

  const types = await whenReady(ports.ui, child);
  if (stopping || child.exitCode !== null) return;
  if (types === undefined) log(`Node-RED did not answer on http://${HOST}:${ports.ui}/ within ${READY_TIMEOUT_MS / 1000} s`);
  else if (types.length === 0) log(`warning: Node-RED loaded no ${PACKAGE} nodes (see its log above)`);
  const relay = flow.some((n) => n.type === 'actioncam-rtp-relay');
  log('');
  log(`Node-RED editor:  http://${HOST}:${ports.ui}/   (flow "actioncam demo")`);
  log(`flows:            ${flowsNote(written)}`);
  if (types) log(`actioncam nodes:  ${types.join(', ')}`);
  log(`camera simulator: control ${addresses.host}:${addresses.controlPort}, files http://${addresses.host}:${addresses.httpPort}/, ` +
    `discovery UDP ${addresses.discoveryPorts.join(',')}, preview to UDP ${ports.preview}`);
  if (relay) log(`live preview:     ${rtspUrl(ports)}   (e.g. ffplay ${rtspUrl(ports)})`);
  log(`CLI:              node ${cliPath()} ls --host ${HOST} --port ${addresses.controlPort} --http-port ${addresses.httpPort}`);
  log('Ctrl+C stops Node-RED and the simulator.');
}

main().catch((err) => fail(`failed: ${err && err.message ? err.message : err}`));
