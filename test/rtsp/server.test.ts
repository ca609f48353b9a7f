/**
 * RtspServer against the exact request sequences of real players (docs/RTSP-CLIENTS.md §4-§5),
 * written byte for byte over raw TCP on 127.0.0.1.
 */
import { strict as assert } from 'node:assert';
import { parseRtpInfo, parseSession, parseTransport } from '../../src/rtsp/headers';
import type { RtspServer } from '../../src/rtsp/server';
import { decodeRtcpPacketTypes, RtcpPacketType } from '../../src/media/rtp/rtcp';
import type { FakeSource } from '../helpers/fake-source';
import { RawRtspClient, rtpHeader, startRtspServer, UdpReceiver, type RtspReply } from '../helpers/rtsp-client';

const PUBLIC = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';

function header(reply: RtspReply, name: string): string {
  const value = reply.headers.get(name.toLowerCase());
  assert.ok(value !== undefined, `reply ${reply.status} has no ${name} header`);
  return value;
}

describe('RtspServer: request sequences of real players', function () {
  this.timeout(20000);
  let server: RtspServer;
  let source: FakeSource;
  let port: number;
  let url: string;
  const clients: RawRtspClient[] = [];
  const receivers: UdpReceiver[] = [];

  beforeEach(async () => {
    ({ server, source, port, url } = await startRtspServer());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const r of receivers.splice(0)) r.close();
    source.stop();
    await server.close();
  });

  async function connect(): Promise<RawRtspClient> {
    const c = await RawRtspClient.connect(port);
    clients.push(c);
    return c;
  }

  it('ffmpeg over TCP: OPTIONS, DESCRIBE, SETUP interleaved, PLAY with exact RTP-Info, media, TEARDOWN', async () => {
    const c = await connect();
    const options = await c.request('OPTIONS', url, { 'User-Agent': 'Lavf59.27.100' });
    assert.equal(options.status, 200);
    assert.equal(header(options, 'CSeq'), '1');
    assert.equal(header(options, 'Public'), PUBLIC);
    assert.ok(header(options, 'Server'));
    assert.ok(!Number.isNaN(Date.parse(header(options, 'Date'))));

    const describe = await c.request('DESCRIBE', url, { Accept: 'application/sdp' });
    assert.equal(describe.status, 200);
    assert.equal(header(describe, 'Content-Type'), 'application/sdp');
    assert.equal(header(describe, 'Content-Base'), `${url}/`);
    assert.equal(Number(header(describe, 'Content-Length')), describe.body.length);
    const sdp = describe.body.toString();
    for (const line of ['a=control:*', 'a=control:trackID=0', 'a=rtpmap:96 H264/90000']) assert.ok(sdp.includes(line), line);
    assert.match(sdp, /a=fmtp:96 .*packetization-mode=1.*sprop-parameter-sets=[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+/);

    const base = header(describe, 'Content-Base');
    const setup = await c.request('SETUP', `${base}trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(setup.status, 200);
    const [transport] = parseTransport(header(setup, 'Transport'));
    assert.deepEqual(transport.interleaved, [0, 1]);
    assert.equal(transport.lowerTransport, 'TCP');
    assert.ok(transport.ssrc !== undefined);
    const session = parseSession(header(setup, 'Session'));
    assert.equal(session.timeoutS, 60);

    const play = await c.request('PLAY', base, { Session: session.id, Range: 'npt=0.000-' });
    assert.equal(play.status, 200);
    assert.equal(header(play, 'Range'), 'npt=0.000-');
    const [info] = parseRtpInfo(header(play, 'RTP-Info'));
    assert.equal(info.url, `${base}trackID=0`);

    source.step(20); // P frames first (the clip loops from frame 0, so frame 0 is a keyframe), then more
    await c.waitFrames(0, 1);
    const first = rtpHeader(c.framesOn(0)[0]);
    assert.deepEqual([first.seq, first.timestamp, first.ssrc, first.payloadType], [info.seq, info.rtptime, transport.ssrc, 96]);
    await c.waitFrames(1, 1);
    assert.equal(decodeRtcpPacketTypes(c.framesOn(1)[0])[0], RtcpPacketType.SR, 'an SR within the first second');

    const teardown = await c.request('TEARDOWN', base, { Session: session.id });
    assert.equal(teardown.status, 200);
    assert.equal(server.stats().clients, 0);
    assert.ok(c.isOpen, 'the connection stays open after TEARDOWN');
  });

  it('GStreamer over UDP: Date headers, npt=0-, datagrams within the MTU, PAUSE stops media, then TEARDOWN', async () => {
    const c = await connect();
    const rx = await UdpReceiver.open();
    receivers.push(rx);
    const date = { Date: new Date().toUTCString() };
    assert.equal((await c.request('OPTIONS', url, date)).status, 200);
    const describe = await c.request('DESCRIBE', url, { ...date, Accept: 'application/sdp' });
    const base = header(describe, 'Content-Base');
    const setup = await c.request('SETUP', `${base}trackID=0`, { ...date, Transport: `RTP/AVP;unicast;client_port=${rx.ports[0]}-${rx.ports[1]}` });
    assert.equal(setup.status, 200);
    const [transport] = parseTransport(header(setup, 'Transport'));
    assert.deepEqual(transport.clientPort, rx.ports);
    assert.ok(transport.serverPort && transport.serverPort[1] === transport.serverPort[0] + 1 && transport.serverPort[0] % 2 === 0);
    const id = parseSession(header(setup, 'Session')).id;
    const play = await c.request('PLAY', base, { ...date, Session: id, Range: 'npt=0-' });
    const [info] = parseRtpInfo(header(play, 'RTP-Info'));

    for (let i = 0; i < 30; i++) {
      source.step();
      await new Promise((r) => setImmediate(r)); // let the UDP receiver drain its small buffer
    }
    await rx.waitFor(() => rx.rtp.some((p) => rtpHeader(p).timestamp === ((info.rtptime ?? 0) + 29 * source.frameTicks) >>> 0 && rtpHeader(p).marker));
    await rx.waitFor(() => rx.rtcp.length > 0);
    assert.ok(rx.rtp.every((p) => p.length <= 12 + 1400), `largest datagram ${Math.max(...rx.rtp.map((p) => p.length))}`);
    const seqs = rx.rtp.map((p) => rtpHeader(p).seq);
    assert.deepEqual([seqs[0], rtpHeader(rx.rtp[0]).timestamp], [info.seq, info.rtptime]);
    assert.ok(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1] + 1) & 0xffff)), 'continuous sequence numbers');

    assert.equal((await c.request('PAUSE', base, { ...date, Session: id })).status, 200);
    const count = rx.rtp.length;
    source.step(30);
    assert.equal((await c.request('GET_PARAMETER', base, { Session: id })).status, 200); // a round trip
    assert.equal(rx.rtp.length, count, 'no media while paused');
    assert.equal(server.stats().playing, 0);

    assert.equal((await c.request('TEARDOWN', base, { ...date, Session: id })).status, 200);
    await rx.waitFor(() => rx.rtcp.some((p) => decodeRtcpPacketTypes(p).includes(RtcpPacketType.BYE)));
  });

  it('GStreamer over TCP: interleaved RTCP mixed with PAUSE and TEARDOWN in one write', async () => {
    const c = await connect();
    const setup = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const id = parseSession(header(setup, 'Session')).id;
    assert.equal((await c.request('PLAY', `${url}/`, { Session: id, Range: 'npt=0-' })).status, 200);
    source.step(3);
    await c.waitFrames(0, 1);
    const rr = Buffer.from([0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1]);
    const frame = (payload: Buffer): Buffer => Buffer.concat([Buffer.from([0x24, 1, 0, payload.length]), payload]);
    c.send(
      Buffer.concat([
        frame(rr),
        Buffer.from(`PAUSE ${url}/ RTSP/1.0\r\nCSeq: 10\r\nSession: ${id}\r\n\r\n`),
        frame(rr),
        Buffer.from(`TEARDOWN ${url}/ RTSP/1.0\r\nCSeq: 11\r\nSession: ${id}\r\n\r\n`),
      ]),
    );
    const pause = await c.nextReply();
    const teardown = await c.nextReply();
    assert.deepEqual([pause.status, header(pause, 'CSeq'), teardown.status, header(teardown, 'CSeq')], [200, '10', 200, '11']);
    assert.equal(server.stats().clients, 0);
  });

  it("MPlayer's Real probe: path-less OPTIONS with RealMedia headers, DESCRIBE, hang up", async () => {
    const probe = await connect();
    probe.send(
      `OPTIONS rtsp://127.0.0.1:${port} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: RealMedia Player Version 6.0.9.1235 (linux-2.0-libc6-i386-gcc2.95)\r\n` +
        'ClientChallenge: 9e26d33f2984236010ef6253fb1887f7\r\nPlayerStarttime: [28/03/2003:22:50:23 00:00]\r\nCompanyID: KnKV4M4I/B2FjJ1TToLycw==\r\n' +
        'GUID: 00000000-0000-0000-0000-000000000000\r\nRegionData: 0\r\nClientID: Linux_2.4_6.0.9.1235_play32_RN01_EN_586\r\nPragma: initiate-session\r\n\r\n',
    );
    const options = await probe.nextReply();
    assert.equal(options.status, 200);
    assert.equal(header(options, 'Public'), PUBLIC);
    const describe = await probe.request('DESCRIBE', url, { CSeq: '2' });
    assert.equal(describe.status, 200);
    assert.equal(header(describe, 'CSeq'), '2');
    probe.close();
    await probe.closed;
    // The server shrugs it off and serves the lavf connection that MPlayer opens next.
    const lavf = await connect();
    assert.equal((await lavf.request('OPTIONS', url, { 'User-Agent': 'Lavf59.27.100' })).status, 200);
    assert.equal(server.stats().clients, 0);
  });

  it("VLC's SAT>IP probe: SETUP without DESCRIBE and CSeq 0, PLAY of stream=0, TEARDOWN", async () => {
    const c = await connect();
    const rx = await UdpReceiver.open();
    receivers.push(rx);
    const setup = await c.request('SETUP', url, { CSeq: '0', Transport: `RTP/AVP;unicast;client_port=${rx.ports[0]}-${rx.ports[1]}` });
    assert.equal(setup.status, 200);
    assert.equal(header(setup, 'CSeq'), '0');
    const id = parseSession(header(setup, 'Session')).id;
    const play = await c.request('PLAY', `rtsp://127.0.0.1:${port}/stream=0`, { CSeq: '1', Session: id });
    assert.equal(play.status, 404);
    assert.equal(header(play, 'CSeq'), '1');
    assert.equal((await c.request('TEARDOWN', url, { CSeq: '2', Session: id })).status, 200);
    assert.equal(server.stats().clients, 0);
  });

  it('answers 461 to multicast and unknown transports, then accepts the TCP retry', async () => {
    const c = await connect();
    const track = `${url}/trackID=0`;
    assert.equal((await c.request('SETUP', track, { Transport: 'RTP/AVP;multicast;client_port=5000-5001' })).status, 461);
    assert.equal((await c.request('SETUP', track, { Transport: 'MP2T/H2221/UDP;unicast;client_port=5000-5001' })).status, 461);
    assert.equal((await c.request('SETUP', track, { Transport: 'RTP/AVP;unicast;mode=record;client_port=5000-5001' })).status, 461);
    assert.equal((await c.request('SETUP', track, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })).status, 200);
    assert.equal(server.stats().clients, 1);
  });

  it('picks the first usable spec of a Transport list', async () => {
    const c = await connect();
    const reply = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP;multicast, RTP/AVP/TCP;unicast;interleaved=4-5' });
    assert.equal(reply.status, 200);
    assert.deepEqual(parseTransport(header(reply, 'Transport'))[0].interleaved, [4, 5]);
  });

  it('answers PLAY on the aggregate URL without slash and on the track URL', async () => {
    const c = await connect();
    const id = parseSession(header(await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }), 'Session')).id;
    const a = await c.request('PLAY', url, { Session: id });
    assert.equal(a.status, 200);
    assert.equal(parseRtpInfo(header(a, 'RTP-Info'))[0].url, `${url}/trackID=0`);
    const b = await c.request('PLAY', `${url}/trackID=0`, { Session: id });
    assert.equal(b.status, 200, 'PLAY again while playing');
    assert.equal(parseRtpInfo(header(b, 'RTP-Info'))[0].url, `${url}/trackID=0`);
  });

  it('guards methods by session state: 454 without a session, 455 for SETUP while playing', async () => {
    const c = await connect();
    assert.equal((await c.request('PLAY', url)).status, 454);
    assert.equal((await c.request('PLAY', url, { Session: 'deadbeefdeadbeef' })).status, 454);
    assert.equal((await c.request('PAUSE', url)).status, 454);
    assert.equal((await c.request('TEARDOWN', url)).status, 454);
    const id = parseSession(header(await c.request('SETUP', url, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' }), 'Session')).id;
    assert.equal((await c.request('PAUSE', url, { Session: id })).status, 200, 'PAUSE in ready is allowed');
    assert.equal((await c.request('PLAY', url, { Session: id })).status, 200);
    const again = await c.request('SETUP', url, { Session: id, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(again.status, 455);
    assert.equal(again.reason, 'Method Not Valid in This State');
    assert.equal((await c.request('SET_PARAMETER', url, { Session: id }, 'x: 1\r\n')).status, 200);
    assert.equal(header(await c.request('GET_PARAMETER', url, { Session: id }), 'Session').split(';')[0], id);
    assert.equal((await c.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, 'v=0\r\n')).status, 501);
    assert.equal((await c.request('RECORD', url, { Session: id })).status, 501, 'RECORD without onRecord');
  });

  it('answers 404 for another path, OPTIONS for any URL', async () => {
    const c = await connect();
    assert.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/other`)).status, 404);
    assert.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}`)).status, 404);
    assert.equal((await c.request('SETUP', `rtsp://127.0.0.1:${port}/other`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })).status, 404);
    assert.equal((await c.request('OPTIONS', '*')).status, 200);
    assert.equal((await c.request('OPTIONS', `rtsp://127.0.0.1:${port}/other`)).status, 200);
  });

  it('answers malformed requests with 400 and CSeq and keeps the connection; closes after a fatal one', async () => {
    const c = await connect();
    c.send('OPTIONS * RTSP/1.0\r\nCSeq: 7\r\nthis is not a header\r\n\r\n');
    const bad = await c.nextReply();
    assert.deepEqual([bad.status, header(bad, 'CSeq')], [400, '7']);
    c.send('OPTIONS * HTTP/1.1\r\nCSeq: 8\r\n\r\n');
    assert.equal((await c.nextReply()).status, 400);
    c.send('OPTIONS * RTSP/2.0\r\nCSeq: 9\r\n\r\n');
    assert.equal((await c.nextReply()).status, 505);
    assert.equal((await c.request('OPTIONS', url)).status, 200, 'still served');
    c.send('SET_PARAMETER * RTSP/1.0\r\nCSeq: 10\r\nContent-Length: 99999999\r\n\r\n');
    const fatal = await c.nextReply();
    assert.deepEqual([fatal.status, header(fatal, 'CSeq')], [413, '10']);
    await c.closed;
    const other = await connect();
    assert.equal((await other.request('OPTIONS', url)).status, 200, 'the server carries on');
  });
});
