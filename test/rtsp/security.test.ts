/**
 * RtspServer against the attacks of issue 10 (findings 3, 4 and 7; finding 2 is proven on the
 * connection in test/rtsp/connection.test.ts), scaled down with small caps and an injected clock.
 * "Another host" is another loopback address (127.0.0.2), which Linux routes to 127.0.0.1.
 */
import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { digestResponse, parseAuthParams } from '../../src/rtsp/auth';
import { RtspDefaults } from '../../src/rtsp/defaults';
import { parseSession } from '../../src/rtsp/headers';
import type { RtspServer, RtspServerOptions } from '../../src/rtsp/server';
import type { FakeSource } from '../helpers/fake-source';
import { RawRtspClient, startRtspServer, type RtspReply } from '../helpers/rtsp-client';
import { waitUntil } from '../helpers/wait';

const OTHER_HOST = '127.0.0.2';
const UDP_TRANSPORT = 'RTP/AVP;unicast;client_port=5000-5001';

function sessionId(reply: RtspReply): string {
  assert.equal(reply.status, 200, `status ${reply.status}`);
  return parseSession(reply.headers.get('session') ?? '').id;
}

describe('RtspServer: hardening against hostile clients (issue 10)', function () {
  this.timeout(20000);
  let server: RtspServer | undefined;
  let source: FakeSource | undefined;
  let port: number;
  let url: string;
  let events: Array<{ event: string; id: string }>;
  let clock: number;
  const clients: RawRtspClient[] = [];

  async function start(options: Partial<RtspServerOptions> = {}): Promise<void> {
    clock = 1_000_000;
    ({ server, source, port, url, events } = await startRtspServer({ now: () => clock, ...options }));
  }

  async function connect(localAddress?: string): Promise<RawRtspClient> {
    const c = await RawRtspClient.connect(port, '127.0.0.1', localAddress);
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

  it('slowloris: one address holds only its share of the connections, and a trickled request only until its deadline', async () => {
    // 2 x maxClients = 4 connection slots; the attacker on 127.0.0.1 tries to take all of them.
    await start({ maxClients: 2, maxConnectionsPerAddress: 2, requestTimeoutMs: 10_000 });
    const attackers = await Promise.all([connect(), connect(), connect(), connect()]);
    const alive = await Promise.all(attackers.map(served));
    assert.equal(alive.filter(Boolean).length, 2, 'two connections from one address; the others are refused');
    const held = attackers.filter((_, i) => alive[i]);
    for (const byte of 'OPTIO') {
      for (const c of held) c.send(byte); // one byte a second for 5 s (the deadline is 10 s)
      await new Promise((r) => setImmediate(r));
      clock += 1000;
    }
    // These round trips also make sure the server has read every trickled byte before the clock jumps.
    assert.ok(await served(await connect(OTHER_HOST)), 'a viewer on another host is served while the attack goes on');
    assert.equal(await served(await connect()), false, 'a third connection from the attacking address is refused');
    clock += 11_000; // past the request deadline, even counted from the last trickled byte
    await Promise.all(held.map((c) => c.closed));
    assert.ok(await served(await connect()), 'the attacking address gets a slot again once its trickles were closed');
    assert.equal(server?.stats().connections, 2);
  });

  it('UDP sessions abandoned without TEARDOWN lock out no other address, and end after the orphan timeout', async () => {
    await start({ maxClients: 4, maxSessionsPerAddress: 2 });
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      // SETUP over UDP + PLAY, then hang up without TEARDOWN.
      const c = await connect();
      const setup = await c.request('SETUP', url, { Transport: UDP_TRANSPORT });
      if (setup.status === 503) refused++;
      else assert.equal((await c.request('PLAY', url, { Session: sessionId(setup) })).status, 200);
      c.close();
      await c.closed;
    }
    assert.equal(refused, 6, 'one address holds at most maxSessionsPerAddress sessions');
    assert.equal(server?.stats().clients, 2);
    const viewer = await connect(OTHER_HOST);
    sessionId(await viewer.request('SETUP', url, { Transport: UDP_TRANSPORT })); // another host still gets one
    const sameHost = await connect();
    assert.equal((await sameHost.request('SETUP', url, { Transport: UDP_TRANSPORT })).status, 503);
    await waitUntil(() => server?.stats().connections === 2, 5000, 'the server to see the attacker hang up');
    clock += RtspDefaults.orphanTimeoutMs + 1000; // far less than sessionTimeoutS (60 s)
    sessionId(await sameHost.request('SETUP', url, { Transport: UDP_TRANSPORT })); // the orphans are gone
    assert.equal(events.filter((e) => e.event === 'timeout').length, 2, 'both orphans timed out');
    assert.equal(server?.stats().clients, 2, "the viewer's session (its connection open) and the new one");
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
      await waitUntil(() => server?.stats().connections === 0, 5000, 'the server to see the hang-up');
      assert.equal(timers.countTimers(), 0, 'stopped with the last connection');
    } finally {
      timers.restore();
    }
  });

  it('a sniffed Digest header is worth nothing on another connection or for another URI', async () => {
    await start({ auth: { username: 'admin', password: 'secret', realm: 'cam' } });
    const viewer = await connect();
    const challenge = await viewer.request('DESCRIBE', url);
    assert.equal(challenge.status, 401);
    const nonce = parseAuthParams(challenge.headers.get('www-authenticate') ?? '')?.params.get('nonce') ?? '';
    const authorization = (method: string, uri: string): string => {
      const response = digestResponse({ username: 'admin', realm: 'cam', password: 'secret', method, uri, nonce });
      return `Digest username="admin", realm="cam", nonce="${nonce}", uri="${uri}", response="${response}"`;
    };
    // The player answers every request with the one nonce (RFC 2069 style: live555, GStreamer, ffmpeg).
    const track = `${url}/trackID=0`;
    const sniffed = {
      describe: authorization('DESCRIBE', url),
      setup: authorization('SETUP', track),
      play: authorization('PLAY', url),
    };
    assert.equal((await viewer.request('DESCRIBE', url, { Authorization: sniffed.describe })).status, 200);
    const id = sessionId(await viewer.request('SETUP', track, { Authorization: sniffed.setup, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    assert.equal((await viewer.request('PLAY', url, { Authorization: sniffed.play, Session: id })).status, 200);

    const thief = await connect(OTHER_HOST);
    assert.equal((await thief.request('DESCRIBE', url, { Authorization: sniffed.describe })).status, 401);
    const setup = await thief.request('SETUP', track, { Authorization: sniffed.setup, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(setup.status, 401, 'no session from a replayed SETUP');
    assert.doesNotMatch(setup.headers.get('www-authenticate') ?? '', new RegExp(nonce), 'a fresh nonce, useless without the password');
    assert.equal(server?.stats().clients, 1);
    // On the viewer's own connection a header is good only for the resource it was computed for.
    assert.equal((await viewer.request('DESCRIBE', `${url}?other`, { Authorization: sniffed.describe })).status, 401);
  });
});
