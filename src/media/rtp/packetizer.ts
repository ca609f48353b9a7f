/**
 * H.264 RTP packetizer, RFC 6184 packetization-mode 1 (non-interleaved) on RFC 3550 packets.
 *
 * Each NAL unit that fits in `maxPayloadSize` is sent as a Single NAL Unit packet (§5.6): the RTP
 * payload is the NAL unit itself, header byte included, without a start code. Larger NAL units are
 * cut into Fragmentation Units FU-A (§5.8):
 *
 *   FU indicator      FU header
 *   +---------------+ +---------------+
 *   |0|1|2|3|4|5|6|7| |0|1|2|3|4|5|6|7|
 *   +-+-+-+-+-+-+-+-+ +-+-+-+-+-+-+-+-+
 *   |F|NRI|  Type=28| |S|E|R|  Type   |  followed by a piece of the NAL unit after its header byte
 *   +---------------+ +---------------+
 *
 * F and NRI are copied from the NAL header, S marks the first fragment, E the last, R is 0, and
 * Type is the fragmented NAL unit's type. Fragments are balanced in size rather than filled greedily,
 * so the last one is never a runt.
 *
 * All packets of an access unit carry the same 90 kHz timestamp and the marker bit is set on the
 * last one only (§5.1). AUD NAL units are dropped (they mean nothing outside a byte stream). An IDR
 * access unit that lacks SPS or PPS gets the known parameter sets in-band in front of it, so a
 * receiver that joins late can decode from the next IDR (docs/RTSP-CLIENTS.md §6).
 */
import { BadInputError } from '../../errors';
import { NalType, containsIdr } from '../h264/nal';
import type { AccessUnit, ParameterSets } from '../types';
import { RTP_HEADER_SIZE } from './header';
import { defaultRandom, randomUint, type RandomSource } from './random';
import { Sequencer } from './sequencer';

export const PacketizerDefaults = {
  /** First dynamic payload type (RFC 3551 §6); it is what every player expects for H.264. */
  payloadType: 96,
  /**
   * RTP payload bytes per packet. 1400 + 12 (RTP) + 8 (UDP) + 20 (IPv4) stays below a 1500-byte
   * Ethernet MTU with room for VPN/PPPoE overhead; docs/RTSP-CLIENTS.md §7 asks for about 1400 or less.
   */
  maxPayloadSize: 1400,
} as const;

/** First header byte: version 2 (RFC 3550 §5.1), P, X and CC zero. */
const RTP_VERSION_BITS = 0x80;
/** FU indicator + FU header, plus at least one byte of NAL data. */
const MIN_PAYLOAD_SIZE = 3;
/** Largest UDP payload over IPv4 (65535 - 8 - 20) minus the RTP header. */
const MAX_PAYLOAD_SIZE = 65507 - RTP_HEADER_SIZE;

export interface H264PacketizerOptions {
  payloadType?: number;
  maxPayloadSize?: number;
  /** Random when absent (RFC 3550 §8.1). */
  ssrc?: number;
  /** Random when absent. */
  initialSequence?: number;
  /** Added to every source timestamp, modulo 2^32; random when absent (RFC 3550 §5.1). */
  timestampOffset?: number;
  random?: RandomSource;
}

export class H264Packetizer {
  readonly payloadType: number;
  readonly maxPayloadSize: number;
  readonly ssrc: number;
  private offset: number;
  private readonly sequencer: Sequencer;
  private packets = 0;
  private octets = 0;

  constructor(options: H264PacketizerOptions = {}) {
    const random = options.random ?? defaultRandom;
    this.payloadType = options.payloadType ?? PacketizerDefaults.payloadType;
    this.maxPayloadSize = options.maxPayloadSize ?? PacketizerDefaults.maxPayloadSize;
    this.ssrc = options.ssrc ?? randomUint(random, 32);
    this.offset = options.timestampOffset ?? randomUint(random, 32);
    checkInt('payloadType', this.payloadType, 0, 127);
    checkInt('maxPayloadSize', this.maxPayloadSize, MIN_PAYLOAD_SIZE, MAX_PAYLOAD_SIZE);
    checkInt('ssrc', this.ssrc, 0, 0xffffffff);
    checkInt('timestampOffset', this.offset, 0, 0xffffffff);
    this.sequencer = new Sequencer({ initial: options.initialSequence, random });
  }

  /** Added to every source timestamp, modulo 2^32 (RFC 3550 §5.1). */
  get timestampOffset(): number {
    return this.offset;
  }

  /** A new mapping of source time to RTP time (a sender honouring an announced RTP-Info rtptime). */
  set timestampOffset(value: number) {
    checkInt('timestampOffset', value, 0, 0xffffffff);
    this.offset = value;
  }

  /** Sequence number of the next packet (RTP-Info `seq=`). */
  get nextSequence(): number {
    return this.sequencer.peek;
  }

  set nextSequence(value: number) {
    this.sequencer.peek = value;
  }

  /** Packets sent so far (RTCP SR sender's packet count, RFC 3550 §6.4.1). */
  get packetCount(): number {
    return this.packets;
  }

  /** Payload octets sent so far, headers excluded (RTCP SR sender's octet count). */
  get octetCount(): number {
    return this.octets;
  }

