/**
 * HLS of fMP4 segments (RFC 8216) built from the live view's one-frame fragments: a segment is the
 * run of moof+mdat fragments of about a second (RFC 8216 §3.3: an fMP4 segment holds one or more
 * movie fragments), so every frame is muxed once and the same Buffers serve `stream.mp4` viewers and
 * HLS players alike. Pure: no timers, sockets or clocks; time is the fragments' 90 kHz decode time.
 *
 * Where a segment ends, checked when the next frame arrives (its decode time ends the segment):
 *   1. a gap: the step to the next frame is over maxFrameGapMs, or the segment would reach
 *      TARGETDURATION + 0.5 s (which would round above the target, §4.3.3.1): the segment ends one
 *      frame step after its last frame and the next one carries EXT-X-DISCONTINUITY;
 *   2. new parameter sets (a new init segment): the next segment carries EXT-X-DISCONTINUITY and a
 *      new EXT-X-MAP (docs/MP4.md "Init segment per parameter-set change");
 *   3. a keyframe at or after segmentTargetMs;
 *   4. segmentMaxMs would be passed by one more frame (a long GOP; the next segment starts without
 *      a keyframe);
 *   5. maxSegmentBytes would be passed.
 *
 * Bounded: at most playlistSegments + retainedSegments finished segments and the one being built.
 */
import { BadInputError, requirePositive } from '../errors';
import { LiveDefaults } from './defaults';

const TICKS_PER_MS = 90;

export interface HlsSegmenterOptions {
  segmentTargetMs?: number;
  segmentMaxMs?: number;
  playlistSegments?: number;
  retainedSegments?: number;
  maxSegmentBytes?: number;
  maxFrameGapMs?: number;
}

/** One frame as the segmenter takes it: its fragment, decode time, and the init segment it needs. */
export interface HlsFrame {
  fragment: Buffer;
  /** 90 kHz ticks, monotonic (the fragment's tfdt). */
  decodeTime: number;
  keyframe: boolean;
  /** Version of the init segment this fragment belongs to (a new one per parameter-set change). */
  initVersion: number;
}

export interface HlsSegment {
  /** Media sequence number (RFC 8216 §4.3.3.2), from 0. */
  sequence: number;
  /** The fragments, back to back; the segment's body is their concatenation. */
  fragments: Buffer[];
  bytes: number;
  /** 90 kHz ticks. */
  startTime: number;
  duration: number;
  initVersion: number;
  /** Preceded by EXT-X-DISCONTINUITY. */
  discontinuity: boolean;
  /** Discontinuities up to and including this segment (for EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuities: number;
  /** Starts with a keyframe. */
  independent: boolean;
}

export class HlsSegmenter {
  readonly targetTicks: number;
  readonly maxTicks: number;
  /** A segment reaching this would round above EXT-X-TARGETDURATION. */
  readonly hardLimitTicks: number;
  readonly gapTicks: number;
  readonly playlistSegments: number;
  readonly retainedSegments: number;
  readonly maxSegmentBytes: number;
  /** EXT-X-TARGETDURATION, whole seconds; fixed for the stream's life (RFC 8216 §6.2.1). */
  readonly targetDuration: number;
  private readonly done: HlsSegment[] = [];
  private current: HlsSegment | undefined;
  private lastTime = 0;
  private lastStep = 0;
  private nextSequence = 0;
  private discontinuities = 0;
  private pendingDiscontinuity = false;

  constructor(opts: HlsSegmenterOptions = {}) {
    const targetMs = requirePositive('hls: segmentTargetMs', opts.segmentTargetMs ?? LiveDefaults.segmentTargetMs);
    const maxMs = requirePositive('hls: segmentMaxMs', opts.segmentMaxMs ?? LiveDefaults.segmentMaxMs);
    if (maxMs < targetMs) throw new BadInputError(`hls: segmentMaxMs ${maxMs} is below segmentTargetMs ${targetMs}`);
    this.targetTicks = targetMs * TICKS_PER_MS;
    this.maxTicks = maxMs * TICKS_PER_MS;
    this.targetDuration = Math.max(1, Math.round(maxMs / 1000));
    this.hardLimitTicks = (this.targetDuration * 1000 + 500) * TICKS_PER_MS;
    this.gapTicks = requirePositive('hls: maxFrameGapMs', opts.maxFrameGapMs ?? LiveDefaults.maxFrameGapMs) * TICKS_PER_MS;
    this.playlistSegments = requirePositive('hls: playlistSegments', opts.playlistSegments ?? LiveDefaults.playlistSegments);
    this.retainedSegments = Math.max(0, Math.floor(opts.retainedSegments ?? LiveDefaults.retainedSegments));
    this.maxSegmentBytes = requirePositive('hls: maxSegmentBytes', opts.maxSegmentBytes ?? LiveDefaults.maxSegmentBytes);
  }

