/**
 * The simulated camera's clock. Unset at start, like a camera whose battery ran flat; SET_CLOCK
 * (A011, docs/PROTOCOL.md §10) sets it, and from then on it runs with this computer's clock.
 * The wall-clock fields A011 carries are read as this computer's local time, the zone the
 * session took them from.
 */
export class CameraClock {
  private offsetMs?: number;

  constructor(private readonly now: () => number) {}

  /** The camera's current time; undefined until a client set it. */
  get current(): Date | undefined {
    return this.offsetMs === undefined ? undefined : new Date(this.now() + this.offsetMs);
  }

  set(date: Date): void {
    this.offsetMs = date.getTime() - this.now();
  }
}
