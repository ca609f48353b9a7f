/**
 * Control message encode/decode (docs/PROTOCOL.md §2.1). Pure functions over bytes.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         magic 0xABCD          |   payload length (u16 BE)     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     message type (u32 BE)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    payload (length bytes) ...                 |
 */
import { BadInputError, ProtocolError } from '../errors';
import { CONTROL_MAGIC, HEADER_SIZE, MAX_PAYLOAD } from './constants';

export interface ControlMessage {
  /** u32 message type; the upper half has always been 0 on real cameras. */
  type: number;
  payload: Buffer;
}

/** Encodes one control message. Throws BadInputError for a payload over 65535 bytes (S1 truncated). */
export function encodeMessage(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (!Number.isInteger(type) || type < 0 || type > 0xffffffff) {
    throw new BadInputError(`message type must be a 32-bit unsigned integer, got ${type}`);
  }
  if (payload.length > MAX_PAYLOAD) {
    throw new BadInputError(`payload of ${payload.length} bytes exceeds the protocol maximum of ${MAX_PAYLOAD}`);
  }
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  out.writeUInt16BE(CONTROL_MAGIC, 0);
  out.writeUInt16BE(payload.length, 2);
  out.writeUInt32BE(type, 4);
  payload.copy(out, HEADER_SIZE);
  return out;
}

/**
 * Decodes exactly one whole message. Throws ProtocolError when the bytes are not one message
 * (use FrameReader for a byte stream).
 */
export function decodeMessage(bytes: Buffer): ControlMessage {
  if (bytes.length < HEADER_SIZE) {
    throw new ProtocolError(`control message too short: ${bytes.length} bytes, the header alone is ${HEADER_SIZE}`);
  }
  const magic = bytes.readUInt16BE(0);
  if (magic !== CONTROL_MAGIC) {
    throw new ProtocolError(`bad control magic 0x${magic.toString(16).padStart(4, '0')}, expected 0xabcd`);
  }
  const length = bytes.readUInt16BE(2);
  if (bytes.length !== HEADER_SIZE + length) {
    throw new ProtocolError(`control message length field says ${length} payload bytes but ${bytes.length - HEADER_SIZE} are present`);
  }
  return { type: bytes.readUInt32BE(4), payload: Buffer.from(bytes.subarray(HEADER_SIZE)) };
}

/** Lower-case hex with no separators, for logs and msg.payload.hex. */
export function toHex(bytes: Buffer): string {
  return bytes.toString('hex');
}
