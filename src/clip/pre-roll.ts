/**
 * The pre-roll ring: the last N seconds of a camera's preview, kept so that a clip can begin before
 * the event that triggered it. Pure: frames in, frames out; no timer, socket or event.
 *
 * The ring holds whole GOPs (a keyframe and the frames that depend on it), so it always starts at a
 * keyframe and a clip made from it decodes from its first frame. After each frame it drops GOPs from
 * the front while the next GOP alone still reaches back N seconds from the end of the newest frame:
 *
 *   time  ─────────────────────────────────────────────────────────────────────────>  now
 *          [K p p p p][K p p p p][K p p p p][K p p p p][K p p]
 *           dropped    ^ kept: the last keyframe at or before now − N
 *                      |<──────────── N seconds ──────────>|<- up to one GOP more
 *
 * So a clip's pre-roll is between N seconds and N plus one GOP. Two bounds keep the memory fixed
 * whatever the stream does (docs/DESIGN.md rule 12): `maxBytes` (GOPs are dropped from the front until the
 * ring fits; a single GOP larger than that empties the ring until the next keyframe) and
 * `maxGopSeconds` (a GOP longer than that is dropped the same way, so the ring never spans more than
 * N + maxGopSeconds). Times are the frames' own 90 kHz stamps, unwrapped across 2^32 and restarts
 * (src/media/mp4/timestamps.ts), not arrival times: Wi-Fi bursts do not shorten the pre-roll.
 *
 * Frames are stored as MP4 samples (clipFrame()): converted once when they arrive, then written to a
 * clip as they are, and counted exactly: each is one buffer of its own (not a slice of a shared
 * pool slab), so the bytes counted are the bytes held.
 */
import { BadInputError } from '../errors';
import { avccSampleSize, writeAvccSample } from '../media/mp4/sample-data';
import { TimestampUnwrapper } from '../media/mp4/timestamps';
import type { AccessUnit, ParameterSets } from '../media/types';
import { ClipDefaults } from './defaults';

const TICKS_PER_SECOND = 90000;

/** One frame as the clip output keeps it. */
export interface ClipFrame {
  /** The frame as an MP4 sample (each NAL unit behind a 4-byte length), written to a clip as is. */
  readonly sample: Buffer;
  /** 90 kHz presentation time, mod 2^32 (AccessUnit.timestamp). */
  readonly timestamp: number;
  readonly keyframe: boolean;
  /** Wall-clock time (ms since 1970) the frame arrived: a clip's start time is its first frame's. */
  readonly receivedAt: number;
  /** The parameter sets in force when a keyframe arrived (undefined on other frames, or when unknown). */
  readonly params?: ParameterSets;
}

/** The access unit as a ClipFrame: one exactly sized buffer of its own (allocUnsafeSlow: no shared pool slab kept alive). */
export function clipFrame(au: AccessUnit, receivedAt: number, params?: ParameterSets): ClipFrame {
  const sample = Buffer.allocUnsafeSlow(avccSampleSize(au.nalus));
  writeAvccSample(au.nalus, sample, 0);
  return { sample, timestamp: au.timestamp, keyframe: au.keyframe, receivedAt, params: au.keyframe ? params : undefined };
}

export interface PreRollOptions {
  /** Seconds to keep before a trigger (0 keeps just the GOP in progress). */
  seconds: number;
  /** Most sample bytes held (default ClipDefaults.maxPreRollBytes). */
  maxBytes?: number;
  /** Longest GOP kept, in seconds (default ClipDefaults.maxGopSeconds). */
  maxGopSeconds?: number;
}

export interface PreRollStats {
  /** Frames dropped because no keyframe had started a GOP yet (after a start, a clear or an overflow). */
  waitingForKeyframe: number;
  /** Times the ring was emptied because one GOP alone broke a bound (bytes or length). */
  overflows: number;
}

interface Gop {
  frames: ClipFrame[];
  /** Unwrapped 90 kHz time of the keyframe. */
  start: number;
  bytes: number;
}

export class PreRollRing {
  readonly windowTicks: number;
  readonly maxBytes: number;
  readonly maxGopTicks: number;
  private readonly clock = new TimestampUnwrapper();
  private gops: Gop[] = [];
  private held = 0;
  private count = 0;
  private newest = 0;
  private waiting = 0;
  private overflowCount = 0;

  constructor(opts: PreRollOptions) {
    if (!(Number.isFinite(opts.seconds) && opts.seconds >= 0 && opts.seconds <= ClipDefaults.maxPreRollSeconds)) {
      throw new BadInputError(`clip: pre-roll ${opts.seconds} s is not between 0 and ${ClipDefaults.maxPreRollSeconds} s`);
    }
    this.windowTicks = Math.round(opts.seconds * TICKS_PER_SECOND);
    this.maxBytes = opts.maxBytes ?? ClipDefaults.maxPreRollBytes;
    this.maxGopTicks = Math.round((opts.maxGopSeconds ?? ClipDefaults.maxGopSeconds) * TICKS_PER_SECOND);
    if (!(this.maxBytes > 0) || !(this.maxGopTicks > 0)) throw new BadInputError('clip: the pre-roll bounds must be above 0');
  }

  /** Adds the newest frame; false when it was dropped (no keyframe has started a GOP yet). */
  push(frame: ClipFrame): boolean {
    const open = this.gops[this.gops.length - 1];
    if (!frame.keyframe && !open) {
      this.waiting++;
      return false;
    }
    const time = this.clock.unwrap(frame.timestamp);
    if (frame.keyframe) this.gops.push({ frames: [frame], start: time, bytes: frame.sample.length });
    else {
      open.frames.push(frame);
      open.bytes += frame.sample.length;
    }
    this.held += frame.sample.length;
    this.count++;
    this.newest = time;
    this.trim();
    return this.count > 0;
  }

  /** The frames held, oldest first (a new array; the frames themselves are shared and immutable). */
  frames(): ClipFrame[] {
    const out: ClipFrame[] = [];
    for (const gop of this.gops) for (const frame of gop.frames) out.push(frame);
    return out;
  }

  /** Forgets everything (a stalled stream: what came before the outage is not what came before an event). */
  clear(): void {
    this.gops = [];
    this.held = 0;
    this.count = 0;
    this.newest = 0;
    this.clock.reset();
  }

  /** Seconds covered: from the first frame to the end of the newest one (its duration being the last step). */
  get seconds(): number {
    if (this.gops.length === 0) return 0;
    return (this.newest - this.gops[0].start + this.clock.lastStep) / TICKS_PER_SECOND;
  }

  /** Sample bytes held. */
  get bytes(): number {
    return this.held;
  }

  /** Frames held. */
  get length(): number {
    return this.count;
  }

  get stats(): PreRollStats {
    return { waitingForKeyframe: this.waiting, overflows: this.overflowCount };
  }

  private trim(): void {
    // The last keyframe at or before (end of the newest frame) − window starts the ring.
    const from = this.newest + this.clock.lastStep - this.windowTicks;
    while (this.gops.length >= 2 && this.gops[1].start <= from) this.dropOldest();
    while (this.held > this.maxBytes || this.newest - this.gops[0].start > this.windowTicks + this.maxGopTicks) {
      if (this.gops.length >= 2) {
        this.dropOldest();
        continue;
      }
      // One GOP alone breaks a bound: start again at the next keyframe.
      this.overflowCount++;
      this.clear();
      return;
    }
  }

  private dropOldest(): void {
    const gop = this.gops.shift();
    if (!gop) return;
    this.held -= gop.bytes;
    this.count -= gop.frames.length;
  }
}
