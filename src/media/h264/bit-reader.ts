/**
 * RBSP access for H.264 syntax elements: emulation-prevention removal (ITU-T H.264 7.4.1) and a
 * big-endian bit reader with the Exp-Golomb codes ue(v)/se(v) of 9.1. Reading past the end throws
 * ProtocolError, so a truncated or hostile parameter set can never read out of bounds.
 */
import { ProtocolError } from '../../errors';

/**
 * Returns the RBSP of a NAL unit: every emulation_prevention_three_byte (the 0x03 in 00 00 03)
 * removed. The input is returned as is when it holds none.
 */
export function removeEmulationPrevention(nal: Buffer): Buffer {
  let first = -1;
  for (let i = 2; i < nal.length; i++) {
    if (nal[i] === 0x03 && nal[i - 1] === 0x00 && nal[i - 2] === 0x00) {
      first = i;
      break;
    }
  }
  if (first === -1) return nal;
  const out = Buffer.allocUnsafe(nal.length);
  nal.copy(out, 0, 0, first);
  let length = first;
  let zeros = 0; // zero bytes just written, counted after the removed 0x03
  for (let i = first + 1; i < nal.length; i++) {
    const byte = nal[i];
    if (zeros >= 2 && byte === 0x03) {
      zeros = 0;
      continue;
    }
    out[length++] = byte;
    zeros = byte === 0x00 ? zeros + 1 : 0;
  }
  return out.subarray(0, length);
}

/** Exp-Golomb codes longer than this cannot hold a 32-bit value (9.1: at most 31 leading zeros). */
const MAX_LEADING_ZEROS = 31;

export class BitReader {
  private readonly data: Buffer;
  private position = 0; // in bits

  constructor(data: Buffer) {
    this.data = data;
  }

  /** Bits not read yet. */
  get bitsLeft(): number {
    return this.data.length * 8 - this.position;
  }

  readBit(): number {
    if (this.position >= this.data.length * 8) {
      throw new ProtocolError(`H.264 syntax element runs past the end of a ${this.data.length}-byte RBSP`);
    }
    const byte = this.data[this.position >> 3];
    const bit = (byte >> (7 - (this.position & 7))) & 1;
    this.position++;
    return bit;
  }

  readFlag(): boolean {
    return this.readBit() === 1;
  }

  /** u(n), n <= 32, most significant bit first. */
  readBits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.readBit();
    return value;
  }

  skipBits(n: number): void {
    if (n > this.bitsLeft) {
      throw new ProtocolError(`H.264 syntax element runs past the end of a ${this.data.length}-byte RBSP`);
    }
    this.position += n;
  }

  /** ue(v), 9.1: leadingZeroBits zeros, a one, then leadingZeroBits bits; value 2^lz - 1 + bits. */
  readUe(): number {
    let leadingZeros = 0;
    while (this.readBit() === 0) {
      leadingZeros++;
      if (leadingZeros > MAX_LEADING_ZEROS) {
        throw new ProtocolError('H.264 Exp-Golomb code longer than 32 bits');
      }
    }
    return 2 ** leadingZeros - 1 + this.readBits(leadingZeros);
  }

  /** se(v), 9.1.1: codeNum k maps to (-1)^(k+1) * ceil(k / 2). */
  readSe(): number {
    const k = this.readUe();
    return k % 2 === 1 ? (k + 1) / 2 : 0 - k / 2; // 0 - x, not -x: k = 0 must give +0
  }
}
