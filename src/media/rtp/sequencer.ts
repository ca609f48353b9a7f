/**
 * RTP sequence numbers, RFC 3550 §5.1: 16 bits, incremented by one per packet, wrapping to 0, and
 * starting at a random value. The roll-over count extends them to the 32-bit packet index that
 * RFC 3550 §A.1 calls the extended sequence number.
 */
import { BadInputError } from '../../errors';
import { defaultRandom, randomUint, type RandomSource } from './random';

export interface SequencerOptions {
  /** First sequence number (0-65535); random when absent. */
  initial?: number;
  random?: RandomSource;
}

export class Sequencer {
  private nextValue: number;
  private rollovers = 0;

  constructor(options: SequencerOptions = {}) {
    const initial = options.initial ?? randomUint(options.random ?? defaultRandom, 16);
    if (!Number.isInteger(initial) || initial < 0 || initial > 0xffff) {
      throw new BadInputError(`initial RTP sequence number must be 0-65535, got ${initial}`);
    }
    this.nextValue = initial;
  }

  /** The number the next call of next() returns (RTP-Info `seq=`). */
  get peek(): number {
    return this.nextValue;
  }

  /** Continues from `value` (a sender honouring the sequence number it announced). */
  set peek(value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new BadInputError(`RTP sequence number must be 0-65535, got ${value}`);
    }
    this.nextValue = value;
  }

  /** How many times the sequence wrapped from 65535 to 0. */
  get rollOverCount(): number {
    return this.rollovers;
  }

  /** Returns the current sequence number and advances, wrapping modulo 2^16. */
  next(): number {
    const value = this.nextValue;
    this.nextValue = (value + 1) & 0xffff;
    if (this.nextValue === 0) this.rollovers++;
    return value;
  }
}
