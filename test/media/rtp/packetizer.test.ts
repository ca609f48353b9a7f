/**
 * H264Packetizer (RFC 6184 §5.6, §5.8 on RFC 3550 §5.1) over the whole committed clip at several
 * payload sizes, checked packet by packet and by depacketizing back to byte-identical NAL units;
 * plus hand-computed FU-A bytes and the parameter-set injection table.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { H264Depacketizer } from '../../../src/media/rtp/depacketizer';
import { decodeRtpPacket, RTP_HEADER_SIZE, type RtpPacket } from '../../../src/media/rtp/header';
import { H264Packetizer, PacketizerDefaults } from '../../../src/media/rtp/packetizer';
import type { AccessUnit, ParameterSets } from '../../../src/media/types';
import { CLIP_FRAME_TICKS, CLIP_IDR_FRAMES, loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const types = (nalus: Buffer[]): number[] => nalus.map((n) => n[0] & 0x1f);

const SSRC = 0x11223344;
const FIRST_SEQ = 65500; // wraps within the clip even at 1400 bytes per packet
const TS_OFFSET = 2 ** 32 - 100000; // wraps after 17 frames

describe('media/rtp/packetizer over the committed clip', () => {
  for (const maxPayloadSize of [1400, 500, 100, 3]) {
    describe(`maxPayloadSize ${maxPayloadSize}`, () => {
      const clip = loadClip();
      let packetizer: H264Packetizer;
      let perAu: Buffer[][]; // the packets of each access unit
      let all: Buffer[];
      let decoded: RtpPacket[];
      before(() => {
        packetizer = new H264Packetizer({ maxPayloadSize, ssrc: SSRC, initialSequence: FIRST_SEQ, timestampOffset: TS_OFFSET });
        perAu = clip.accessUnits.map((au) => packetizer.packetize(au, clip.parameterSets));
        all = perAu.flat();
        decoded = all.map((p) => decodeRtpPacket(p));
      });

      it('keeps every payload within maxPayloadSize, with a plain 12-byte header', () => {
        for (const p of all) assert.ok(p.length <= RTP_HEADER_SIZE + maxPayloadSize, `${p.length} bytes`);
        for (const { header, paddingLength } of decoded) {
          assert.equal(header.payloadType, 96);
          assert.equal(header.ssrc, SSRC);
          assert.equal(paddingLength, 0);
          assert.equal(header.csrc, undefined);
          assert.equal(header.extension, undefined);
        }
      });

      it('sets the marker bit on the last packet of each access unit only', () => {
        for (const packets of perAu) {
          const markers = packets.map((p) => (p[1] & 0x80) !== 0);
          assert.deepEqual(markers, packets.map((_, i) => i === packets.length - 1));
        }
      });

      it('gives all packets of an access unit the same timestamp, (source + offset) mod 2^32', () => {
        perAu.forEach((packets, i) => {
          const expected = (i * CLIP_FRAME_TICKS + TS_OFFSET) % 2 ** 32;
          for (const p of packets) assert.equal(p.readUInt32BE(4), expected, `frame ${i}`);
        });
        assert.equal(perAu[16][0].readUInt32BE(4), 2 ** 32 - 4000);
        assert.equal(perAu[17][0].readUInt32BE(4), 2000); // wrapped
      });

      it('numbers packets continuously from the initial sequence, wrapping at 2^16', () => {
        decoded.forEach(({ header }, i) => assert.equal(header.sequenceNumber, (FIRST_SEQ + i) % 65536));
        assert.equal(packetizer.nextSequence, (FIRST_SEQ + all.length) % 65536);
        assert.ok(FIRST_SEQ + all.length > 65536, 'the sequence wrapped');
      });

      it('sends single NAL units and FU-A only, never a start code, never S and E together', () => {
        for (const { payload } of decoded) {
          const type = payload[0] & 0x1f;
          assert.ok((type >= 1 && type <= 23) || type === 28, `payload type ${type}`);
          assert.notEqual(payload.subarray(0, 3).toString('hex'), '000001');
          if (type === 28) assert.notEqual(payload[1] & 0xc0, 0xc0);
          if (type !== 28) assert.ok(payload.length <= maxPayloadSize);
        }
      });

      it('counts packets and payload octets for the RTCP SR', () => {
        assert.equal(packetizer.packetCount, all.length);
        assert.equal(packetizer.octetCount, all.reduce((sum, p) => sum + p.length - RTP_HEADER_SIZE, 0));
      });

      it('depacketizes to the clip, byte for byte, with SPS and PPS in front of every IDR', () => {
        const depacketizer = new H264Depacketizer();
        const got: AccessUnit[] = all.flatMap((p) => depacketizer.push(p));
        assert.equal(got.length, clip.accessUnits.length);
        assert.deepEqual(depacketizer.stats.lostPackets, 0);
        got.forEach((au, i) => {
          const source = clip.accessUnits[i];
          const expected = source.keyframe && i > 0 ? [clip.parameterSets.sps, clip.parameterSets.pps, ...source.nalus] : source.nalus;
          assert.equal(au.nalus.length, expected.length, `frame ${i}`);
          au.nalus.forEach((nal, j) => assert.ok(nal.equals(expected[j]), `frame ${i} NAL ${j}`));
          assert.equal(au.keyframe, source.keyframe);
          assert.equal(au.timestamp, (i * CLIP_FRAME_TICKS + TS_OFFSET) % 2 ** 32);
        });
        for (const i of CLIP_IDR_FRAMES) assert.deepEqual(types(got[i].nalus).slice(0, 2), [7, 8]);
      });
    });
  }

  it('balances FU-A fragments: sizes differ by at most one byte', () => {
    const packetizer = new H264Packetizer({ maxPayloadSize: 1400, ssrc: 1, initialSequence: 0, timestampOffset: 0 });
    const idr = loadClip().accessUnits[0].nalus[3]; // 5571 bytes -> 4 fragments
    const sizes = packetizer.packetize({ nalus: [idr], timestamp: 0, keyframe: false }).map((p) => p.length - RTP_HEADER_SIZE - 2);
    assert.equal(sizes.length, 4);
    assert.equal(sizes.reduce((a, b) => a + b, 0), idr.length - 1);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, sizes.join(','));
  });
});

describe('media/rtp/packetizer', () => {
  const fixed = (max = 1400): H264Packetizer =>
    new H264Packetizer({ maxPayloadSize: max, ssrc: 0xcafebabe, initialSequence: 7, timestampOffset: 100 });
  const payloads = (packets: Buffer[]): string[] => packets.map((p) => p.subarray(RTP_HEADER_SIZE).toString('hex'));

  it('writes the FU-A indicator and header of RFC 6184 §5.8 (hand-computed)', () => {
    // NAL 65 01 02 03 04 05: F=0 NRI=3 type 5; 5 body bytes over 2-byte fragments -> 2, 2, 1.
    // indicator 0x7c = 0|11|11100, headers S 0x85 = 1|0|0|00101, middle 0x05, E 0x45 = 0|1|0|00101
    const packets = fixed(4).packetize({ nalus: [hex('650102030405')], timestamp: 0, keyframe: true });
    assert.deepEqual(payloads(packets), ['7c850102', '7c050304', '7c4505']);
    assert.equal(packets[0].toString('hex').slice(0, 24), '8060' + '0007' + '00000064' + 'cafebabe');
    assert.equal(packets[2][1], 0xe0); // marker + PT 96 on the last fragment
  });

  it('sends a NAL unit of exactly maxPayloadSize as a single NAL unit packet', () => {
    assert.deepEqual(payloads(fixed(4).packetize({ nalus: [hex('41010203')], timestamp: 0, keyframe: false })), ['41010203']);
  });

  const ps: ParameterSets = { sps: hex('6742c01e'), pps: hex('68ce3c80') };
  const injection: Array<[string, string[], boolean, ParameterSets | undefined, string[]]> = [
    ['IDR without parameter sets gets both', ['6588'], true, ps, ['6742c01e', '68ce3c80', '6588']],
    ['SEI + IDR: both go first', ['0605', '6588'], true, ps, ['6742c01e', '68ce3c80', '0605', '6588']],
    ['IDR with SPS only gets PPS after the SPS', ['0605', '6742c01e', '6588'], true, ps, ['0605', '6742c01e', '68ce3c80', '6588']],
    ['IDR with PPS only gets SPS in front', ['68ce3c80', '6588'], true, ps, ['6742c01e', '68ce3c80', '6588']],
    ['IDR with its own SPS and PPS is sent as is', ['6742', '68ce', '6588'], true, ps, ['6742', '68ce', '6588']],
    ['IDR detected even when keyframe is not set', ['6588'], false, ps, ['6742c01e', '68ce3c80', '6588']],
    ['non-IDR frame gets nothing', ['4188'], false, ps, ['4188']],
    ['IDR without known parameter sets is sent as is', ['6588'], true, undefined, ['6588']],
    ['AUD is dropped', ['09f0', '4188'], false, ps, ['4188']],
    ['leading start codes are removed', ['000000014188', '0000014199'], false, ps, ['4188', '4199']],
  ];
  for (const [name, nalus, keyframe, sets, expected] of injection) {
    it(name, () => {
      assert.deepEqual(payloads(fixed().packetize({ nalus: nalus.map(hex), timestamp: 0, keyframe }, sets)), expected);
    });
  }

  it('an access unit with nothing to send yields no packets and changes no counter', () => {
    const p = fixed();
    assert.deepEqual(p.packetize({ nalus: [hex('09f0'), Buffer.alloc(0)], timestamp: 0, keyframe: false }), []);
    assert.equal(p.nextSequence, 7);
    assert.equal(p.packetCount, 0);
    assert.equal(p.octetCount, 0);
  });

  it('maps source timestamps onto the RTP clock modulo 2^32', () => {
    const p = new H264Packetizer({ ssrc: 1, initialSequence: 0, timestampOffset: 2 ** 32 - 1 });
    assert.equal(p.rtpTimestamp(0), 2 ** 32 - 1);
    assert.equal(p.rtpTimestamp(1), 0);
    assert.equal(p.rtpTimestamp(2 ** 32 - 1), 2 ** 32 - 2);
    assert.equal(p.rtpTimestamp(-2), 2 ** 32 - 3);
    assert.throws(() => p.rtpTimestamp(Number.NaN), BadInputError);
  });

  it('draws SSRC, sequence and timestamp base from the injected random source', () => {
    const draws = [0.25, 0.5, 0.75];
    const p = new H264Packetizer({ random: () => draws.shift() ?? 0 });
    assert.equal(p.ssrc, 0x40000000);
    assert.equal(p.timestampOffset, 0x80000000);
    assert.equal(p.nextSequence, 0xc000);
  });

  it('has the documented defaults', () => {
    const p = new H264Packetizer({ random: () => 0 });
    assert.equal(p.payloadType, PacketizerDefaults.payloadType);
    assert.equal(p.maxPayloadSize, 1400);
  });

  const badOptions: Array<[string, object]> = [
    ['maxPayloadSize 2 (no room for FU-A)', { maxPayloadSize: 2 }],
    ['maxPayloadSize beyond a UDP datagram', { maxPayloadSize: 65496 }],
    ['payloadType 128', { payloadType: 128 }],
    ['ssrc 2^32', { ssrc: 2 ** 32 }],
    ['timestampOffset -1', { timestampOffset: -1 }],
    ['initialSequence 70000', { initialSequence: 70000 }],
  ];
  for (const [name, options] of badOptions) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new H264Packetizer(options), BadInputError);
    });
  }
});
