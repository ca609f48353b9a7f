/**
 * Capped exponential back-off with full jitter for re-dialling a camera.
 *
 * Attempt n (0-based, counted since the last success) waits a uniformly random time in
 * [minMs, ceiling(n)] where ceiling(n) = min(maxMs, minMs * 2^n). This is the "full jitter"
 * schedule (the whole interval is random, so many sessions do not re-dial in step) with a floor of
 * minMs, so a failing camera is never dialled in a tight loop, not even when random() returns 0.
 */
import { BadInputError } from '../errors';

export interface BackoffOptions {
  /** Smallest delay, also the first attempt's delay ceiling. */
  minMs: number;
  /** Largest delay. */
  maxMs: number;
  /** Uniform random source in [0, 1); injectable for tests. Defaults to Math.random. */
  random?: () => number;
}

export class Backoff {
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private failures = 0;

  constructor(options: BackoffOptions) {
    const { minMs, maxMs } = options;
    if (!Number.isFinite(minMs) || minMs <= 0) throw new BadInputError(`back-off minimum must be a positive number of ms, got ${minMs}`);
    if (!Number.isFinite(maxMs) || maxMs < minMs) {
      throw new BadInputError(`back-off maximum (${maxMs} ms) must be a number not below the minimum (${minMs} ms)`);
    }
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.random = options.random ?? Math.random;
  }

  /** Attempts since the last reset(). */
  get attempts(): number {
    return this.failures;
  }

  /** Upper bound of the delay for attempt n (0-based). */
  ceiling(n: number): number {
    // 2^n overflows to Infinity for large n; Math.min still yields maxMs.
    return Math.min(this.maxMs, this.minMs * 2 ** n);
  }

  /**
   * The delay before the next attempt; each call counts one more attempt. `capMs` lowers the cap for
   * this one delay (never below minMs): the session's shorter cap for a camera that is not there.
   */
  next(capMs?: number): number {
    const cap = capMs === undefined ? this.maxMs : Math.min(this.maxMs, Math.max(this.minMs, capMs));
    const ceiling = Math.min(cap, this.ceiling(this.failures));
    this.failures++;
    // Clamp: a random() that returns 1 (or a bad injected source) must not leave [min, ceiling].
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.round(this.minMs + r * (ceiling - this.minMs));
  }

  /** Call on success: the next failure starts again at minMs. */
  reset(): void {
    this.failures = 0;
  }
}
