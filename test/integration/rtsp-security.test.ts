/**
 * RtspServer against the attacks of issue 10, scaled down with small caps and an injected clock
 * (finding 2 is proven on the connection in test/unit/rtsp/connection.test.ts).
 */
import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import type { RtspServer, RtspServerOptions } from '../../src/rtsp/server';
import type { FakeSource } from '../helpers/fake-source';
import { RawRtspClient, startRtspServer } from '../helpers/rtsp-client';

async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; !predicate(); i++) {
    if (i > 500) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RtspServer: hardening against hostile clients (issue 10)', function () {
  this.timeout(20000);
  let server: RtspServer | undefined;
  let source: FakeSource | undefined;
  let port: number;
  let clock: number;
  const clients: RawRtspClient[] = [];

  async function start(options: Partial<RtspServerOptions> = {}): Promise<void> {
    clock = 1_000_000;
    ({ server, source, port } = await startRtspServer({ now: () => clock, ...options }));
  }

  async function connect(): Promise<RawRtspClient> {
    const c = await RawRtspClient.connect(port);
    clients.push(c);
    return c;
  }

  /** Resolves true when the server answers an OPTIONS on `c`, false when it closed `c` instead. */
  function served(c: RawRtspClient): Promise<boolean> {
    return c.request('OPTIONS', '*').then(
      (r) => r.status === 200,
      () => false,
    );
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    source?.stop();
    await server?.close();
    server = undefined;
  });

  it('holds no timer while nobody is connected, one while someone is (an idle Raspberry Pi stays asleep)', async () => {
    const timers = sinon.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await start();
      assert.equal(timers.countTimers(), 0, 'listening alone');
      const c = await connect();
      assert.ok(await served(c));
      assert.equal(timers.countTimers(), 1, 'the housekeeping tick');
      c.close();
      await waitUntil(() => server?.stats().connections === 0, 'the server to see the hang-up');
      assert.equal(timers.countTimers(), 0, 'stopped with the last connection');
    } finally {
      timers.restore();
    }
  });
});
