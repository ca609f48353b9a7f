/**
 * H264Depacketizer (RFC 6184 §5.6-5.8): STAP-A, loss handling (RFC 3550 §A.1 sequence gaps),
 * late packets, missing markers, malformed payloads and the memory bound.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { H264Depacketizer } from '../../../src/media/rtp/depacketizer';
import { encodeRtpPacket } from '../../../src/media/rtp/header';
import { H264Packetizer } from '../../../src/media/rtp/packetizer';
import type { AccessUnit } from '../../../src/media/types';
import { loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function rtp(seq: number, ts: number, marker: boolean, payload: string): Buffer {
  return encodeRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp: ts, ssrc: 1 }, hex(payload));
}

function run(packets: Buffer[], depacketizer = new H264Depacketizer()): AccessUnit[] {
  const out = packets.flatMap((p) => depacketizer.push(p));
  return [...out, ...depacketizer.flush()];
}

const nalHex = (aus: AccessUnit[]): string[][] => aus.map((au) => au.nalus.map((n) => n.toString('hex')));

/** The first 10 frames of the clip at 1400 bytes, grouped per access unit. */
function clipPackets(): Buffer[][] {
  const p = new H264Packetizer({ ssrc: 5, initialSequence: 65530, timestampOffset: 0 });
  return loadClip().accessUnits.slice(0, 10).map((au) => p.packetize(au));
}

describe('media/rtp/depacketizer', () => {
  it('unpacks STAP-A (§5.7.1) into its NAL units', () => {
    const aus = run([rtp(1, 90, true, '78 0002 6742 0002 68ce 0003 658801')]);
    assert.deepEqual(nalHex(aus), [['6742', '68ce', '658801']]);
    assert.equal(aus[0].keyframe, true);
    assert.equal(aus[0].timestamp, 90);
  });

  it('reassembles FU-A (§5.8) with the original NAL header', () => {
    const aus = run([rtp(1, 0, false, '7c850102'), rtp(2, 0, false, '7c050304'), rtp(3, 0, true, '7c4505')]);
    assert.deepEqual(nalHex(aus), [['650102030405']]);
  });

  it('closes an access unit on a timestamp change when the marker bit is never set', () => {
    const aus = run([rtp(1, 0, false, '4101'), rtp(2, 0, false, '4102'), rtp(3, 3000, false, '4103')]);
    assert.deepEqual(nalHex(aus), [['4101', '4102'], ['4103']]);
    assert.deepEqual(aus.map((a) => a.timestamp), [0, 3000]);
  });

  it('round-trips clip frames across a sequence wrap', () => {
    const groups = clipPackets();
    const d = new H264Depacketizer();
    const aus = run(groups.flat(), d);
    assert.equal(aus.length, 10);
    assert.equal(d.stats.lostPackets, 0);
    assert.equal(d.stats.accessUnits, 10);
  });

  it('drops the access unit that lost a middle fragment, keeps the others', () => {
    const groups = clipPackets();
    // frame 0: SPS, PPS, SEI, then the 5571-byte IDR in 4 FU-A fragments; lose the second fragment
    assert.equal(groups[0].length, 7);
    const d = new H264Depacketizer();
    const packets = groups.flat().filter((p) => p !== groups[0][4]);
    const aus = run(packets, d);
    assert.equal(aus.length, 9);
    assert.equal(aus[0].timestamp, 6000);
    assert.deepEqual(d.stats, { packets: packets.length, lostPackets: 1, discardedPackets: 0, malformedPackets: 0, accessUnits: 9, droppedAccessUnits: 1 });
  });

  it('drops the access unit whose first packet was lost, keeps the one before', () => {
    const groups = clipPackets();
    const d = new H264Depacketizer();
    const aus = run(groups.flat().filter((p) => p !== groups[2][0]), d);
    assert.deepEqual(aus.map((a) => a.timestamp / 6000), [0, 1, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(d.stats.droppedAccessUnits, 1);
  });

  it('a lost marker packet damages its access unit and the next (the gap could hold either)', () => {
    const d = new H264Depacketizer();
    const aus = run([rtp(1, 0, true, '4101'), rtp(2, 10, false, '4102'), rtp(4, 20, true, '4104'), rtp(5, 30, true, '4105')], d);
    assert.deepEqual(nalHex(aus), [['4101'], ['4105']]);
    assert.equal(d.stats.lostPackets, 1);
    assert.equal(d.stats.droppedAccessUnits, 2);
  });

  it('discards late and duplicate packets without disturbing the stream', () => {
    const d = new H264Depacketizer();
    const aus = run([rtp(10, 0, true, '4101'), rtp(10, 0, true, '4101'), rtp(11, 10, true, '4102'), rtp(9, 0, true, '41ff')], d);
    assert.deepEqual(nalHex(aus), [['4101'], ['4102']]);
    assert.equal(d.stats.discardedPackets, 2);
    assert.equal(d.stats.lostPackets, 0);
  });

  it('drops a fragmented NAL unit whose start or end fragment is missing', () => {
    const noStart = run([rtp(1, 0, false, '7c050304'), rtp(2, 0, true, '7c4505'), rtp(3, 10, true, '4101')]);
    assert.deepEqual(nalHex(noStart), [['4101']]);
    const noEnd = run([rtp(1, 0, false, '7c850102'), rtp(2, 0, true, '4101'), rtp(3, 10, true, '4102')]);
    assert.deepEqual(nalHex(noEnd), [['4102']]);
  });

  const malformed: Array<[string, string]> = [
    ['an empty payload', ''],
    ['STAP-B (mode 2 only)', '79 0002 6742'],
    ['FU-B (mode 2 only)', '7d 85 0001 02'],
    ['NAL type 0', '00 11'],
    ['a STAP-A whose size runs past the packet', '78 0005 6742'],
    ['a STAP-A with a zero size', '78 0000'],
    ['an FU-A with S and E set', '7c c5 01'],
    ['an FU-A without data', '7c 85'],
  ];
  for (const [name, payload] of malformed) {
    it(`counts ${name} as malformed and drops its access unit`, () => {
      const d = new H264Depacketizer();
      const aus = run([rtp(1, 0, false, '4101'), rtp(2, 0, true, payload), rtp(3, 10, true, '4102')], d);
      assert.deepEqual(nalHex(aus), [['4102']]);
      assert.equal(d.stats.malformedPackets, 1);
      assert.equal(d.stats.droppedAccessUnits, 1);
    });
  }

  it('drops an access unit larger than maxAccessUnitSize', () => {
    const d = new H264Depacketizer({ maxAccessUnitSize: 4 });
    const aus = run([rtp(1, 0, false, '410102'), rtp(2, 0, true, '410304'), rtp(3, 10, false, '7c810102'), rtp(4, 10, true, '7c410304'), rtp(5, 20, true, '4105')], d);
    assert.deepEqual(nalHex(aus), [['4105']]);
    assert.equal(d.stats.droppedAccessUnits, 2);
  });

  it('rejects a maxAccessUnitSize that is not a positive integer', () => {
    assert.throws(() => new H264Depacketizer({ maxAccessUnitSize: 0 }), BadInputError);
  });
});