  /** Adds a frame; returns the segment it finished, if any. */
  add(frame: HlsFrame): HlsSegment | undefined {
    const cur = this.current;
    if (!cur) {
      this.begin(frame);
      return undefined;
    }
    const step = frame.decodeTime - this.lastTime;
    const elapsed = frame.decodeTime - cur.startTime;
    let finished: HlsSegment | undefined;
    if (step > this.gapTicks || step <= 0 || elapsed >= this.hardLimitTicks) {
      const guessed = this.lastTime + (this.lastStep || Math.min(step, this.targetTicks)) - cur.startTime;
      finished = this.finish(Math.min(guessed, this.hardLimitTicks - 1));
      this.pendingDiscontinuity = true;
    } else if (frame.initVersion !== cur.initVersion) {
      finished = this.finish(elapsed);
      this.pendingDiscontinuity = true;
    } else if (
      (frame.keyframe && elapsed >= this.targetTicks) ||
      elapsed + step > this.maxTicks ||
      cur.bytes + frame.fragment.length > this.maxSegmentBytes
    ) {
      finished = this.finish(elapsed);
    }
    if (finished) this.begin(frame);
    else {
      cur.fragments.push(frame.fragment);
      cur.bytes += frame.fragment.length;
      this.lastStep = step;
      this.lastTime = frame.decodeTime;
    }
    return finished;
  }

  /**
   * The stream stopped (camera stalled, output restarting): the segment being built is finished
   * with a guessed last duration and whatever comes next starts after a discontinuity.
   */
  flush(): HlsSegment | undefined {
    const cur = this.current;
    if (!cur) return undefined;
    const finished = this.finish(Math.min(this.lastTime + (this.lastStep || this.targetTicks) - cur.startTime, this.hardLimitTicks - 1));
    this.pendingDiscontinuity = true;
    return finished;
  }

  /** Finished segments still served (the playlist's window and those retained after it), oldest first. */
  get segments(): readonly HlsSegment[] {
    return this.done;
  }

  /** The segments the playlist lists now. */
  listed(): HlsSegment[] {
    return this.done.slice(Math.max(0, this.done.length - this.playlistSegments));
  }

  /** A finished, still retained segment by its media sequence number. */
  segment(sequence: number): HlsSegment | undefined {
    const first = this.done[0];
    if (!first) return undefined;
    return this.done[sequence - first.sequence];
  }

  /** Init versions some retained segment (or the one being built) needs. */
  initVersionsInUse(): Set<number> {
    const versions = new Set(this.done.map((s) => s.initVersion));
    if (this.current) versions.add(this.current.initVersion);
    return versions;
  }

  private begin(frame: HlsFrame): void {
    const discontinuity = this.pendingDiscontinuity && this.nextSequence > 0;
    if (discontinuity) this.discontinuities++;
    this.pendingDiscontinuity = false;
    this.current = {
      sequence: this.nextSequence++,
      fragments: [frame.fragment],
      bytes: frame.fragment.length,
      startTime: frame.decodeTime,
      duration: 0,
      initVersion: frame.initVersion,
      discontinuity,
      discontinuities: this.discontinuities,
      independent: frame.keyframe,
    };
    this.lastTime = frame.decodeTime;
    this.lastStep = 0;
  }

  private finish(duration: number): HlsSegment {
    const seg = this.current as HlsSegment;
    this.current = undefined;
    seg.duration = Math.max(1, duration);
    this.done.push(seg);
    const keep = this.playlistSegments + this.retainedSegments;
    if (this.done.length > keep) this.done.splice(0, this.done.length - keep);
    return seg;
  }
}
