/**
 * Access units in, one fMP4 fragment per frame out, the moment the frame arrives (no waiting for
 * the next one). Pure and synchronous: the live output calls push() from its 'accessUnit' handler and
 * fans the same Buffer out to every viewer.
 *
 * The duration rule. A frame's duration is the time to the NEXT frame, which is not known yet when
 * the fragment must be written. So each sample gets the step that led to it (its decode time minus
 * the previous frame's), nominalFrameTicks for the first frame, and the last good step after a
 * restart (timestamps.ts). tfdt carries each fragment's exact decode time, so a wrong guess never
 * accumulates: the next fragment starts where the camera says, and players (MSE, hls.js, ffmpeg)
 * place every frame by its tfdt.
 *
 * Sequence numbers start at 1 and wrap at 2^32 (mfhd is 32 bits; a player only needs them to grow
 * within what it holds).
 */
import type { AccessUnit } from '../types';
import { Mp4Defaults } from './defaults';
import { mediaSegment, type FragmentSample } from './media-segment';
import { TimestampUnwrapper, type TimestampUnwrapperOptions } from './timestamps';

const UINT32_LIMIT = 2 ** 32;
const NO_NALUS: readonly Buffer[] = Object.freeze([]);

export interface LiveFragmenterOptions extends TimestampUnwrapperOptions {
  /** The init segment's track id (default 1). */
  trackId?: number;
}

export class LiveFragmenter {
  private readonly clock: TimestampUnwrapper;
  private readonly trackId: number;
  private sequence = 0;
  private lastDecodeTime = 0;
  /** Reused for every call so push() allocates nothing but the fragment itself. */
  private readonly sample: { nalus: readonly Buffer[]; duration: number; keyframe: boolean } = { nalus: NO_NALUS, duration: 0, keyframe: false };
  private readonly samples: FragmentSample[] = [this.sample];
  private readonly input = { sequenceNumber: 0, baseMediaDecodeTime: 0, samples: this.samples, trackId: 0 };

  constructor(opts: LiveFragmenterOptions = {}) {
    this.clock = new TimestampUnwrapper(opts);
    this.trackId = opts.trackId ?? Mp4Defaults.trackId;
  }

  /** moof + mdat of this one frame. */
  push(au: AccessUnit): Buffer {
    const decodeTime = this.clock.unwrap(au.timestamp);
    this.sequence = (this.sequence % (UINT32_LIMIT - 1)) + 1;
    this.lastDecodeTime = decodeTime;
    this.sample.nalus = au.nalus;
    this.sample.duration = this.clock.lastStep;
    this.sample.keyframe = au.keyframe;
    this.input.sequenceNumber = this.sequence;
    this.input.baseMediaDecodeTime = decodeTime;
    this.input.trackId = this.trackId;
    try {
      return mediaSegment(this.input);
    } finally {
      this.sample.nalus = NO_NALUS; // hold no frame after the call
    }
  }

  /** Sequence number of the last fragment (0 before the first). */
  get sequenceNumber(): number {
    return this.sequence;
  }

  /** Decode time (90 kHz ticks) of the last fragment. */
  get decodeTime(): number {
    return this.lastDecodeTime;
  }

  /** Timestamps read as a stream restart so far. */
  get restarts(): number {
    return this.clock.restarts;
  }
}
