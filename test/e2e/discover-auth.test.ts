/**
 * The Search endpoint of the camera dialog behind a real Node-RED's admin authentication (adminAuth
 * with an editing user and a read-only one): no token and the read-only token are refused (401), the
 * editing user's token gets the discover node's array from the simulator. Everything on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { CameraSimulator } from '../../src/simulator';
import { findPackageRoot, startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';

/** Not secrets: throw-away users of a Node-RED that lives for this test on 127.0.0.1. */
const USERS = { editor: 'editor-test-password', viewer: 'viewer-test-password' };

function bcryptHash(password: string, root: string): string {
  // Node-RED checks adminAuth passwords with bcrypt; bcryptjs comes with it.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json', { paths: [root] }))] })) as {
    hashSync(text: string, rounds: number): string;
  };
  return bcrypt.hashSync(password, 8);
}

describe('e2e: the Search endpoint behind Node-RED admin auth', function () {
  this.timeout(90000);
  const root = findPackageRoot(path.join(__dirname, '..', '..'));
  let nodeRed: NodeRedProcess | undefined;
  let sim: CameraSimulator | undefined;
  let discoveryPort = 0;

  before(async () => {
    sim = new CameraSimulator({ host: '127.0.0.1', controlPort: 0, httpPort: 0, discoveryPorts: [0] });
    discoveryPort = (await sim.start()).discoveryPorts[0];
    nodeRed = await startNodeRed({
      packageRoot: root,
      settings: {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'editor', password: bcryptHash(USERS.editor, root), permissions: '*' },
            { username: 'viewer', password: bcryptHash(USERS.viewer, root), permissions: 'read' },
          ],
        },
      },
    });
  });

  after(async () => {
    await nodeRed?.stop();
    await sim?.stop();
  });

  async function token(username: keyof typeof USERS): Promise<string> {
    const body = new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: username === 'viewer' ? 'read' : '*', username, password: USERS[username] });
    const res = await fetch(new URL('auth/token', nodeRed!.url), { method: 'POST', body });
    assert.equal(res.status, 200, `token for ${username}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  function search(authorization?: string): Promise<Response> {
    const url = new URL(`actioncam/discover?address=127.0.0.1&ports=${discoveryPort}&timeout=500`, nodeRed!.url);
    return fetch(url, { headers: authorization ? { Authorization: authorization } : {} });
  }

  it('refuses a request without a token and one from a read-only user', async () => {
    assert.equal((await search()).status, 401);
    assert.equal((await search(`Bearer ${await token('viewer')}`)).status, 401);
  });

  it('answers an editing user with the cameras found', async () => {
    const res = await search(`Bearer ${await token('editor')}`);
    assert.equal(res.status, 200);
    const cameras = (await res.json()) as Array<{ address: string; serial?: string }>;
    assert.equal(cameras.length, 1);
    assert.equal(cameras[0].address, '127.0.0.1');
    assert.equal(cameras[0].serial, sim!.serial);
  });
});
