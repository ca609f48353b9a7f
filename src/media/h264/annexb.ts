/**
 * Annex-B byte stream splitting (ITU-T H.264 Annex B.1, B.2).
 *
 *   byte_stream_nal_unit:
 *   +-----------+---------------------------+----------------+--------------------+
 *   | [00]      | 00 00 01                  | nal_unit(...)  | [00 ...]           |
 *   | zero_byte | start_code_prefix_one_3b  |                | trailing_zero_8bits|
 *   +-----------+---------------------------+----------------+--------------------+
 *
 * A NAL unit runs from after a 3-byte prefix to the next prefix. 4-byte start codes are the same
 * prefix preceded by zero_byte, and since a NAL unit never ends in 0x00 (7.4.1) every zero byte
 * before the next prefix is stripped. Bytes before the first start code are not a NAL unit and
 * are ignored; empty NAL units (two start codes in a row) are skipped.
 */

import { BadInputError } from '../../errors';

const START_CODE = Buffer.from([0x00, 0x00, 0x01]);

/** Bound on one NAL unit held by AnnexBSplitter: a 4K IDR at camera bit rates is well below it. */
export const DEFAULT_MAX_NAL_SIZE = 4 * 1024 * 1024;

/**
 * Splits a whole Annex-B buffer into NAL units (without start codes). The results are views into
 * `buf` (no copy).
 */
export function splitAnnexB(buf: Buffer): Buffer[] {
  const nalus: Buffer[] = [];
  let start = buf.indexOf(START_CODE);
  while (start !== -1) {
    const begin = start + START_CODE.length;
    const next = buf.indexOf(START_CODE, begin);
    const end = trimTrailingZeros(buf, begin, next === -1 ? buf.length : next);
    if (end > begin) nalus.push(buf.subarray(begin, end));
    start = next;
  }
  return nalus;
}

/** Index after the last non-zero byte of buf[begin, end). */
function trimTrailingZeros(buf: Buffer, begin: number, end: number): number {
  while (end > begin && buf[end - 1] === 0x00) end--;
  return end;
}

export interface AnnexBSplitterOptions {
  /** NAL units longer than this are dropped and counted (default DEFAULT_MAX_NAL_SIZE). */
  maxNalSize?: number;
}

/**
 * Incremental Annex-B splitter for a byte stream that arrives in arbitrary pieces (the camera
 * preview cuts frames into 1000-byte datagrams, docs/PROTOCOL.md §4.2). A NAL unit is returned once
 * the next start code arrives, or by flush() at the end of the stream. Memory is bounded: at most
 * `maxNalSize` bytes are held; a longer NAL unit is discarded up to the next start code and counted
 * in `dropped`. Returned buffers are copies the caller owns.
 */
export class AnnexBSplitter {
  readonly maxNalSize: number;
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Zero bytes seen after the stored part of the current NAL unit, not yet known to be inside it. */
  private pendingZeros = 0;
  /** Up to 2 bytes from the end of the last chunk that may begin a start code split across chunks. */
  private carry: Buffer = Buffer.alloc(0);
  /** A start code has been seen, so bytes belong to a NAL unit (before it they are garbage). */
  private inNal = false;
  /** The current NAL unit outgrew maxNalSize; its bytes are discarded up to the next start code. */
  private overflow = false;
  private droppedCount = 0;

  constructor(options: AnnexBSplitterOptions = {}) {
    const max = options.maxNalSize ?? DEFAULT_MAX_NAL_SIZE;
    if (!Number.isInteger(max) || max < 1) throw new BadInputError(`maxNalSize must be a positive integer, got ${max}`);
    this.maxNalSize = max;
  }

  /** NAL units discarded because they exceeded maxNalSize. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Bytes held for the NAL unit in progress. */
  get buffered(): number {
    return this.partsLength + this.carry.length;
  }

  /** Appends a chunk of the byte stream; returns the NAL units it completes. */
  push(chunk: Buffer): Buffer[] {
    const work = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = Buffer.alloc(0);
    const out: Buffer[] = [];
    let segmentStart = 0;
    let found = work.indexOf(START_CODE);
    while (found !== -1) {
      if (this.inNal) {
        this.append(work, segmentStart, found);
        this.finish(out);
      }
      this.inNal = true;
      segmentStart = found + START_CODE.length;
      found = work.indexOf(START_CODE, segmentStart);
    }
    // Hold back a possible start of a start code ("00" or "00 00") until the next chunk.
    let keep = 0;
    if (work.length - segmentStart >= 1 && work[work.length - 1] === 0x00) {
      keep = work.length - segmentStart >= 2 && work[work.length - 2] === 0x00 ? 2 : 1;
    }
    if (this.inNal) this.append(work, segmentStart, work.length - keep);
    this.carry = Buffer.from(work.subarray(work.length - keep));
    return out;
  }

  /** Ends the stream: returns the NAL unit in progress, if any, and starts over. */
  flush(): Buffer[] {
    const out: Buffer[] = [];
    if (this.inNal) {
      this.append(this.carry, 0, this.carry.length);
      this.finish(out);
    }
    this.reset();
    return out;
  }

  /** Forgets everything buffered (after a gap in the stream); `dropped` is kept. */
  reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.pendingZeros = 0;
    this.carry = Buffer.alloc(0);
    this.inNal = false;
    this.overflow = false;
  }

  /** Adds buf[begin, end) to the current NAL unit; trailing zero bytes are only counted. */
  private append(buf: Buffer, begin: number, end: number): void {
    if (this.overflow || end <= begin) return;
    const contentEnd = trimTrailingZeros(buf, begin, end);
    if (contentEnd === begin) {
      this.pendingZeros += end - begin;
      return;
    }
    // Zero bytes followed by non-zero content were inside the NAL unit after all.
    const grown = this.partsLength + this.pendingZeros + (contentEnd - begin);
    if (grown > this.maxNalSize) {
      this.overflow = true;
      this.parts = [];
      this.partsLength = 0;
      this.pendingZeros = 0;
      return;
    }
    if (this.pendingZeros > 0) this.parts.push(Buffer.alloc(this.pendingZeros));
    this.parts.push(Buffer.from(buf.subarray(begin, contentEnd)));
    this.partsLength = grown;
    this.pendingZeros = end - contentEnd;
  }

  /** Emits (or counts as dropped) the current NAL unit and clears it. */
  private finish(out: Buffer[]): void {
    if (this.overflow) this.droppedCount++;
    else if (this.partsLength > 0) out.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength));
    this.parts = [];
    this.partsLength = 0;
    this.pendingZeros = 0;
    this.overflow = false;
  }
}
