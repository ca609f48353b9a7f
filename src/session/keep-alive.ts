/**
 * Our side of the alive exchange (docs/PROTOCOL.md §2.5): send our own ALIVE_REQUEST every
 * intervalMs, and a watchdog that declares the link dead when no inbound byte arrived for deadAfterMs.
 * Answering the camera's 0112 is not done here: the session answers it in every state, at once.
 *
 * A live camera answers each of our 0112 with 0113, so a healthy link never stays silent for more
 * than one interval; deadAfterMs spans several intervals so one lost answer is not fatal.
 *
 * The watchdog measures the camera's silence, not our own stalls. touch() only notes the time of
 * the last inbound byte on a monotonic clock; the one timer checks that time when it fires and
 * re-arms for what is left of the window. When the timer itself fires more than stallToleranceMs
 * after it was due, this process was not running (a blocked event loop, a long GC): the camera's
 * bytes may be sitting unread in the socket (timers run before I/O), so the camera gets a fresh
 * window instead of the blame.
 */

export interface KeepAliveOptions {
  intervalMs: number;
  deadAfterMs: number;
  /** A watchdog firing later than this past its due time means our loop stalled; default 1000. */
  stallToleranceMs?: number;
  /** Monotonic clock in ms; default performance.now. */
  now?: () => number;
  /** Sends one ALIVE_REQUEST. */
  ping(): void;
  /** Called once when the watchdog expires (with deadAfterMs); the owner tears the link down. */
  onDead(silentMs: number): void;
}

const DEFAULT_STALL_TOLERANCE_MS = 1000;

export class KeepAlive {
  private pingTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  /** When the watchdog is due (monotonic ms). */
  private dueAt = 0;
  /** Start of the current silence: the last inbound byte, the start, or the end of our own stall. */
  private quietSince = 0;
  private readonly now: () => number;
  private readonly stallToleranceMs: number;

  constructor(private readonly options: KeepAliveOptions) {
    this.now = options.now ?? (() => performance.now());
    this.stallToleranceMs = options.stallToleranceMs ?? DEFAULT_STALL_TOLERANCE_MS;
  }

  get running(): boolean {
    return this.pingTimer !== undefined;
  }

  /** Starts pinging and arms the watchdog; restarts both when already running. */
  start(): void {
    this.stop();
    this.pingTimer = setInterval(() => this.options.ping(), this.options.intervalMs);
    this.quietSince = this.now();
    this.arm(this.options.deadAfterMs);
  }

  /** Inbound bytes arrived: the silence starts again from now (no timer is touched). */
  touch(): void {
    if (this.running) this.quietSince = this.now();
  }

  stop(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.pingTimer = undefined;
    this.watchdog = undefined;
  }

  private arm(ms: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.dueAt = this.now() + ms;
    this.watchdog = setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.watchdog = undefined;
    const now = this.now();
    const { deadAfterMs } = this.options;
    if (now - this.dueAt > this.stallToleranceMs) {
      // We were not running when the camera's time was up: do not blame it for our stall.
      this.quietSince = now;
      this.arm(deadAfterMs);
      return;
    }
    const silentMs = now - this.quietSince;
    if (silentMs >= deadAfterMs) {
      this.stop();
      this.options.onDead(deadAfterMs);
      return;
    }
    // Bytes came in meanwhile: wait out the rest of the window (at least 1 ms, never a busy loop).
    this.arm(Math.max(1, Math.ceil(deadAfterMs - silentMs)));
  }
}
