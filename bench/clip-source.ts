/**
 * A StreamSource (src/rtsp/source.ts) that plays the committed clip's access units in a loop at the
 * camera's rate, in real time, with 90 kHz timestamps that keep increasing: what the RTSP server sees
 * from a receiver fed by a camera. Paced against a fixed start time so timer jitter does not add up;
 * it keeps nothing per frame, so it adds no memory growth of its own to the server's figures.
 */
import { EventEmitter } from 'node:events';
import type { AccessUnit, ParameterSets } from '../src/media/types';
import type { StreamSource } from '../src/media/source';
import { loadClip } from '../test/helpers/clip';

export class ClipSource extends EventEmitter implements StreamSource {
  private readonly units: readonly AccessUnit[];
  private readonly sets: ParameterSets;
  private readonly frameMs: number;
  private readonly frameTicks: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private emitted = 0;

  constructor(readonly fps: number) {
    super();
    const clip = loadClip();
    this.units = clip.accessUnits;
    this.sets = clip.parameterSets;
    this.frameMs = 1000 / fps;
    this.frameTicks = Math.round(90000 / fps);
  }

  parameterSets(): ParameterSets | undefined {
    return this.sets;
  }

  /** Access units emitted so far. */
  get frames(): number {
    return this.emitted;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = performance.now();
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const due = this.startedAt + this.emitted * this.frameMs;
    this.timer = setTimeout(() => {
      const unit = this.units[this.emitted % this.units.length];
      const au: AccessUnit = { nalus: unit.nalus, keyframe: unit.keyframe, timestamp: (this.emitted * this.frameTicks) % 2 ** 32 };
      this.emitted++;
      this.emit('accessUnit', au);
      if (this.timer) this.schedule();
    }, Math.max(0, due - performance.now()));
  }
}
