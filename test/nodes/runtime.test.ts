import assert from 'node:assert/strict';
import * as path from 'node:path';
import configModule = require('../../nodes/actioncam-config');
import { helper, loadFlow } from '../helpers/node-red';

/** The Node-RED the suite runs on: the package's own (4.x) or the one ACTIONCAM_NODE_RED names (5.x in CI). */
const runtimeDir = path.dirname(require.resolve(path.join(process.env.ACTIONCAM_NODE_RED || 'node-red', 'package.json')));
const runtimeVersion = (require(path.join(runtimeDir, 'package.json')) as { version: string }).version;

describe(`node tests run on Node-RED ${runtimeVersion} with Node ${process.version}`, () => {
  afterEach(() => helper.unload());

  it('loads the nodes into that runtime', async () => {
    await loadFlow([configModule], [{ id: 'c1', type: 'actioncam-config', host: '127.0.0.1', port: 1 }]);
    const red = (helper as unknown as { _RED: { version(): string } })._RED;
    // A runtime not started from its release tarball reports "4.1.15-git": compare the release part.
    assert.equal(red.version().replace(/-git$/, ''), runtimeVersion);
    assert.equal(helper.getNode('c1').type, 'actioncam-config');
  });
});
