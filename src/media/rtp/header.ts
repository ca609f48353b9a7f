/**
 * RTP fixed header, RFC 3550 §5.1, with CSRC list, header extension (§5.3.1) and padding.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers             |
 *  |                             ....                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  defined by profile (X=1)     |  length (32-bit words)        |
 *  |                        header extension                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Padding (P=1) goes after the payload; its last octet counts the padding octets, itself included.
 * Encoding rejects out-of-range fields with BadInputError; decoding rejects malformed packets with
 * ProtocolError.
 */
import { BadInputError, ProtocolError } from '../../errors';

export const RTP_VERSION = 2;
/** Fixed part of the header, without CSRCs or extension. */
export const RTP_HEADER_SIZE = 12;
/** CC is a 4-bit field. */
export const MAX_CSRC_COUNT = 15;

export interface RtpHeaderExtension {
  /** The 16 "defined by profile" bits. */
  profile: number;
  /** Extension data; its length must be a multiple of 4 (the length field counts 32-bit words). */
  data: Buffer;
}

export interface RtpHeader {
  marker: boolean;
  /** 7 bits; 96-127 are the dynamic types negotiated in SDP. */
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc?: readonly number[];
  extension?: RtpHeaderExtension;
}

export interface RtpPacket {
  header: RtpHeader;
  /** The payload without padding (a view into the decoded buffer). */
  payload: Buffer;
  /** Padding octets removed from the end (0 when P is clear). */
  paddingLength: number;
}

/** Size of the header as encodeRtpHeader writes it. */
export function rtpHeaderSize(header: RtpHeader): number {
  const csrcCount = header.csrc ? header.csrc.length : 0;
  const extension = header.extension ? 4 + header.extension.data.length : 0;
  return RTP_HEADER_SIZE + 4 * csrcCount + extension;
}

/**
 * Writes the header at `offset` of `target`; returns the number of bytes written. `padding` sets
 * the P bit (the caller appends the padding octets after the payload).
 */
export function writeRtpHeader(target: Buffer, offset: number, header: RtpHeader, padding = false): number {
  validateHeader(header);
  const csrc = header.csrc ?? [];
  const size = rtpHeaderSize(header);
  if (offset < 0 || offset + size > target.length) {
    throw new BadInputError(`RTP header needs ${size} bytes at offset ${offset} of a ${target.length}-byte buffer`);
  }
  target[offset] = (RTP_VERSION << 6) | (padding ? 0x20 : 0) | (header.extension ? 0x10 : 0) | csrc.length;
  target[offset + 1] = (header.marker ? 0x80 : 0) | header.payloadType;
  target.writeUInt16BE(header.sequenceNumber, offset + 2);
  target.writeUInt32BE(header.timestamp, offset + 4);
  target.writeUInt32BE(header.ssrc, offset + 8);
  let pos = offset + RTP_HEADER_SIZE;
  for (const id of csrc) {
    target.writeUInt32BE(id, pos);
    pos += 4;
  }
  if (header.extension) {
    target.writeUInt16BE(header.extension.profile, pos);
    target.writeUInt16BE(header.extension.data.length / 4, pos + 2);
    header.extension.data.copy(target, pos + 4);
    pos += 4 + header.extension.data.length;
  }
  return pos - offset;
}

/** Encodes the header alone. */
export function encodeRtpHeader(header: RtpHeader, padding = false): Buffer {
  const out = Buffer.allocUnsafe(rtpHeaderSize(header));
  writeRtpHeader(out, 0, header, padding);
  return out;
}

/** Encodes a whole packet: header, payload, then `paddingLength` (0-255) padding octets. */
export function encodeRtpPacket(header: RtpHeader, payload: Buffer, paddingLength = 0): Buffer {
  if (!Number.isInteger(paddingLength) || paddingLength < 0 || paddingLength > 255) {
    throw new BadInputError(`RTP padding must be 0-255 octets, got ${paddingLength}`);
  }
  const headerSize = rtpHeaderSize(header);
  const out = Buffer.alloc(headerSize + payload.length + paddingLength);
  writeRtpHeader(out, 0, header, paddingLength > 0);
  payload.copy(out, headerSize);
  if (paddingLength > 0) out[out.length - 1] = paddingLength;
  return out;
}

/** Decodes and validates one RTP packet (RFC 3550 §5.1, validity checks of Appendix A.1). */
export function decodeRtpPacket(buf: Buffer): RtpPacket {
  if (buf.length < RTP_HEADER_SIZE) {
    throw new ProtocolError(`RTP packet of ${buf.length} bytes is shorter than the ${RTP_HEADER_SIZE}-byte header`);
  }
  const b0 = buf[0];
  const version = b0 >> 6;
  if (version !== RTP_VERSION) throw new ProtocolError(`RTP version ${version}, expected ${RTP_VERSION}`);
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let pos = RTP_HEADER_SIZE + 4 * csrcCount;
  if (pos > buf.length) {
    throw new ProtocolError(`RTP packet of ${buf.length} bytes cannot hold its ${csrcCount} CSRC identifiers`);
  }
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrc.push(buf.readUInt32BE(RTP_HEADER_SIZE + 4 * i));
  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    if (pos + 4 > buf.length) throw new ProtocolError('RTP header extension is truncated');
    const profile = buf.readUInt16BE(pos);
    const length = 4 * buf.readUInt16BE(pos + 2);
    if (pos + 4 + length > buf.length) {
      throw new ProtocolError(`RTP header extension of ${length} bytes runs past the end of the packet`);
    }
    extension = { profile, data: buf.subarray(pos + 4, pos + 4 + length) };
    pos += 4 + length;
  }
  let paddingLength = 0;
  if (hasPadding) {
    paddingLength = buf.length > pos ? buf[buf.length - 1] : 0;
    if (paddingLength === 0 || pos + paddingLength > buf.length) {
      throw new ProtocolError(`RTP padding count ${paddingLength} does not fit the ${buf.length - pos} bytes after the header`);
    }
  }
  const header: RtpHeader = {
    marker: (buf[1] & 0x80) !== 0,
    payloadType: buf[1] & 0x7f,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
  };
  if (csrcCount > 0) header.csrc = csrc;
  if (extension) header.extension = extension;
  return { header, payload: buf.subarray(pos, buf.length - paddingLength), paddingLength };
}

function validateHeader(h: RtpHeader): void {
  checkUint('payload type', h.payloadType, 0x7f);
  checkUint('sequence number', h.sequenceNumber, 0xffff);
  checkUint('timestamp', h.timestamp, 0xffffffff);
  checkUint('SSRC', h.ssrc, 0xffffffff);
  const csrc = h.csrc ?? [];
  if (csrc.length > MAX_CSRC_COUNT) throw new BadInputError(`RTP allows ${MAX_CSRC_COUNT} CSRCs, got ${csrc.length}`);
  for (const id of csrc) checkUint('CSRC', id, 0xffffffff);
  if (h.extension) {
    checkUint('extension profile', h.extension.profile, 0xffff);
    const length = h.extension.data.length;
    if (length % 4 !== 0 || length / 4 > 0xffff) {
      throw new BadInputError(`RTP header extension data must be a multiple of 4 bytes up to ${4 * 0xffff}, got ${length}`);
    }
  }
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadInputError(`RTP ${name} must be an integer 0-${max}, got ${value}`);
  }
}
