/**
 * The growing index of a clip being recorded: one ClipSample per frame, durations from the frames'
 * 90 kHz timestamps (unwrapped across 2^32 and restarts by timestamps.ts). A frame's duration is set
 * when the next frame arrives; the last frame gets the step before it (nominal for a one-frame clip).
 * The frame bytes themselves are the caller's (a temporary file): this holds 3 numbers a frame.
 */
import { BadInputError } from '../../errors';
import { Mp4Defaults } from './defaults';
import type { ClipSample } from './sample-table';
import { TimestampUnwrapper, type TimestampUnwrapperOptions } from './timestamps';

export class ClipIndex {
  private readonly clock: TimestampUnwrapper;
  private readonly table: ClipSample[] = [];
  private bytes = 0;
  private firstDecodeTime = 0;
  private lastDecodeTime = 0;

  constructor(opts: TimestampUnwrapperOptions = {}) {
    this.clock = new TimestampUnwrapper(opts);
  }

  /**
   * Records the next frame: its 90 kHz timestamp (mod 2^32), its size in the mdat
   * (avccSampleSize) and whether it is a keyframe. Throws BadInputError past maxClipSamples.
   */
  add(timestamp: number, size: number, keyframe: boolean): void {
    if (this.table.length >= Mp4Defaults.maxClipSamples) {
      throw new BadInputError(`mp4: a clip holds at most ${Mp4Defaults.maxClipSamples} frames`);
    }
    if (!Number.isInteger(size) || size < 1 || size > 0xffffffff) {
      throw new BadInputError(`mp4: frame size ${size} is not a 32-bit unsigned integer above 0`);
    }
    const decodeTime = this.clock.unwrap(timestamp);
    const previous = this.table[this.table.length - 1];
    if (previous) previous.duration = decodeTime - this.lastDecodeTime;
    else this.firstDecodeTime = decodeTime;
    this.lastDecodeTime = decodeTime;
    this.table.push({ size, duration: this.clock.lastStep, keyframe });
    this.bytes += size;
  }

  /** Frames recorded. */
  get frames(): number {
    return this.table.length;
  }

  /** Sum of the frame sizes: the mdat payload. */
  get payloadSize(): number {
    return this.bytes;
  }

  /** Clip duration in 90 kHz ticks, the last frame's guessed duration included. */
  get duration(): number {
    if (this.table.length === 0) return 0;
    return this.lastDecodeTime - this.firstDecodeTime + this.table[this.table.length - 1].duration;
  }

  /** The sample table for buildMoov/progressiveHeader (the live array: do not modify it). */
  samples(): readonly ClipSample[] {
    return this.table;
  }
}
