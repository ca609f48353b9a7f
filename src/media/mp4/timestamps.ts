/**
 * 90 kHz timestamps that wrap at 2^32 (AccessUnit.timestamp, every 13.25 hours) in, a monotonic
 * decode time out: what tfdt and a clip's sample durations need. Pure: no clock, only the inputs.
 *
 * Rule, per input after the first:
 *   step = (timestamp - previous timestamp) mod 2^32, read as a signed 32-bit number
 *   - 0 < step <= maxForwardTicks: time went on by `step` (across the wrap too: 0xffffe890 -> 0x00000770
 *     is +6000). A real stall keeps its length, so the timeline stays real time.
 *   - otherwise (zero, backwards, or a jump forward beyond maxForwardTicks): the source restarted
 *     (a camera reboot, a receiver restart, a new clock base). The output goes on by one frame (the
 *     last good step, or nominalFrameTicks before there was one) and the new timestamp becomes the
 *     reference, so players see one continuous, strictly increasing timeline and never a jump back.
 *
 * Outputs start at `start` (default 0) and stay exact Numbers up to 2^53 ticks (3 000 years).
 */
import { BadInputError } from '../../errors';
import { Mp4Defaults } from './defaults';

const UINT32_LIMIT = 2 ** 32;

export interface TimestampUnwrapperOptions {
  /** Step assumed after a restart before any good step was seen (default 6000: 15 fps). */
  nominalFrameTicks?: number;
  /** A larger forward step is a restart, not elapsed time (default 10 s). */
  maxForwardTicks?: number;
  /** Output for the first timestamp (default 0). */
  start?: number;
}

export class TimestampUnwrapper {
  readonly nominalFrameTicks: number;
  readonly maxForwardTicks: number;
  private readonly start: number;
  private previousInput: number | undefined;
  private output: number;
  private step: number;
  private restartCount = 0;

  constructor(opts: TimestampUnwrapperOptions = {}) {
    this.nominalFrameTicks = positive('nominalFrameTicks', opts.nominalFrameTicks ?? Mp4Defaults.nominalFrameTicks);
    this.maxForwardTicks = positive('maxForwardTicks', opts.maxForwardTicks ?? Mp4Defaults.maxForwardTicks);
    if (this.maxForwardTicks >= UINT32_LIMIT / 2) {
      throw new BadInputError(`mp4: maxForwardTicks ${this.maxForwardTicks} must stay below 2^31 (a signed step)`);
    }
    this.start = opts.start ?? 0;
    if (!Number.isSafeInteger(this.start) || this.start < 0) throw new BadInputError(`mp4: start ${this.start} is not a non-negative safe integer`);
    this.output = this.start;
    this.step = this.nominalFrameTicks;
  }

  /** Decode time of `timestamp` (an integer in 0..2^32-1). */
  unwrap(timestamp: number): number {
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp >= UINT32_LIMIT) {
      throw new BadInputError(`mp4: timestamp ${timestamp} is not a 32-bit unsigned integer`);
    }
    if (this.previousInput === undefined) {
      this.previousInput = timestamp;
      return this.output;
    }
    const step = (timestamp - this.previousInput) | 0; // two's complement: the signed 32-bit difference
    this.previousInput = timestamp;
    if (step > 0 && step <= this.maxForwardTicks) {
      this.step = step;
    } else {
      this.restartCount++;
    }
    this.output += this.step;
    return this.output;
  }

  /** The last step taken (a frame's duration), nominalFrameTicks before the second input. */
  get lastStep(): number {
    return this.step;
  }

  /** Inputs that were read as a restart. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Forgets everything: the next input maps to `start` again. */
  reset(): void {
    this.previousInput = undefined;
    this.output = this.start;
    this.step = this.nominalFrameTicks;
    this.restartCount = 0;
  }
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new BadInputError(`mp4: ${name} ${v} is not a positive integer`);
  return v;
}
