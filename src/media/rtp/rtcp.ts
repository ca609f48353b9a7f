/**
 * RTCP for a sender that receives no media: sender report (RFC 3550 §6.4.1) with SDES CNAME (§6.5.1)
 * as one compound packet (§6.1), BYE (§6.6), and a tolerant reader of packet types that RTSP uses
 * to count a client's receiver reports as liveness (docs/RTSP-CLIENTS.md §4).
 *
 * Common header of every RTCP packet (§6.4.1):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|  RC/SC  |      PT       |  length (32-bit words - 1)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { BadInputError } from '../../errors';

export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
} as const;

/** SDES item type CNAME (§6.5.1). */
const SDES_CNAME = 1;
/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
const NTP_UNIX_OFFSET_S = 2208988800;
/** SR without report blocks: header 4 + SSRC 4 + sender info 20. */
const SR_SIZE = 28;

export interface SenderReportInfo {
  ssrc: number;
  /** Wall-clock time of the report, milliseconds since the Unix epoch (fractions allowed). */
  ntpTimeMs: number;
  /** The RTP timestamp that corresponds to ntpTimeMs on the stream's media clock. */
  rtpTimestamp: number;
  /** Packets sent since the start of transmission (mod 2^32). */
  packetCount: number;
  /** Payload octets sent since the start of transmission (mod 2^32). */
  octetCount: number;
  /** Canonical name, e.g. "actioncam@host"; 1-255 bytes of UTF-8. */
  cname: string;
}

/**
 * Encodes an SR with no report blocks, followed by an SDES packet with the sender's CNAME.
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|  RC=0   |   PT=SR=200   |          length = 6           |
 *  |                         SSRC of sender                        |
 *  |              NTP timestamp, most significant word             |  seconds since 1900
 *  |             NTP timestamp, least significant word             |  fraction, 2^-32 s units
 *  |                         RTP timestamp                         |
 *  |                     sender's packet count                     |
 *  |                      sender's octet count                     |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |V=2|P|  SC=1   |  PT=SDES=202  |             length            |
 *  |                          SSRC/CSRC_1                          |
 *  |   CNAME=1     |     length    | user and domain name ...      |
 *  |  ...          |  END=0 ... (null octets up to a 32-bit boundary)|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export function encodeSenderReport(info: SenderReportInfo): Buffer {
  checkUint32('ssrc', info.ssrc);
  checkUint32('rtpTimestamp', info.rtpTimestamp);
  if (!Number.isFinite(info.ntpTimeMs) || info.ntpTimeMs < 0) {
    throw new BadInputError(`RTCP SR ntpTimeMs must be a non-negative number, got ${info.ntpTimeMs}`);
  }
  const sdes = encodeSdesCname(info.ssrc, info.cname);
  const out = Buffer.alloc(SR_SIZE + sdes.length);
  out[0] = 0x80; // V=2, P=0, RC=0
  out[1] = RtcpPacketType.SR;
  out.writeUInt16BE(SR_SIZE / 4 - 1, 2);
  out.writeUInt32BE(info.ssrc, 4);
  const [seconds, fraction] = ntpTimestamp(info.ntpTimeMs);
  out.writeUInt32BE(seconds, 8);
  out.writeUInt32BE(fraction, 12);
  out.writeUInt32BE(info.rtpTimestamp, 16);
  out.writeUInt32BE(wrap32(info.packetCount), 20);
  out.writeUInt32BE(wrap32(info.octetCount), 24);
  sdes.copy(out, SR_SIZE);
  return out;
}

/**
 * Encodes BYE for `ssrc` (§6.6), preceded by an empty RR: §6.1 requires every compound packet to
 * begin with a report, "even if the only other RTCP packet in the compound packet is a BYE".
 *
 *  |V=2|P| RC=0    |   PT=RR=201   |          length = 1           |  SSRC
 *  |V=2|P| SC=1    |  PT=BYE=203   |          length = 1           |  SSRC
 */
export function encodeBye(ssrc: number): Buffer {
  checkUint32('ssrc', ssrc);
  const out = Buffer.alloc(16);
  out[0] = 0x80; // RC=0
  out[1] = RtcpPacketType.RR;
  out.writeUInt16BE(1, 2);
  out.writeUInt32BE(ssrc, 4);
  out[8] = 0x81; // SC=1
  out[9] = RtcpPacketType.BYE;
  out.writeUInt16BE(1, 10);
  out.writeUInt32BE(ssrc, 12);
  return out;
}

/**
 * Packet types of a compound RTCP packet, in order. Tolerant: it never throws, and stops at the
 * first header that is not RTCP version 2, whose type lies outside 192-223, or whose length runs
 * past the buffer. An RTP packet fed by mistake yields nothing: its second byte would be marker +
 * payload type 64-95, which RFC 5761 §4 keeps free so that RTP and RTCP can be told apart.
 */
export function decodeRtcpPacketTypes(buf: Buffer): number[] {
  const types: number[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    if (buf[pos] >> 6 !== 2) break;
    const type = buf[pos + 1];
    if (type < 192 || type > 223) break; // outside the RTCP range of RFC 5761 §4
    const size = 4 * (buf.readUInt16BE(pos + 2) + 1);
    if (pos + size > buf.length) break;
    types.push(type);
    pos += size;
  }
  return types;
}

/** SDES packet with one chunk holding one CNAME item, padded to a 32-bit boundary. */
function encodeSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8');
  if (text.length < 1 || text.length > 255) {
    throw new BadInputError(`RTCP CNAME must be 1-255 bytes, got ${text.length}`);
  }
  // chunk: SSRC, CNAME item (type, length, text), then at least one null octet (END) and padding
  const chunkLength = Math.ceil((4 + 2 + text.length + 1) / 4) * 4;
  const out = Buffer.alloc(4 + chunkLength); // zero-filled: END and padding come for free
  out[0] = 0x81; // V=2, P=0, SC=1
  out[1] = RtcpPacketType.SDES;
  out.writeUInt16BE(out.length / 4 - 1, 2);
  out.writeUInt32BE(ssrc, 4);
  out[8] = SDES_CNAME;
  out[9] = text.length;
  text.copy(out, 10);
  return out;
}

/** Unix milliseconds to the 64-bit NTP format (RFC 3550 §4); seconds wrap in 2036 (era 1). */
function ntpTimestamp(unixMs: number): [number, number] {
  const wholeSeconds = Math.floor(unixMs / 1000);
  const fractionMs = unixMs - wholeSeconds * 1000;
  const fraction = Math.min(Math.floor((fractionMs / 1000) * 2 ** 32), 0xffffffff);
  return [wrap32(wholeSeconds + NTP_UNIX_OFFSET_S), fraction];
}

function wrap32(value: number): number {
  return Math.floor(value) >>> 0;
}

function checkUint32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new BadInputError(`RTCP ${name} must be an integer 0-${0xffffffff}, got ${value}`);
  }
}
