/**
 * FakeSource: a StreamSource (src/rtsp/source.ts) that replays the committed clip's access units,
 * paced by a timer (15 fps by default, faster for quick tests) or stepped by hand, with 90 kHz
 * timestamps that keep increasing across loops (wrapping at 2^32 like a camera's). It remembers which
 * clip frame every emitted access unit was, so a test can map what a player decoded back to the clip.
 */
import { EventEmitter } from 'node:events';
import type { AccessUnit, ParameterSets } from '../../src/media/types';
import type { StreamSource } from '../../src/media/source';
import { CLIP_FPS, loadClip } from './clip';

export interface FakeSourceOptions {
  /** Default: the clip's access units. */
  accessUnits?: readonly AccessUnit[];
  /** Default: the clip's SPS/PPS. `null`: the source never knows them (DESCRIBE 503 tests). */
  parameterSets?: ParameterSets | null;
  /** Known only once the first keyframe went out, like a camera that just started (default false). */
  parameterSetsAfterFirstKeyframe?: boolean;
  /** Pace of start(); default 15 (the clip's rate). */
  fps?: number;
  /** 90 kHz ticks between access units; default 90000 / fps, so timestamps match the pace. */
  frameTicks?: number;
  /** Timestamp of the first access unit; default 0. */
  firstTimestamp?: number;
  /** Clip index of the first access unit; default 0. */
  startIndex?: number;
  /** Start over at index 0 after the last access unit (default true); otherwise stop. */
  loop?: boolean;
}

/** One emitted access unit and where it came from. */
export interface EmittedUnit {
  clipIndex: number;
  timestamp: number;
  keyframe: boolean;
}

export class FakeSource extends EventEmitter implements StreamSource {
  readonly fps: number;
  readonly frameTicks: number;
  /** Everything emitted so far, in order. */
  readonly emitted: EmittedUnit[] = [];
  private readonly units: readonly AccessUnit[];
  private readonly sets: ParameterSets | undefined;
  private readonly setsAfterKeyframe: boolean;
  private readonly loop: boolean;
  private nextIndex: number;
  private nextTimestamp: number;
  private sawKeyframe = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: FakeSourceOptions = {}) {
    super();
    const clip = options.accessUnits && options.parameterSets !== undefined ? undefined : loadClip();
    this.units = options.accessUnits ?? clip?.accessUnits ?? [];
    if (this.units.length === 0) throw new Error('FakeSource needs at least one access unit');
    this.sets = options.parameterSets === null ? undefined : (options.parameterSets ?? clip?.parameterSets);
    this.setsAfterKeyframe = options.parameterSetsAfterFirstKeyframe ?? false;
    this.fps = options.fps ?? CLIP_FPS;
    this.frameTicks = options.frameTicks ?? Math.round(90000 / this.fps);
    this.loop = options.loop ?? true;
    this.nextIndex = options.startIndex ?? 0;
    this.nextTimestamp = options.firstTimestamp ?? 0;
  }

  parameterSets(): ParameterSets | undefined {
    if (this.setsAfterKeyframe && !this.sawKeyframe) return undefined;
    return this.sets;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** True once a non-looping source has emitted its last access unit. */
  get finished(): boolean {
    return !this.loop && this.nextIndex >= this.units.length;
  }

  /** Emits one access unit every 1/fps s until stop(). Idempotent. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.step().length === 0) this.stop();
    }, 1000 / this.fps);
  }

  /** Stops the timer. Idempotent. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Emits the next `count` access units now; returns what it emitted. */
  step(count = 1): AccessUnit[] {
    const out: AccessUnit[] = [];
    for (let i = 0; i < count; i++) {
      if (this.nextIndex >= this.units.length) {
        if (!this.loop) break;
        this.nextIndex = 0;
      }
      const clipIndex = this.nextIndex++;
      const source = this.units[clipIndex];
      const au: AccessUnit = { nalus: source.nalus, keyframe: source.keyframe, timestamp: this.nextTimestamp };
      this.nextTimestamp = (this.nextTimestamp + this.frameTicks) % 2 ** 32;
      if (au.keyframe) this.sawKeyframe = true;
      this.emitted.push({ clipIndex, timestamp: au.timestamp, keyframe: au.keyframe });
      out.push(au);
      this.emit('accessUnit', au);
    }
    return out;
  }

  /** Emits access units until the next one would be a keyframe (a clean point to start a test from). */
  stepToKeyframe(): void {
    for (let n = 0; n < this.units.length; n++) {
      const index = this.nextIndex >= this.units.length ? 0 : this.nextIndex;
      if (this.units[index].keyframe) return;
      this.step();
    }
  }
}
