import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sinon from 'sinon';
import { ActionCamError } from '../../src/errors';
import { NalType } from '../../src/media/h264';
import { decodeRtcpPacketTypes, decodeRtpPacket, H264Depacketizer, RtcpPacketType } from '../../src/media/rtp';
import { RtpRelay, RtpRelayOptions } from '../../src/relay/rtp-relay';
import { loadClip } from '../helpers/clip';
import { FakeSource } from '../helpers/fake-source';
import { openRtpSink, RtpSink } from '../helpers/rtp-sink';

/** Deterministic "random" for SSRC/sequence/timestamp base. */
function seeded(): () => number {
  let x = 0x12345678;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('relay: RtpRelay (RFC 3550 + RFC 6184 to a plain UDP receiver)', () => {
  const clip = loadClip();
  let sink: RtpSink | undefined;
  let relay: RtpRelay | undefined;
  let dir: string | undefined;

  async function setup(opts: Partial<RtpRelayOptions> & { source: FakeSource }): Promise<{ relay: RtpRelay; sink: RtpSink }> {
    sink = await openRtpSink();
    relay = new RtpRelay({ host: '127.0.0.1', port: sink.port, random: seeded(), ...opts });
    return { relay, sink };
  }

  afterEach(async () => {
    await relay?.stop();
    await sink?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    relay = undefined;
    sink = undefined;
    dir = undefined;
  });

  it('describes the stream in SDP: destination, payload type, sprop-parameter-sets; writes sdpFile', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-relay-'));
    const sdpFile = path.join(dir, 'preview.sdp');
    const { relay: r, sink: s } = await setup({ source: new FakeSource(), sdpFile });
    const { sdp } = await r.start();
    assert.match(sdp, /^v=0\r\n/);
    assert.match(sdp, /\r\nc=IN IP4 127\.0\.0\.1\r\n/);
    assert.match(sdp, new RegExp(`\\r\\nm=video ${s.port} RTP/AVP 96\\r\\n`));
    assert.match(sdp, /\r\na=rtpmap:96 H264\/90000\r\n/);
    assert.match(sdp, /a=fmtp:96 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+\r\n/);
    assert.equal(await fs.readFile(sdpFile, 'utf8'), sdp);
    assert.equal(r.sdp(), sdp, 'stable while nothing changes');
  });

  it('sends valid RTP from the first keyframe: payload <= maxPayloadSize, marker on the last packet of each frame, round-trips', async () => {
    const source = new FakeSource({ startIndex: 3 });
    const maxPayloadSize = 500;
    const { relay: r, sink: s } = await setup({ source, maxPayloadSize });
    await r.start();
    source.step(12 + 20); // frames 3..14 are skipped, 15..34 are sent
    await s.until(() => s.rtp.length >= r.stats().packets);
    assert.equal(r.stats().frames, 20);
    assert.equal(r.stats().skippedFrames, 12);
    const packets = s.rtp.map((b) => decodeRtpPacket(b));
    const ssrc = packets[0].header.ssrc;
    packets.forEach((p, i) => {
      assert.ok(s.rtp[i].length <= 12 + maxPayloadSize, `packet ${i}: ${s.rtp[i].length} bytes`);
      assert.equal(s.rtp[i][0] >> 6, 2, 'RTP version 2');
      assert.equal(p.header.payloadType, 96);
      assert.equal(p.header.ssrc, ssrc);
      if (i > 0) assert.equal(p.header.sequenceNumber, (packets[i - 1].header.sequenceNumber + 1) & 0xffff);
      const lastOfFrame = i === packets.length - 1 || packets[i + 1].header.timestamp !== p.header.timestamp;
      assert.equal(p.header.marker, lastOfFrame, `marker of packet ${i}`);
    });
    assert.equal(packets[0].payload[0] & 0x1f, NalType.SPS, 'parameter sets in-band before the first (late) IDR');
    const depacketizer = new H264Depacketizer();
    const aus = packets.flatMap((p) => depacketizer.push(p));
    assert.equal(aus.length, 20);
    aus.forEach((au, i) => {
      const { nalus, keyframe } = clip.accessUnits[15 + i];
      const want = keyframe ? [clip.parameterSets.sps, clip.parameterSets.pps, ...nalus] : nalus;
      assert.deepEqual(au.nalus, want, `frame ${15 + i}: parameter sets in-band before each IDR`);
      if (i > 0) assert.equal((au.timestamp - aus[i - 1].timestamp) >>> 0, 6000);
    });
  });

  it('sends an RTCP sender report with the first packets and BYE on stop', async () => {
    const source = new FakeSource();
    const { relay: r, sink: s } = await setup({ source });
    await r.start();
    source.step(1);
    await s.until(() => s.rtcp.length >= 1);
    assert.deepEqual(decodeRtcpPacketTypes(s.rtcp[0]), [RtcpPacketType.SR, RtcpPacketType.SDES]);
    assert.equal(s.rtcp[0].readUInt32BE(4), r.ssrc);
    assert.equal(s.rtcp[0].readUInt32BE(20), r.stats().packets, "sender's packet count");
    await r.stop();
    await s.until(() => s.rtcp.length >= 2);
    assert.deepEqual(decodeRtcpPacketTypes(s.rtcp[1]), [RtcpPacketType.RR, RtcpPacketType.BYE]);
    await r.stop();
    assert.equal(r.state, 'stopped');
    await assert.rejects(r.start(), ActionCamError);
  });

  it('counts send errors when nobody listens (ICMP port unreachable) and never throws', async () => {
    const source = new FakeSource();
    const { relay: r, sink: s } = await setup({ source });
    await s.close();
    sink = undefined;
    await r.start();
    for (let i = 0; i < 30; i++) {
      source.step(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(r.stats().frames, 30);
    assert.ok(r.stats().sendErrors > 0, 'connected UDP sockets report ECONNREFUSED on loopback');
  });

  it('start() waits only a bounded time for parameter sets, then publishes them when they come', async () => {
    const source = new FakeSource({ parameterSetsAfterFirstKeyframe: true, startIndex: 5 });
    const { relay: r } = await setup({ source, parameterSetsTimeoutMs: 20 });
    const { sdp } = await r.start();
    assert.match(sdp, /a=fmtp:96 packetization-mode=1\r\n/);
    assert.match(sdp, /^o=- \d+ 1 /m);
    const next = once(r, 'sdp');
    source.stepToKeyframe();
    source.step(1);
    const [updated] = (await next) as [string];
    assert.match(updated, /sprop-parameter-sets=/);
    assert.match(updated, /^o=- \d+ 2 /m, 'o= version bumped');
  });

  it('skips to the next keyframe while the socket holds more than maxQueuedPackets unsent', async () => {
    const source = new FakeSource();
    const { relay: r, sink: s } = await setup({ source, maxQueuedPackets: 2 });
    await r.start();
    // Loopback never makes a UDP send wait, so the kernel's answer is played by a stub: libuv says
    // how many sends wait in the socket, and a slow link makes that number grow.
    const queue = sinon.stub(dgram.Socket.prototype, 'getSendQueueCount').returns(0);
    try {
      source.step(2); // keyframe + P: sent
      queue.returns(3);
      source.step(3); // over the limit: dropped, and the gate closes until a keyframe
      queue.returns(0);
      source.step(2); // P-frames after the backlog cleared: still waiting for a keyframe
      assert.equal(r.stats().frames, 2);
      assert.equal(r.stats().skippedFrames, 5);
      assert.equal(r.state, 'waitingForKeyframe');
    } finally {
      queue.restore();
    }
    await s.until(() => s.rtp.some((p) => p.length > 0));
  });

  it('rejects bad options with BadInputError', () => {
    const source = new FakeSource();
    assert.throws(() => new RtpRelay({ source, port: 65535 }), /port must be 1-65534/);
    assert.throws(() => new RtpRelay({ source, payloadType: 128 }), ActionCamError);
    assert.throws(() => new RtpRelay({ source, maxPayloadSize: 2 }), ActionCamError);
  });
});
