/**
 * Hostile input never throws anything but the typed ProtocolError (docs/DESIGN.md rule 9): random bytes
 * and bit-flipped real packets into every decoder of media/ (seeded, so failures reproduce).
 */
import * as assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors';
import { firstMbInSlice, splitAccessUnits } from '../../src/media/h264/access-units';
import { AnnexBSplitter, splitAnnexB } from '../../src/media/h264/annexb';
import { parseSps } from '../../src/media/h264/sps';
import { H264Depacketizer } from '../../src/media/rtp/depacketizer';
import { decodeRtpPacket } from '../../src/media/rtp/header';
import { H264Packetizer } from '../../src/media/rtp/packetizer';
import { decodeRtcpPacketTypes } from '../../src/media/rtp/rtcp';
import { loadClip } from '../helpers/clip';
import { randomBytes, seeded } from '../helpers/random';

const ROUNDS = 2000;

/** Runs fn; passes when it returns or throws ProtocolError, fails on any other throw. */
function onlyProtocolErrors(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `${what} threw ${String(err)}`);
  }
}

describe('media fuzz: random input throws only ProtocolError', () => {
  it('decodeRtpPacket', () => {
    const random = seeded(1);
    for (let i = 0; i < ROUNDS; i++) {
      const buf = randomBytes(random, 64);
      if (random() < 0.7 && buf.length > 0) buf[0] = (buf[0] & 0x3f) | 0x80; // mostly version 2
      onlyProtocolErrors(buf.toString('hex'), () => decodeRtpPacket(buf));
    }
  });

  it('H264Depacketizer on random RTP packets and on bit-flipped real ones', () => {
    const random = seeded(2);
    const d = new H264Depacketizer({ maxAccessUnitSize: 64 * 1024 });
    for (let i = 0; i < ROUNDS; i++) {
      const buf = randomBytes(random, 64);
      if (buf.length > 0) buf[0] = (buf[0] & 0x3f) | 0x80;
      onlyProtocolErrors(buf.toString('hex'), () => d.push(buf));
    }
    const real = new H264Packetizer({ maxPayloadSize: 200, random: seeded(3) })
      .packetize(loadClip().accessUnits[0], loadClip().parameterSets);
    for (let i = 0; i < ROUNDS; i++) {
      const packet = Buffer.from(real[Math.floor(random() * real.length)]);
      const bit = Math.floor(random() * 8 * Math.min(packet.length, 16)); // header, FU indicator and FU header
      packet[bit >> 3] ^= 1 << (bit & 7);
      onlyProtocolErrors(packet.subarray(0, 16).toString('hex'), () => d.push(packet));
    }
    onlyProtocolErrors('flush', () => d.flush());
  });

  it('splitAnnexB, AnnexBSplitter and splitAccessUnits', () => {
    const random = seeded(4);
    for (let i = 0; i < ROUNDS / 4; i++) {
      // random bytes with start codes sprinkled in, so NAL units actually appear
      const buf = randomBytes(random, 256);
      for (let j = 0; j + 3 < buf.length; j += 1 + Math.floor(random() * 40)) buf.writeUIntBE(1, j, 3);
      const whole = splitAnnexB(buf);
      const splitter = new AnnexBSplitter({ maxNalSize: 64 });
      const cut = Math.floor(random() * buf.length);
      const pieces = [...splitter.push(buf.subarray(0, cut)), ...splitter.push(buf.subarray(cut)), ...splitter.flush()];
      assert.deepEqual(pieces.map((n) => n.toString('hex')), whole.filter((n) => n.length <= 64).map((n) => n.toString('hex')));
      onlyProtocolErrors(buf.toString('hex'), () => splitAccessUnits(whole));
    }
  });

  it('parseSps and firstMbInSlice', () => {
    const random = seeded(5);
    for (let i = 0; i < ROUNDS; i++) {
      const sps = Buffer.concat([Buffer.from([0x67, 100]), randomBytes(random, 40)]); // High: the longest branch
      onlyProtocolErrors(sps.toString('hex'), () => parseSps(sps));
      const slice = Buffer.concat([Buffer.from([0x41]), randomBytes(random, 8)]);
      onlyProtocolErrors(slice.toString('hex'), () => firstMbInSlice(slice));
    }
  });

  it('decodeRtcpPacketTypes never throws', () => {
    const random = seeded(6);
    for (let i = 0; i < ROUNDS; i++) {
      const buf = randomBytes(random, 64);
      if (buf.length > 0) buf[0] = (buf[0] & 0x3f) | 0x80;
      const types = decodeRtcpPacketTypes(buf);
      for (const t of types) assert.ok(t >= 192 && t <= 223);
    }
  });
});
