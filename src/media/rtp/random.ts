/**
 * Random source for SSRC, initial sequence number and timestamp base (RFC 3550 §5.1, §8: all three
 * SHOULD be random, and the SSRC should not be guessable). Injectable so tests are deterministic.
 */
import { randomBytes } from 'node:crypto';

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** Cryptographically strong default: 32 random bits scaled to [0, 1). */
export const defaultRandom: RandomSource = () => randomBytes(4).readUInt32BE(0) / 2 ** 32;

/** A uniformly distributed unsigned integer of `bits` bits (1..32) drawn from `random`. */
export function randomUint(random: RandomSource, bits: number): number {
  const range = 2 ** bits;
  const value = Math.floor(random() * range);
  // A source that returns 1 (or garbage) must still yield a value in range.
  return Number.isFinite(value) ? ((value % range) + range) % range : 0;
}
