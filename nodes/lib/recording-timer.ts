/**
 * The record node's clock: a one-second tick for the "recording 12 s" status and an optional
 * auto-stop that a new trigger pushes back ("record for 30 s after the last motion").
 * Owns both timers; stop() clears them (the node calls it on stop and on close).
 */
export interface RecordingTimerHooks {
  /** Every second while recording, with the whole seconds since the recording started. */
  tick(elapsedSeconds: number): void;
  /** The auto-stop time has come. */
  expire(): void;
}

const TICK_MS = 1000;

export class RecordingTimer {
  private startedAt: number | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private autoStop: NodeJS.Timeout | undefined;

  constructor(private readonly hooks: RecordingTimerHooks) {}

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  /** An auto-stop is armed: the camera would record on unless someone stops it. */
  get autoStopPending(): boolean {
    return this.autoStop !== undefined;
  }

  /**
   * Recording is on: starts the tick unless it runs already, and (re)arms the auto-stop to fire
   * `stopAfterMs` from now; 0 means record until told to stop (and cancels an earlier auto-stop).
   */
  recording(stopAfterMs: number): void {
    if (this.startedAt === undefined) {
      this.startedAt = Date.now();
      this.ticker = setInterval(() => this.hooks.tick(this.elapsedSeconds()), TICK_MS);
      this.hooks.tick(0);
    }
    clearTimeout(this.autoStop);
    this.autoStop = undefined;
    if (stopAfterMs > 0) {
      this.autoStop = setTimeout(() => {
        this.autoStop = undefined;
        this.hooks.expire();
      }, stopAfterMs);
    }
  }

  /** Recording is off (or the node closes): clears both timers. Idempotent. */
  stop(): void {
    clearInterval(this.ticker);
    clearTimeout(this.autoStop);
    this.ticker = undefined;
    this.autoStop = undefined;
    this.startedAt = undefined;
  }

  private elapsedSeconds(): number {
    return this.startedAt === undefined ? 0 : Math.floor((Date.now() - this.startedAt) / 1000);
  }
}
