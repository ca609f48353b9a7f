/**
 * Maps the camera's elapsed-milliseconds stamp (docs/PROTOCOL.md §4.3: u32 LE, unit ms) to the 90 kHz media
 * clock of RFC 6184 §5.1 / RFC 3550 §5.1, wrapped to 32 bits.
 *
 * - `(elapsedMs * 90) mod 2^32` is computed exactly: elapsedMs < 2^32 so the product < 2^39 < 2^53 fits a
 *   double; no `writeUInt32BE` of an unwrapped value (docs/PROTOCOL.md §7 item 31: the Node relay threw after
 *   13.3 h). The u32 wrap of the camera's counter itself is seamless because 2^32 * 90 = 0 mod 2^32.
 * - If the camera's counter goes backwards (it restarted its stream, e.g. after a reconnect), the output
 *   is rebased so it keeps advancing by one frame duration instead of jumping back, which players treat
 *   as a broken stream. Until that happens the output is exactly `(elapsedMs * 90) mod 2^32`.
 * Pure: no timers.
 */
import { PreviewDefaults } from './defaults';

const TWO_32 = 0x1_0000_0000;
const HALF = 0x8000_0000;
/** RTP clock rate for video, RFC 6184 §5.1. */
const TICKS_PER_MS = 90;
/** A gap longer than this is an outage, not a frame duration (slowest plausible preview: 1 fps). */
const MAX_FRAME_MS = 1000;

export class PreviewClock {
  private lastElapsed: number | undefined;
  private lastOutput = 0;
  /** Added to every output (mod 2^32); changes only at a rebase. */
  private offset = 0;
  /** Ticks between the last two stamps, used to place the first stamp after a rebase. */
  private frameTicks: number;

  /** Number of times the camera's clock went backwards and the output was rebased. */
  rebases = 0;

  constructor(nominalFrameTicks: number = PreviewDefaults.nominalFrameTicks) {
    this.frameTicks = nominalFrameTicks;
  }

  /**
   * The stamp one frame after the last one, without a time packet to go by (the caller judged a time
   * packet implausible). The next toTicks() continues from here if it goes backwards.
   */
  extrapolate(): number {
    this.lastOutput = (this.lastOutput + this.frameTicks) % TWO_32;
    return this.lastOutput;
  }

  /** 90 kHz timestamp for a time packet carrying `elapsedMs`. */
  toTicks(elapsedMs: number): number {
    const ms = elapsedMs >>> 0;
    const raw = (ms * TICKS_PER_MS) % TWO_32;
    if (this.lastElapsed !== undefined) {
      const deltaMs = (ms - this.lastElapsed + TWO_32) % TWO_32;
      if (deltaMs >= HALF) {
        // Backwards: continue one frame after the last stamp.
        this.offset = (this.lastOutput + this.frameTicks - raw + TWO_32) % TWO_32;
        this.rebases++;
      } else if (deltaMs > 0 && deltaMs <= MAX_FRAME_MS) {
        this.frameTicks = deltaMs * TICKS_PER_MS;
      }
    }
    this.lastElapsed = ms;
    this.lastOutput = (raw + this.offset) % TWO_32;
    return this.lastOutput;
  }
}
