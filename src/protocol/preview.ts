/**
 * Preview datagram codec, docs/PROTOCOL.md §4. One stream message per UDP datagram:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         magic 0xBCDE          |  payload length (u16 BE)      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    sequence (u16, BE assumed) |  type: 1 H.264, 2 time, 5 ?   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Type 1 payload: a slice of an Annex-B byte stream (1000 bytes per slice on real cameras).
 * Type 2 payload: 16 bytes; elapsed milliseconds as u32 LE at payload offset 12; bytes 0-11 unknown.
 * Unknown types are returned as such, never thrown (only a broken header throws ProtocolError).
 */
import { ProtocolError } from '../errors';
import { HEADER_SIZE, PREVIEW_MAGIC, PreviewType } from './constants';

export const TIME_PAYLOAD_SIZE = 16;
export const TIME_ELAPSED_OFFSET = 12;
/** Slice size used by real cameras (docs/PROTOCOL.md §4.2, S5). */
export const CAMERA_SLICE_SIZE = 1000;

export type PreviewDatagram =
  | { kind: 'h264'; seq: number; data: Buffer }
  | { kind: 'time'; seq: number; elapsedMs: number; /** payload bytes 0-11, meaning unknown */ unknown: Buffer }
  | { kind: 'unknown'; seq: number; type: number; payload: Buffer };

export function decodePreviewDatagram(datagram: Buffer): PreviewDatagram {
  if (datagram.length < HEADER_SIZE) {
    throw new ProtocolError(`preview datagram too short: ${datagram.length} bytes`);
  }
  const magic = datagram.readUInt16BE(0);
  if (magic !== PREVIEW_MAGIC) {
    throw new ProtocolError(`bad preview magic 0x${magic.toString(16).padStart(4, '0')}, expected 0xbcde`);
  }
  const length = datagram.readUInt16BE(2);
  if (HEADER_SIZE + length > datagram.length) {
    throw new ProtocolError(`preview datagram says ${length} payload bytes but carries ${datagram.length - HEADER_SIZE}`);
  }
  const seq = datagram.readUInt16BE(4);
  const type = datagram.readUInt16BE(6);
  const payload = datagram.subarray(HEADER_SIZE, HEADER_SIZE + length);
  if (type === PreviewType.H264) return { kind: 'h264', seq, data: payload };
  if (type === PreviewType.TIME) {
    if (payload.length < TIME_PAYLOAD_SIZE) {
      throw new ProtocolError(`preview time packet payload is ${payload.length} bytes, expected ${TIME_PAYLOAD_SIZE}`);
    }
    return { kind: 'time', seq, elapsedMs: payload.readUInt32LE(TIME_ELAPSED_OFFSET), unknown: payload.subarray(0, TIME_ELAPSED_OFFSET) };
  }
  return { kind: 'unknown', seq, type, payload };
}

export function encodePreviewDatagram(seq: number, type: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  out.writeUInt16BE(PREVIEW_MAGIC, 0);
  out.writeUInt16BE(payload.length, 2);
  out.writeUInt16BE(seq & 0xffff, 4);
  out.writeUInt16BE(type, 6);
  payload.copy(out, HEADER_SIZE);
  return out;
}

export function encodeTimePayload(elapsedMs: number): Buffer {
  const out = Buffer.alloc(TIME_PAYLOAD_SIZE);
  out.writeUInt32LE(elapsedMs >>> 0, TIME_ELAPSED_OFFSET);
  return out;
}
