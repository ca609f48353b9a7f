/**
 * The camera dialog's Search (nodes/lib/discover-endpoint.ts) on the test helper's admin app:
 * GET /actioncam/discover answers the discover node's array for the simulator, validates its query,
 * runs one search at a time, and asks Node-RED's admin auth for the "actioncam-config.write"
 * permission. (A real Node-RED with adminAuth refusing it without a token: test/e2e/discover-auth.test.ts.)
 */
import assert from 'node:assert/strict';
import type { NodeAPI } from 'node-red';
import configModule = require('../../nodes/actioncam-config');
import { DISCOVER_PATH, DISCOVER_PERMISSION, parseDiscoverQuery, registerDiscoverEndpoint } from '../../nodes/lib/discover-endpoint';
import { createTranslator } from '../../nodes/lib/i18n';
import type { DiscoveredCamera, DiscoverOptions } from '../../src/discovery/discover';
import { BadInputError } from '../../src/errors';
import { helper, loadFlow, simulatorPerTest } from '../helpers/node-red';

const t = createTranslator({ _: (key: string) => key } as unknown as NodeAPI);

interface Response {
  status: number;
  body: unknown;
}

function get(query: string): Promise<Response> {
  const request = (helper as unknown as { request(): { get(url: string): PromiseLike<Response> } }).request();
  return Promise.resolve(request.get(`${DISCOVER_PATH}${query}`));
}

describe('GET /actioncam/discover (the camera dialog\'s Search)', () => {
  const cam = simulatorPerTest();

  async function load(): Promise<void> {
    await loadFlow([configModule], [{ id: 'tab1', type: 'tab', label: 'test' }]);
  }

  it('answers the cameras that reply, as the discover node does', async () => {
    await load();
    const res = await get(`?address=127.0.0.1&ports=${cam.addr.discoveryPorts[0]}&timeout=400`);
    assert.equal(res.status, 200);
    const cameras = res.body as Array<{ address: string; port: number; serial?: string; raw: string }>;
    assert.equal(cameras.length, 1);
    assert.equal(cameras[0].address, '127.0.0.1');
    assert.equal(cameras[0].serial, cam.sim.serial);
    assert.match(cameras[0].raw, /^[0-9a-f]+$/);
  });

  it('answers [] when nobody replies', async () => {
    await cam.sim.stop();
    await load();
    const res = await get(`?address=127.0.0.1&ports=${cam.addr.discoveryPorts[0]}&timeout=200`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
  });

  it('refuses a query it cannot bound: 400 with a sentence', async () => {
    await load();
    for (const query of ['?address=camera.local', '?address=::1', '?ports=0', '?ports=1,2,3,4,5', '?ports=abc', '?timeout=50', '?timeout=60000', '?timeout=1.5', '?address=1.2.3.4&address=5.6.7.8']) {
      const res = await get(query);
      assert.equal(res.status, 400, query);
      assert.match(String((res.body as { error?: string }).error), /\S{3,}/, query);
    }
  });

  it('parses the defaults and caps: broadcast, the two known ports, 3 s; at most 4 ports and 10 s', () => {
    assert.deepEqual(parseDiscoverQuery({}, t), { address: '255.255.255.255', ports: [22600, 21600], timeoutMs: 3000 });
    assert.deepEqual(parseDiscoverQuery({ address: ' 192.168.100.1 ', ports: '22600, 1', timeout: '10000' }, t), { address: '192.168.100.1', ports: [22600, 1], timeoutMs: 10000 });
    assert.throws(() => parseDiscoverQuery({ timeout: '10001' }, t), (err: unknown) => err instanceof BadInputError && /from 200 to 10000/.test(err.message));
    assert.throws(() => parseDiscoverQuery({ ports: '1,2,3,4,5' }, t), (err: unknown) => err instanceof BadInputError && /1 to 4 port numbers/.test(err.message));
  });

  it('runs one search at a time (429 for a second), asks for the edit permission, and aborts a search whose request went away', async () => {
    const routes: Array<{ path: string; handlers: Array<(req: unknown, res: unknown, next?: () => void) => void> }> = [];
    const permissions: string[] = [];
    const searches: Array<{ opts: DiscoverOptions; resolve(cameras: DiscoveredCamera[]): void }> = [];
    const RED = {
      _: (key: string) => key,
      httpAdmin: { get: (path: string, ...handlers: Array<(req: unknown, res: unknown) => void>) => routes.push({ path, handlers }) },
      auth: {
        needsPermission: (permission: string) => {
          permissions.push(permission);
          return (_req: unknown, _res: unknown, next: () => void) => next();
        },
      },
    } as unknown as NodeAPI;
    registerDiscoverEndpoint(RED, (opts) => new Promise((resolve) => searches.push({ opts, resolve })));
    assert.equal(routes.length, 1);
    assert.equal(routes[0].path, DISCOVER_PATH);
    assert.deepEqual(permissions, [DISCOVER_PERMISSION]);
    assert.equal(DISCOVER_PERMISSION, 'actioncam-config.write');

    const handler = routes[0].handlers[1];
    const response = () => {
      const res = {
        statusCode: 200,
        body: undefined as unknown,
        writableEnded: false,
        closers: [] as Array<() => void>,
        status(code: number) {
          res.statusCode = code;
          return res;
        },
        json(body: unknown) {
          res.body = body;
          res.writableEnded = true;
          return res;
        },
        on(event: string, fn: () => void) {
          if (event === 'close') res.closers.push(fn);
          return res;
        },
      };
      return res;
    };
    const first = response();
    handler({ query: { address: '127.0.0.1' } }, first);
    const second = response();
    handler({ query: {} }, second);
    assert.equal(second.statusCode, 429);
    assert.match(String((second.body as { error: string }).error), /another search is running/);

    searches[0].resolve([{ address: '127.0.0.1', port: 22600, raw: '00' }]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(first.body, [{ address: '127.0.0.1', port: 22600, raw: '00' }]);

    const gone = response();
    handler({ query: {} }, gone);
    assert.equal(searches.length, 2, 'the slot is free again');
    for (const close of gone.closers) close(); // the dialog closed before the answer
    assert.equal(searches[1].opts.signal?.aborted, true);
    searches[1].resolve([]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(gone.body, undefined, 'nothing written to a request that went away');
  });
});
