/**
 * Events per second over a sliding window (the preview frame rate for the node status). Pure: the
 * caller passes the time. Memory is bounded by a ring of `capacity` timestamps; rates above
 * capacity / window are reported as that ceiling.
 */
import { BadInputError } from '../errors';
export class RateMeter {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    private readonly windowMs: number = 1000,
    capacity = 256,
  ) {
    if (!(windowMs > 0)) throw new BadInputError(`window must be positive, got ${windowMs}`);
    this.times = new Float64Array(Math.max(1, Math.floor(capacity)));
  }

  /** Records one event at `nowMs` (monotonic milliseconds). */
  mark(nowMs: number): void {
    this.times[this.next] = nowMs;
    this.next = (this.next + 1) % this.times.length;
    if (this.count < this.times.length) this.count++;
  }

  /** Events per second in the window ending at `nowMs`. */
  rate(nowMs: number): number {
    let inWindow = 0;
    for (let i = 1; i <= this.count; i++) {
      const t = this.times[(this.next - i + this.times.length) % this.times.length];
      if (nowMs - t >= this.windowMs) break; // newest first: everything further back is older
      inWindow++;
    }
    return (inWindow * 1000) / this.windowMs;
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
  }
}
