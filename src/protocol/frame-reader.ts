/**
 * FrameReader: cuts control messages out of a TCP byte stream (docs/PROTOCOL.md §2.1, §7 items 8 and 29).
 *
 * Framing only, no decoding of payloads. Partial reads wait for more bytes ("need more" is a
 * return value, not an exception); coalesced reads yield several messages; bytes that do not start
 * with the magic are skipped up to the next 0xABCD and reported, so one bad frame resynchronises
 * instead of killing the session. The buffer is bounded: a frame can never exceed 8 + 65535 bytes.
 * A frame that arrives in many small reads is kept as its chunks and joined once it is whole, so a
 * camera that drips a 64 KiB frame byte by byte costs one copy, not one copy of the frame so far per
 * byte (quadratic).
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
  /** Bytes held back waiting for the rest of a frame, as the chunks they came in. */
  private pending: Buffer[] = [];
  private held = 0;
  /** Size of the frame the held bytes start (header + payload) once its header is in; 0 = not known. */
  private needed = 0;

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.held;
  }

  /** Appends a chunk and returns every whole message it completes. */
  push(chunk: Buffer): ReadResult {
    if (this.needed > 0 && this.held + chunk.length < this.needed) {
      this.pending.push(chunk);
      this.held += chunk.length;
      return { messages: [], skipped: [] };
    }
    const buf = this.held === 0 ? chunk : Buffer.concat([...this.pending, chunk]);
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
    this.keep(offset >= buf.length ? undefined : Buffer.from(buf.subarray(offset)));
    return { messages, skipped };
  }

  /** Drops any partial frame (after a reconnect). */
  reset(): void {
    this.keep(undefined);
  }

  /** Holds the start of the next frame (or nothing), noting its size when its header is complete. */
  private keep(rest: Buffer | undefined): void {
    this.pending = rest ? [rest] : [];
    this.held = rest ? rest.length : 0;
    this.needed = rest && rest.length >= HEADER_SIZE && rest.readUInt16BE(0) === CONTROL_MAGIC ? HEADER_SIZE + rest.readUInt16BE(2) : 0;
  }
}

function findMagic(buf: Buffer, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (buf[i] === MAGIC_HI && buf[i + 1] === MAGIC_LO) return i;
  }
  return -1;
}
