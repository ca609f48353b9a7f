#!/usr/bin/env node
/**
 * `npm run validate`: the Flow Library scorecard (node-red-dev validate) of this package.
 *
 * node-red-dev asks catalogue.nodered.org for the names already taken (checks P08 and N01). Where
 * that site cannot be reached, a preload that answers it locally can be given with
 * ACTIONCAM_NRDEV_PRELOAD, or is taken from ../shared/tools/ beside the repository when present
 * (docs/DEVELOPMENT.md). Without either, node-red-dev asks the site itself.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const preload = process.env.ACTIONCAM_NRDEV_PRELOAD || path.join(root, '..', 'shared', 'tools', 'nrdev-offline-catalogue.js');
const args = [];
if (fs.existsSync(preload)) args.push('-r', preload);
else console.error(`no catalogue preload at ${preload}: node-red-dev asks catalogue.nodered.org itself`);
args.push(path.join(root, 'node_modules', 'node-red-dev', 'bin', 'run'), 'validate', '-p', root, ...process.argv.slice(2));
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
