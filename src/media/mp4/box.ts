/**
 * ISO base media file format boxes (ISO/IEC 14496-12 §4.2), the few primitives every other file of
 * this folder builds on. A box is a 32-bit size (header included), a four-character type, then its
 * payload; a full box adds one version byte and 24 bits of flags:
 *
 *   0               4               8         9               12
 *   +---------------+---------------+---------+---------------+----------
 *   |     size      |     type      | version |     flags     | payload...   (full box)
 *   +---------------+---------------+---------+---------------+----------
 *
 * A size of 1 means a 64-bit `largesize` follows the type (§4.2: boxes of 2^32 bytes or more,
 * which in practice is only ever the mdat of a long clip):
 *
 *   +---------------+---------------+-------------------------------+----------
 *   |   size = 1    |     type      |          largesize            | payload...
 *   +---------------+---------------+-------------------------------+----------
 *
 * Container boxes of an init segment or a moov are built from Buffers (`box`, `fullBox`): they are
 * made once per stream or per clip. The per-frame path (media-segment.ts) writes into one Buffer
 * sized up front with `ByteWriter` instead.
 */
import { BadInputError } from '../../errors';

/** Header of a box whose size fits in 32 bits. */
export const BOX_HEADER_SIZE = 8;
/** Header with the 64-bit largesize (§4.2). */
export const LARGE_BOX_HEADER_SIZE = 16;
/** Version byte + 24-bit flags of a full box (§4.2). */
export const FULL_BOX_EXTRA = 4;

const UINT32_LIMIT = 2 ** 32;

/** Box types seen so far as big-endian 32-bit codes; a few dozen entries at most (the types this folder writes). */
const FOURCC_CODES = new Map<string, number>();

/** A four-character box type as the 32-bit number its bytes spell. */
export function fourccCode(type: string): number {
  let code = FOURCC_CODES.get(type);
  if (code === undefined) {
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new BadInputError(`mp4: box type ${JSON.stringify(type)} is not four printable ASCII characters`);
    code = Buffer.from(type, 'latin1').readUInt32BE(0);
    FOURCC_CODES.set(type, code);
  }
  return code;
}

/**
 * A cursor over a Buffer the caller sized exactly. Every write advances `pos`; `done()` checks the
 * buffer was filled to the last byte, so a miscounted size is a thrown bug, not a corrupt file
 * (Buffers from allocUnsafe would otherwise leak old memory into the output).
 */
export class ByteWriter {
  pos: number;

  constructor(readonly buf: Buffer, start = 0) {
    this.pos = start;
  }

  u8(v: number): this {
    this.buf[this.pos] = v;
    this.pos += 1;
    return this;
  }

  u16(v: number): this {
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.buf[this.pos] = v >>> 16;
    this.buf[this.pos + 1] = v >>> 8;
    this.buf[this.pos + 2] = v;
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** A 64-bit unsigned integer from a Number (exact up to 2^53), without a BigInt allocation. */
  u64(v: number): this {
    this.buf.writeUInt32BE(Math.floor(v / UINT32_LIMIT), this.pos);
    this.buf.writeUInt32BE(v % UINT32_LIMIT, this.pos + 4);
    this.pos += 8;
    return this;
  }

  /** Four ASCII characters, e.g. 'moov' (as a cached 32-bit code: no string encoding per frame). */
  fourcc(type: string): this {
    return this.u32(fourccCode(type));
  }

  bytes(src: Uint8Array): this {
    this.buf.set(src, this.pos);
    this.pos += src.length;
    return this;
  }

  zeros(n: number): this {
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Size + type of a box of `size` bytes in all, 8 bytes or (size >= 2^32) 16 bytes. */
  boxHeader(type: string, size: number): this {
    if (size < UINT32_LIMIT) return this.u32(size).fourcc(type);
    return this.u32(1).fourcc(type).u64(size);
  }

  /** Full-box header: size, type, version, flags (12 bytes). */
  fullBoxHeader(type: string, size: number, version: number, flags: number): this {
    return this.boxHeader(type, size).u8(version).u24(flags);
  }

  /** Throws when the buffer was not filled exactly: a size computation and its writer disagree. */
  done(): Buffer {
    if (this.pos !== this.buf.length) {
      throw new Error(`mp4: wrote ${this.pos} bytes into a ${this.buf.length}-byte buffer (a size miscount)`);
    }
    return this.buf;
  }
}

/** Header size of a box carrying `payloadSize` bytes: 8, or 16 once the whole box reaches 2^32. */
export function boxHeaderSize(payloadSize: number): number {
  return payloadSize + BOX_HEADER_SIZE < UINT32_LIMIT ? BOX_HEADER_SIZE : LARGE_BOX_HEADER_SIZE;
}

/**
 * The header alone of a box whose payload is `payloadSize` bytes (8 bytes, or 16 with largesize):
 * how an mdat is written in front of payload bytes that live elsewhere (a temporary file).
 */
export function boxHeader(type: string, payloadSize: number): Buffer {
  if (!Number.isSafeInteger(payloadSize) || payloadSize < 0) {
    throw new BadInputError(`mp4: box payload size ${payloadSize} is not a non-negative integer`);
  }
  const headerSize = boxHeaderSize(payloadSize);
  return new ByteWriter(Buffer.allocUnsafe(headerSize)).boxHeader(type, headerSize + payloadSize).done();
}

/** A whole box: header + the payload parts in order. */
export function box(type: string, ...payload: readonly Buffer[]): Buffer {
  let payloadSize = 0;
  for (const part of payload) payloadSize += part.length;
  return Buffer.concat([boxHeader(type, payloadSize), ...payload]);
}

/** A whole full box: header, version, flags, then the payload parts. */
export function fullBox(type: string, version: number, flags: number, ...payload: readonly Buffer[]): Buffer {
  const head = Buffer.allocUnsafe(FULL_BOX_EXTRA);
  head[0] = version;
  head.writeUIntBE(flags, 1, 3);
  return box(type, head, ...payload);
}

/** Field bytes built with a ByteWriter over a fresh buffer of exactly `size` bytes. */
export function fields(size: number, write: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter(Buffer.allocUnsafe(size));
  write(w);
  return w.done();
}
