#!/usr/bin/env node
// Build: compile TypeScript to CommonJS in dist/, then place what Node-RED loads beside each node's
// compiled .js (editor .html, icons/, locales/) and copy non-TypeScript assets (the simulator's clip).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
// ACTIONCAM_DIST lets parallel work build elsewhere without clobbering dist/ (tsconfig outDir is overridden).
const dist = path.resolve(root, process.env.ACTIONCAM_DIST || 'dist');

function copy(from, to) {
  if (!fs.existsSync(from)) return;
  fs.cpSync(from, to, { recursive: true });
}

fs.rmSync(dist, { recursive: true, force: true });
let failed = false;
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root, '--outDir', dist], { stdio: 'inherit' });
} catch {
  failed = true; // tsc still emitted JavaScript; copy the assets so the output is usable, then fail
}

const nodesOut = path.join(dist, 'nodes');
for (const f of fs.readdirSync(path.join(root, 'nodes'))) {
  if (f.endsWith('.html')) copy(path.join(root, 'nodes', f), path.join(nodesOut, f));
}
copy(path.join(root, 'nodes', 'locales'), path.join(nodesOut, 'locales'));
copy(path.join(root, 'icons'), path.join(nodesOut, 'icons'));
copy(path.join(root, 'src', 'simulator', 'assets'), path.join(dist, 'src', 'simulator', 'assets'));
const cli = path.join(dist, 'src', 'cli', 'main.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);

if (failed) {
  console.error('build: TypeScript reported errors (see above)');
  process.exit(1);
}
