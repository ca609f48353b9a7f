/**
 * Our side of the alive exchange (PROTOCOL.md §2.5): send our own ALIVE_REQUEST every intervalMs,
 * and a watchdog that declares the link dead when no inbound byte arrived for deadAfterMs.
 * Answering the camera's 0112 is not done here: the session answers it in every state, at once.
 *
 * A live camera answers each of our 0112 with 0113, so a healthy link never stays silent for more
 * than one interval; deadAfterMs spans several intervals so one lost answer is not fatal.
 */

export interface KeepAliveOptions {
  intervalMs: number;
  deadAfterMs: number;
  /** Sends one ALIVE_REQUEST. */
  ping(): void;
  /** Called once when the watchdog expires; the owner tears the link down. */
  onDead(silentMs: number): void;
}

export class KeepAlive {
  private pingTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;

  constructor(private readonly options: KeepAliveOptions) {}

  get running(): boolean {
    return this.pingTimer !== undefined;
  }

  /** Starts pinging and arms the watchdog; restarts both when already running. */
  start(): void {
    this.stop();
    this.pingTimer = setInterval(() => this.options.ping(), this.options.intervalMs);
    this.arm();
  }

  /** Inbound bytes arrived: the link is alive, re-arm the watchdog. */
  touch(): void {
    if (this.running) this.arm();
  }

  stop(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.pingTimer = undefined;
    this.watchdog = undefined;
  }

  private arm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const { deadAfterMs } = this.options;
    this.watchdog = setTimeout(() => {
      this.stop();
      this.options.onDead(deadAfterMs);
    }, deadAfterMs);
  }
}
