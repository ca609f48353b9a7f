/**
 * FrameReader: cuts control messages out of a TCP byte stream (PROTOCOL.md §2.1, §7 items 8 and 29).
 *
 * Framing only, no decoding of payloads. Partial reads wait for more bytes ("need more" is a
 * return value, not an exception); coalesced reads yield several messages; bytes that do not start
 * with the magic are skipped up to the next 0xABCD and reported, so one bad frame resynchronises
 * instead of killing the session. The buffer is bounded: a frame can never exceed 8 + 65535 bytes.
 */
import { CONTROL_MAGIC, HEADER_SIZE } from './constants';
import type { ControlMessage } from './message';

export interface ReadResult {
  messages: ControlMessage[];
  /** Runs of bytes that were skipped while resynchronising on the magic (for a hex log). */
  skipped: Buffer[];
}

const MAGIC_HI = CONTROL_MAGIC >> 8;
const MAGIC_LO = CONTROL_MAGIC & 0xff;

export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Appends a chunk and returns every whole message it completes. */
  push(chunk: Buffer): ReadResult {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: ControlMessage[] = [];
    const skipped: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const start = findMagic(buf, offset);
      if (start !== offset) {
        // Keep a trailing lone 0xAB: it may be the first half of a magic split across reads.
        const end = start === -1 ? (buf[buf.length - 1] === MAGIC_HI ? buf.length - 1 : buf.length) : start;
        if (end > offset) skipped.push(Buffer.from(buf.subarray(offset, end)));
        offset = end;
        if (start === -1) break;
      }
      if (buf.length - offset < HEADER_SIZE) break;
      const length = buf.readUInt16BE(offset + 2);
      const frameEnd = offset + HEADER_SIZE + length;
      if (buf.length < frameEnd) break;
      messages.push({
        type: buf.readUInt32BE(offset + 4),
        payload: Buffer.from(buf.subarray(offset + HEADER_SIZE, frameEnd)),
      });
      offset = frameEnd;
    }
    this.pending = offset >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(offset));
    return { messages, skipped };
  }

  /** Drops any partial frame (after a reconnect). */
  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}

function findMagic(buf: Buffer, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (buf[i] === MAGIC_HI && buf[i + 1] === MAGIC_LO) return i;
  }
  return -1;
}
