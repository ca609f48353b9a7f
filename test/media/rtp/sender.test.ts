/**
 * RtpSender (src/media/rtp/sender.ts): the one RTP sending state machine the RTSP clients and the RTP
 * relay share. Its states, the keyframe gate, backlog skipping, RTP timestamps that never step back
 * (issue 10: "RTP timestamps out of the relay and RTSP are monotonic whatever arrives"), sender
 * reports riding on the media, and BYE.
 */
import assert from 'node:assert/strict';
import { decodeRtcpPacketTypes, RtcpPacketType } from '../../../src/media/rtp/rtcp';
import { RtpSender, type RtpSenderOptions, type RtpSenderState, type RtpSink } from '../../../src/media/rtp/sender';
import type { AccessUnit } from '../../../src/media/types';
import { loadClip } from '../../helpers/clip';

class Sink implements RtpSink {
  readonly rtp: Buffer[][] = [];
  readonly rtcp: Buffer[] = [];
  pending = 0;
  sendRtp(packets: readonly Buffer[]): void {
    this.rtp.push([...packets]);
  }
  sendRtcp(packet: Buffer): void {
    this.rtcp.push(packet);
  }
  backlog(): number {
    return this.pending;
  }
}

function sender(sink: Sink, options: Partial<RtpSenderOptions> = {}): RtpSender {
  let n = 0;
  return new RtpSender({
    sink,
    payloadType: 96,
    maxPayloadSize: 1400,
    cname: 'test',
    backlogLimit: 10,
    senderReportIntervalMs: 5000,
    random: () => [0.1, 0.2, 0.3][n++ % 3],
    ...options,
  });
}

const rtpTime = (p: Buffer): number => p.readUInt32BE(4);
const rtpSeq = (p: Buffer): number => p.readUInt16BE(2);

describe('media/rtp: RtpSender', () => {
  const clip = loadClip();
  const unit = (i: number, timestamp = i * 6000): AccessUnit => ({ ...clip.accessUnits[i % 60], timestamp });

  it('moves through its states as the table says', () => {
    const sink = new Sink();
    const s = sender(sink);
    const seen: RtpSenderState[] = [s.state];
    const step = (what: () => unknown): void => {
      what();
      seen.push(s.state);
    };
    step(() => s.push(unit(0), clip.parameterSets, 0)); // idle: ignored
    step(() => s.start(0));
    step(() => s.push(unit(1), clip.parameterSets, 66)); // not a keyframe: still waiting
    step(() => s.push(unit(15), clip.parameterSets, 1000));
    step(() => s.pause());
    step(() => s.start(2000));
    step(() => s.push(unit(30), clip.parameterSets, 2000));
    step(() => s.stop());
    step(() => s.push(unit(31), clip.parameterSets, 2066));
    assert.deepEqual(seen, ['idle', 'idle', 'waitingForKeyframe', 'waitingForKeyframe', 'sending', 'paused', 'waitingForKeyframe', 'sending', 'stopped', 'stopped']);
    assert.throws(() => s.start(3000), /stopped/);
    assert.deepEqual(s.stats(), { packets: sink.rtp.flat().length, bytes: sink.rtp.flat().reduce((n, p) => n + p.length, 0), frames: 2, waited: 1, dropped: 0, senderReports: 1 });
  });

  it('honours what start() announced: first packet carries that seq and RTP time', () => {
    const sink = new Sink();
    const s = sender(sink);
    const announced = s.start(0);
    s.push(unit(15, 123456), clip.parameterSets, 10);
    assert.equal(rtpSeq(sink.rtp[0][0]), announced.seq);
    assert.equal(rtpTime(sink.rtp[0][0]), announced.rtptime);
  });

  it('drops frames to the next keyframe while the sink backlog is over the limit', () => {
    const sink = new Sink();
    const s = sender(sink);
    s.start(0);
    s.push(unit(0), clip.parameterSets, 0);
    sink.pending = 11;
    assert.equal(s.push(unit(1), clip.parameterSets, 66).dropped, true);
    sink.pending = 0;
    assert.equal(s.push(unit(2), clip.parameterSets, 133).dropped, true, 'waits for a keyframe');
    assert.equal(s.push(unit(15), clip.parameterSets, 1000).dropped, false);
    assert.equal(s.stats().dropped, 2);
  });

  it('never sends an RTP time at or behind the last one, whatever the source does', () => {
    const sink = new Sink();
    const s = sender(sink);
    s.start(0);
    const stamps = [0, 6000, 12000, 6000 /* back */, 12000 /* same again */, 3_000_000_000 /* far */, 18000];
    stamps.forEach((ts, i) => s.push(unit(i === 0 ? 0 : i, ts), clip.parameterSets, i * 66));
    const times = sink.rtp.map((au) => rtpTime(au[0]));
    for (let i = 1; i < times.length; i++) {
      const step = (times[i] - times[i - 1]) >>> 0;
      assert.ok(step > 0 && step < 0x8000_0000, `RTP time ${i} steps forward (${step})`);
    }
    assert.equal((times[3] - times[2]) >>> 0, 6000, 'a step back continues one frame on');
  });

  it('sends an SR with the first packets, then with the media once the interval has passed, and BYE once at the end', () => {
    const sink = new Sink();
    const s = sender(sink);
    s.stop();
    assert.equal(sink.rtcp.length, 0, 'no BYE when nothing was sent');
    const t = sender(sink);
    t.start(0);
    t.push(unit(0), clip.parameterSets, 0);
    assert.deepEqual(decodeRtcpPacketTypes(sink.rtcp[0]), [RtcpPacketType.SR, RtcpPacketType.SDES]);
    t.push(unit(1), clip.parameterSets, 4999);
    t.tick(4999);
    assert.equal(sink.rtcp.length, 1);
    t.push(unit(2), clip.parameterSets, 5000);
    assert.equal(sink.rtcp.length, 2, 'the second SR rides on the frame that is due');
    t.tick(9999);
    assert.equal(sink.rtcp.length, 2);
    t.tick(10000);
    assert.equal(sink.rtcp.length, 3, 'tick() sends one when no frame came');
    t.stop();
    t.stop();
    assert.deepEqual(decodeRtcpPacketTypes(sink.rtcp[3]), [RtcpPacketType.RR, RtcpPacketType.BYE]);
    assert.equal(sink.rtcp.length, 4);
  });
});
