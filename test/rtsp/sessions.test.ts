/**
 * RtspServer session life: liveness rules (docs/RTSP-CLIENTS.md §4: gst over TCP only sends interleaved
 * RTCP), reaping, several clients, a slow TCP client, limits, auth, DESCRIBE waiting, RECORD, close().
 */
import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { digestResponse, parseAuthParams } from '../../src/rtsp/auth';
import { parseRtpInfo, parseSession, parseTransport } from '../../src/rtsp/headers';
import type { RtspServer, RtspServerOptions } from '../../src/rtsp/server';
import { decodeRtcpPacketTypes, RtcpPacketType } from '../../src/media/rtp/rtcp';
import type { AccessUnit } from '../../src/media/types';
import { FakeSource, type FakeSourceOptions } from '../helpers/fake-source';
import { RawRtspClient, receiverReport, rtpHeader, startRtspServer, UdpReceiver, type RtspReply } from '../helpers/rtsp-client';
import { delay, waitUntil } from '../helpers/wait';


function sessionId(reply: RtspReply): string {
  assert.equal(reply.status, 200, `status ${reply.status}`);
  return parseSession(reply.headers.get('session') ?? '').id;
}

/** Emits access units one at a time, letting sockets drain in between (UDP receive buffers are small). */
async function stepSlowly(source: FakeSource, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    source.step();
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * The server's housekeeping interval on a fake clock, the server's `now` read from it: time passes
 * when a test says so. Sockets stay real.
 */
let clock: sinon.SinonFakeTimers | undefined;
function fakeClock(): sinon.SinonFakeTimers {
  clock = sinon.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], now: 1_000_000 });
  return clock;
}

/**
 * Lets the bytes just written on loopback reach the server (a few turns of the event loop; the
 * connection may be between a reply's flush and its next read). Not a wait for time to pass: the
 * server's clock only moves by tick().
 */
async function ioTurns(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 5));
}