  /** The RTP timestamp for a source timestamp on the 90 kHz clock: (ts + offset) mod 2^32. */
  rtpTimestamp(sourceTimestamp: number): number {
    if (!Number.isFinite(sourceTimestamp)) {
      throw new BadInputError(`access unit timestamp must be a finite number, got ${sourceTimestamp}`);
    }
    // >>> 0 is ToUint32: modulo 2^32, negative values included.
    return (Math.floor(sourceTimestamp) + this.offset) >>> 0;
  }

  /**
   * Returns the RTP packets (header + payload) of one access unit, in send order. `parameterSets`
   * are sent in-band before an IDR access unit that does not carry its own SPS and PPS. An access
   * unit with nothing to send (only AUDs) yields no packets. Each packet is written once into a
   * buffer of its exact size: no intermediate payload buffers.
   */
  packetize(au: AccessUnit, parameterSets?: ParameterSets): Buffer[] {
    const timestamp = this.rtpTimestamp(au.timestamp);
    const nalus = this.nalusToSend(au, parameterSets);
    const packets: Buffer[] = [];
    const max = this.maxPayloadSize;
    for (let k = 0; k < nalus.length; k++) {
      const nal = nalus[k];
      const lastNal = k === nalus.length - 1;
      if (nal.length <= max) {
        const packet = this.packet(lastNal, timestamp, nal.length);
        nal.copy(packet, RTP_HEADER_SIZE);
        packets.push(packet);
        this.octets += nal.length;
        continue;
      }
      // FU-A (RFC 6184 §5.8): balanced fragments of the NAL unit after its header byte.
      const header = nal[0];
      const bodyLength = nal.length - 1;
      const count = Math.ceil(bodyLength / (max - 2));
      const base = Math.floor(bodyLength / count);
      const larger = bodyLength % count; // the first `larger` fragments carry one byte more
      const fuIndicator = (header & 0xe0) | NalType.FU_A;
      let offset = 1;
      for (let i = 0; i < count; i++) {
        const size = base + (i < larger ? 1 : 0);
        const lastFragment = i === count - 1;
        const packet = this.packet(lastNal && lastFragment, timestamp, 2 + size);
        packet[RTP_HEADER_SIZE] = fuIndicator;
        packet[RTP_HEADER_SIZE + 1] = (i === 0 ? 0x80 : 0) | (lastFragment ? 0x40 : 0) | (header & 0x1f);
        nal.copy(packet, RTP_HEADER_SIZE + 2, offset, offset + size);
        offset += size;
        packets.push(packet);
        this.octets += 2 + size;
      }
    }
    return packets;
  }

  /** A packet buffer for `payloadLength` bytes with its header written (marker on the AU's last packet, §5.1). */
  private packet(marker: boolean, timestamp: number, payloadLength: number): Buffer {
    const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + payloadLength);
    // The fixed header of RFC 3550 §5.1 (V=2, no padding, extension or CSRC); every field was
    // validated once at construction, so it is written directly, byte by byte (writeRtpHeader and
    // writeUInt16BE/writeUInt32BE check their arguments on every call).
    const seq = this.sequencer.next();
    const ssrc = this.ssrc;
    packet[0] = RTP_VERSION_BITS;
    packet[1] = (marker ? 0x80 : 0) | this.payloadType;
    packet[2] = seq >>> 8;
    packet[3] = seq & 0xff;
    packet[4] = timestamp >>> 24;
    packet[5] = (timestamp >>> 16) & 0xff;
    packet[6] = (timestamp >>> 8) & 0xff;
    packet[7] = timestamp & 0xff;
    packet[8] = ssrc >>> 24;
    packet[9] = (ssrc >>> 16) & 0xff;
    packet[10] = (ssrc >>> 8) & 0xff;
    packet[11] = ssrc & 0xff;
    this.packets++;
    return packet;
  }

  /** The NAL units to send: no AUDs, no empty units, no start codes, parameter sets in front of IDRs. */
  private nalusToSend(au: AccessUnit, parameterSets: ParameterSets | undefined): Buffer[] {
    const nalus: Buffer[] = [];
    let hasSps = false;
    let hasPps = false;
    let lastSps = -1;
    for (const raw of au.nalus) {
      const nal = stripStartCode(raw);
      if (nal.length === 0) continue;
      const type = nal[0] & 0x1f;
      if (type === NalType.AUD) continue;
      if (type === NalType.SPS) {
        hasSps = true;
        lastSps = nalus.length;
      }
      if (type === NalType.PPS) hasPps = true;
      nalus.push(nal);
    }
    if (parameterSets && (au.keyframe || containsIdr(nalus)) && !(hasSps && hasPps)) {
      if (!hasSps && !hasPps) nalus.unshift(parameterSets.sps, parameterSets.pps);
      else if (!hasPps) nalus.splice(lastSps + 1, 0, parameterSets.pps);
      else nalus.unshift(parameterSets.sps);
    }
    return nalus;
  }
}

/**
 * Defensive: access units carry NAL units without start codes (media/types.ts), but a NAL unit
 * never begins with 0x00 (forbidden_zero_bit 0 and type 0 is unused), so a leading 00 00 01 or
 * 00 00 00 01 can only be a start code left by a sloppy source and is removed.
 */
function stripStartCode(nal: Buffer): Buffer {
  if (nal.length >= 3 && nal[0] === 0 && nal[1] === 0) {
    if (nal[2] === 1) return nal.subarray(3);
    if (nal.length >= 4 && nal[2] === 0 && nal[3] === 1) return nal.subarray(4);
  }
  return nal;
}

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadInputError(`H264Packetizer ${name} must be an integer ${min}-${max}, got ${value}`);
  }
}
