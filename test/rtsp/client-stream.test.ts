import { strict as assert } from 'node:assert';
import { decodeRtcpPacketTypes, RtcpPacketType } from '../../src/media/rtp/rtcp';
import { ClientStream, type MediaSink } from '../../src/rtsp/client-stream';
import type { AccessUnit } from '../../src/media/types';
import { loadClip } from '../helpers/clip';

class RecordingSink implements MediaSink {
  readonly kind = 'tcp' as const;
  readonly rtp: Buffer[][] = [];
  readonly rtcp: Buffer[] = [];
  backlog = 0;
  sendRtp(packets: readonly Buffer[]): void {
    this.rtp.push([...packets]);
  }
  sendRtcp(packet: Buffer): void {
    this.rtcp.push(packet);
  }
  backlogBytes(): number {
    return this.backlog;
  }
}

function sequenceRandom(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

function makeStream(sink: MediaSink, random = sequenceRandom([0.25, 0.5, 0.75])): ClientStream {
  return new ClientStream({
    sink,
    ssrc: 0x11223344,
    payloadType: 96,
    maxPayloadSize: 1400,
    cname: 'test',
    queueLimitBytes: 1000,
    senderReportIntervalMs: 5000,
    random,
  });
}

const header = (p: Buffer): { seq: number; ts: number; ssrc: number; marker: boolean } => ({
  seq: p.readUInt16BE(2),
  ts: p.readUInt32BE(4),
  ssrc: p.readUInt32BE(8),
  marker: (p[1] & 0x80) !== 0,
});

describe('rtsp/client-stream', () => {
  const clip = loadClip();
  const units: AccessUnit[] = clip.accessUnits.map((au, i) => ({ ...au, timestamp: 1000 + i * 6000 }));

  it('starts at the next keyframe with exactly the seq and rtptime announced at PLAY', () => {
    const sink = new RecordingSink();
    const stream = makeStream(sink);
    assert.equal(stream.push(units[0], clip.parameterSets, 0).packets, 0, 'nothing before PLAY');
    const start = stream.play(1000);
    for (let i = 1; i < 15; i++) assert.equal(stream.push(units[i], clip.parameterSets, 1000 + i).packets, 0, `P frame ${i} skipped`);
    const first = stream.push(units[15], clip.parameterSets, 2000);
    assert.ok(first.packets > 0);
    const h = header(sink.rtp[0][0]);
    assert.deepEqual({ seq: h.seq, ts: h.ts, ssrc: h.ssrc }, { seq: start.seq, ts: start.rtptime, ssrc: 0x11223344 });
    assert.equal(sink.rtcp.length, 1, 'an SR goes out with the first packets');
    assert.deepEqual(decodeRtcpPacketTypes(sink.rtcp[0]), [RtcpPacketType.SR, RtcpPacketType.SDES]);
    stream.push(units[16], clip.parameterSets, 2066);
    const next = header(sink.rtp[1][0]);
    assert.equal(next.ts, (start.rtptime + 6000) >>> 0, '90 kHz spacing kept');
    assert.equal(next.seq, (start.seq + first.packets) & 0xffff, 'continuous sequence numbers');
    assert.ok(sink.rtp.every((au) => au.every((p, i) => header(p).marker === (i === au.length - 1))), 'marker on the last packet of each AU');
  });

  it('continues sequence and RTP clock across PAUSE and PLAY', () => {
    const sink = new RecordingSink();
    const stream = makeStream(sink);
    stream.play(0);
    stream.push(units[0], clip.parameterSets, 0);
    stream.push(units[1], clip.parameterSets, 66);
    const lastPacket = sink.rtp[1][sink.rtp[1].length - 1];
    stream.pause();
    assert.equal(stream.push(units[2], clip.parameterSets, 133).packets, 0, 'paused');
    const again = stream.play(1066); // 1000 ms after the last AU went out
    assert.equal(again.seq, (header(lastPacket).seq + 1) & 0xffff);
    assert.equal(again.rtptime, (header(lastPacket).ts + 90000) >>> 0);
    stream.push(units[15], clip.parameterSets, 1100);
    assert.deepEqual([header(sink.rtp[2][0]).seq, header(sink.rtp[2][0]).ts], [again.seq, again.rtptime]);
  });

  it('skips to the next keyframe while the sink backlog is over the limit, and counts the drops', () => {
    const sink = new RecordingSink();
    const stream = makeStream(sink);
    stream.play(0);
    stream.push(units[0], clip.parameterSets, 0);
    sink.backlog = 5000;
    assert.equal(stream.push(units[1], clip.parameterSets, 1).dropped, true);
    sink.backlog = 0;
    for (let i = 2; i < 15; i++) assert.equal(stream.push(units[i], clip.parameterSets, i).dropped, true, `frame ${i} waits for a keyframe`);
    assert.equal(stream.push(units[15], clip.parameterSets, 15).dropped, false);
    assert.equal(stream.framesDropped, 14);
    const seqs = sink.rtp.flat().map((p) => header(p).seq);
    assert.ok(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1] + 1) & 0xffff)), 'no sequence gap for skipped frames');
  });

  it('sends periodic SRs while playing and a BYE on request', () => {
    const sink = new RecordingSink();
    const stream = makeStream(sink);
    stream.sendBye();
    assert.equal(sink.rtcp.length, 0, 'no BYE before any media');
    stream.play(0);
    stream.push(units[0], clip.parameterSets, 0);
    stream.tick(4999);
    assert.equal(sink.rtcp.length, 1);
    stream.tick(5000);
    assert.equal(sink.rtcp.length, 2);
    // The SR's RTP timestamp extrapolates the media clock to the report time.
    assert.equal(sink.rtcp[1].readUInt32BE(16), (header(sink.rtp[0][0]).ts + 5000 * 90) >>> 0);
    stream.sendBye();
    assert.deepEqual(decodeRtcpPacketTypes(sink.rtcp[2]), [RtcpPacketType.RR, RtcpPacketType.BYE]);
  });
});