describe('RtspServer: sessions, liveness and many clients', function () {
  this.timeout(30000);
  let server: RtspServer | undefined;
  let source: FakeSource;
  let port: number;
  let url: string;
  let events: Array<{ event: string; id: string; transport: string }>;
  const clients: RawRtspClient[] = [];
  const receivers: UdpReceiver[] = [];

  async function start(options: Partial<RtspServerOptions> = {}, sourceOptions: FakeSourceOptions = {}): Promise<void> {
    ({ server, source, port, url, events } = await startRtspServer(options, sourceOptions));
  }

  async function connect(): Promise<RawRtspClient> {
    const c = await RawRtspClient.connect(port);
    clients.push(c);
    return c;
  }

  async function udpReceiver(): Promise<UdpReceiver> {
    const r = await UdpReceiver.open();
    receivers.push(r);
    return r;
  }

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const c of clients.splice(0)) c.close();
    for (const r of receivers.splice(0)) r.close();
    source?.stop();
    await server?.close();
    server = undefined;
  });

  it('keeps a TCP session alive on interleaved RTCP alone, past its timeout (gst over TCP)', async () => {
    const clock = fakeClock();
    await start({ sessionTimeoutS: 1, now: () => clock.now });
    const c = await connect();
    const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    assert.equal((await c.request('PLAY', url, { Session: id })).status, 200);
    for (let i = 0; i < 10; i++) {
      c.sendInterleaved(1, receiverReport());
      await ioTurns();
      clock.tick(250);
    }
    assert.equal(server?.stats().clients, 1, 'alive after 2.5 timeouts without an RTSP request');
    assert.equal(events.length, 1, 'only the play event');
    clock.tick(1250);
    assert.ok(events.some((e) => e.event === 'timeout' && e.id === id), 'the session timed out once silent');
    clock.tick(1250);
    await c.closed; // and the connection, silent and without a session, goes too
  });

  it('keeps a UDP session alive on RTCP from its client ports, reaps it when silent', async () => {
    const clock = fakeClock();
    await start({ sessionTimeoutS: 1, now: () => clock.now });
    const c = await connect();
    const rx = await udpReceiver();
    const setup = await c.request('SETUP', url, { Transport: `RTP/AVP;unicast;client_port=${rx.ports[0]}-${rx.ports[1]}` });
    const id = sessionId(setup);
    const serverRtcp = parseTransport(setup.headers.get('transport') ?? '')[0].serverPort?.[1] ?? 0;
    assert.equal((await c.request('PLAY', url, { Session: id })).status, 200);
    for (let i = 0; i < 10; i++) {
      rx.sendRtcp(receiverReport(), serverRtcp);
      await ioTurns();
      clock.tick(250);
    }
    assert.equal(server?.stats().clients, 1);
    clock.tick(1250);
    assert.deepEqual(events.map((e) => e.event), ['play', 'timeout']);
    assert.equal(server?.stats().clients, 0);
  });

  it('reaps a SETUP-only session (the SAT>IP probe) and an idle connection', async () => {
    const clock = fakeClock();
    await start({ sessionTimeoutS: 1, now: () => clock.now });
    const c = await connect();
    const rx = await udpReceiver();
    const id = sessionId(await c.request('SETUP', url, { CSeq: '0', Transport: `RTP/AVP;unicast;client_port=${rx.ports[0]}-${rx.ports[1]}` }));
    clock.tick(1250);
    assert.ok(events.some((e) => e.event === 'timeout' && e.id === id), 'the session expired');
    clock.tick(1250);
    await c.closed; // then the connection, silent and without sessions, is closed too
  });

  it('ends a TCP session when its connection closes', async () => {
    await start();
    const c = await connect();
    const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    await c.request('PLAY', url, { Session: id });
    c.close();
    await waitUntil(() => events.some((e) => e.event === 'closed' && e.id === id), 10000, 'the closed event');
    assert.deepEqual(events.map((e) => [e.event, e.transport]), [['play', 'tcp'], ['closed', 'tcp']]);
    assert.equal(server?.stats().clients, 0);
  });

  it('serves two clients at once, each with its own SSRC and an exact RTP-Info', async () => {
    await start();
    const a = await connect();
    const b = await connect();
    const rx = await udpReceiver();
    const setupA = await a.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const setupB = await b.request('SETUP', `${url}/trackID=0`, { Transport: `RTP/AVP/UDP;unicast;client_port=${rx.ports[0]}-${rx.ports[1]}` });
    const ssrcA = parseTransport(setupA.headers.get('transport') ?? '')[0].ssrc;
    const ssrcB = parseTransport(setupB.headers.get('transport') ?? '')[0].ssrc;
    const infoA = parseRtpInfo((await a.request('PLAY', `${url}/`, { Session: sessionId(setupA) })).headers.get('rtp-info') ?? '')[0];
    source.step(20); // A starts at frame 0
    const infoB = parseRtpInfo((await b.request('PLAY', `${url}/`, { Session: sessionId(setupB) })).headers.get('rtp-info') ?? '')[0];
    await stepSlowly(source, 40); // B joins at the IDR of frame 30: nothing before it
    await a.waitFrames(0, 1);
    await rx.waitFor(() => rx.rtp.length > 0);
    const firstA = rtpHeader(a.framesOn(0)[0]);
    const firstB = rtpHeader(rx.rtp[0]);
    assert.deepEqual([firstA.seq, firstA.timestamp, firstA.ssrc], [infoA.seq, infoA.rtptime, ssrcA]);
    assert.deepEqual([firstB.seq, firstB.timestamp, firstB.ssrc], [infoB.seq, infoB.rtptime, ssrcB]);
    assert.notEqual(ssrcA, ssrcB);
    await rx.waitFor(() => rx.rtp.filter((p) => rtpHeader(p).marker).length === 30);
    assert.equal(server?.stats().playing, 2);
  });

  it('a TCP client that never reads does not stall a second client; its frames are dropped and counted', async () => {
    // Big synthetic access units fill the loopback socket buffers quickly (only packet counts matter here).
    const units: AccessUnit[] = Array.from({ length: 15 }, (_, i) => ({
      nalus: [Buffer.concat([Buffer.from([i === 0 ? 0x65 : 0x41]), Buffer.alloc(60000, i)])],
      timestamp: 0,
      keyframe: i === 0,
    }));
    const sets = { sps: Buffer.from([0x67, 0x42, 0xc0, 0x1e]), pps: Buffer.from([0x68, 0xce, 0x3c, 0x80]) };
    await start({ tcpQueueLimitBytes: 1024 * 1024 }, { accessUnits: units, parameterSets: sets });
    const slow = await connect();
    const fast = await connect();
    for (const c of [slow, fast]) {
      const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
      assert.equal((await c.request('PLAY', url, { Session: id })).status, 200);
    }
    slow.socket.pause(); // never reads again
    const frames = 600; // 36 MB per client: far beyond the loopback buffers of the stalled connection
    await stepSlowly(source, frames);
    const markers = (): number => fast.framesOn(0).filter((p) => rtpHeader(p).marker).length;
    await waitUntil(() => markers() === frames, 20000, `all ${frames} frames at the fast client (got ${markers()})`);
    const stats = server?.stats();
    assert.ok(stats && stats.framesDropped > 0, 'the slow client skipped frames');
    assert.equal(stats?.clients, 2, 'the slow client keeps its session');
  });

  it('answers 503 to a SETUP beyond maxClients', async () => {
    await start({ maxClients: 1 });
    const c = await connect();
    sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    assert.equal((await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3' })).status, 503);
  });

  it('DESCRIBE waits for the first parameter sets, or answers 503', async () => {
    await start({ describeWaitMs: 5000 }, { parameterSetsAfterFirstKeyframe: true });
    const c = await connect();
    const pending = c.request('DESCRIBE', url);
    await delay(100);
    source.step();
    assert.equal((await pending).status, 200);
    await server?.close();
    await start({ describeWaitMs: 100 }, { parameterSets: null });
    const d = await connect();
    assert.equal((await d.request('DESCRIBE', url)).status, 503);
  });

  it('asks for Digest credentials except for OPTIONS, and accepts them', async () => {
    await start({ auth: { username: 'admin', password: 'secret', realm: 'cam' } });
    const c = await connect();
    assert.equal((await c.request('OPTIONS', url)).status, 200);
    const challenge = await c.request('DESCRIBE', url);
    assert.equal(challenge.status, 401);
    const params = parseAuthParams(challenge.headers.get('www-authenticate') ?? '')?.params;
    const nonce = params?.get('nonce') ?? '';
    assert.equal(params?.get('realm'), 'cam');
    const response = digestResponse({ username: 'admin', realm: 'cam', password: 'secret', method: 'DESCRIBE', uri: url, nonce });
    const auth = `Digest username="admin", realm="cam", nonce="${nonce}", uri="${url}", response="${response}"`;
    assert.equal((await c.request('DESCRIBE', url, { Authorization: auth })).status, 200);
    assert.equal((await c.request('DESCRIBE', url, { Authorization: auth.replace(response, '0'.repeat(32)) })).status, 401);
  });

  it('RECORD hands its session to the onRecord hook; the end of that session is a session event', async () => {
    // What RECORD means (the camera's SD recording, stopped when the session ends) is the relay
    // runner's business: test/relay/runner.test.ts. The server only reports both moments.
    const calls: string[] = [];
    await start({ onRecord: async (session) => void calls.push(`record ${session.id}`) });
    server?.on('session', (e: { event: string; id: string }) => calls.push(`${e.event} ${e.id}`));
    const c = await connect();
    assert.match((await c.request('OPTIONS', url)).headers.get('public') ?? '', /, RECORD$/);
    const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    assert.equal((await c.request('RECORD', url, { Session: id })).status, 200);
    assert.equal((await c.request('TEARDOWN', url, { Session: id })).status, 200);
    await waitUntil(() => calls.length === 2, 10000, 'the teardown event');
    assert.deepEqual(calls, [`record ${id}`, `teardown ${id}`]);
  });

  it('a failing onRecord hook is answered 500 and the session lives on', async () => {
    await start({ onRecord: async () => Promise.reject(new Error('camera busy')) });
    const c = await connect();
    const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    assert.equal((await c.request('RECORD', url, { Session: id })).status, 500);
    assert.equal((await c.request('GET_PARAMETER', url, { Session: id })).status, 200);
  });

  it('close() sends BYE, drops every connection, and is idempotent', async () => {
    await start();
    const c = await connect();
    const id = sessionId(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }));
    await c.request('PLAY', url, { Session: id });
    source.step(2);
    await c.waitFrames(0, 1);
    const s = server;
    await Promise.all([s?.close(), s?.close()]);
    await s?.close();
    await c.closed;
    assert.ok(c.framesOn(1).some((p) => decodeRtcpPacketTypes(p).includes(RtcpPacketType.BYE)), 'BYE on the RTCP channel');
    assert.deepEqual(events.map((e) => e.event), ['play', 'closed']);
    await assert.rejects(RawRtspClient.connect(port), /ECONNREFUSED/);
    await assert.rejects(s?.listen() ?? Promise.reject(new Error('no server')), /closed/);
  });

  it('reports a busy port as a BadInputError and can listen again on another', async () => {
    await start();
    const other = new FakeSource();
    const { RtspServer: Server } = await import('../../src/rtsp/server');
    const second = new Server({ source: other, host: '127.0.0.1', port });
    await assert.rejects(second.listen(), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'EINPUT');
    await second.close();
  });
});
