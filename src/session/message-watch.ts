/**
 * Watching what the camera says unasked (issue 11 "Learning the protocol"): the messages a session
 * reports as 'unsolicited' (types nobody waits for, late replies, a reply to a send-only command),
 * in the one shape the raw-command node's second output and `actioncam watch --json` emit, and a
 * rate bound so a camera that floods cannot flood a flow or a terminal (docs/DESIGN.md rule 12).
 */
import { messageName, typeHex, type ControlMessage } from '../protocol';

/** The raw-command node's unsolicited output and one line of `actioncam watch --json`. */
export interface WatchedMessage {
  type: number;
  /** "a0f0". */
  typeHex: string;
  /** "SET_CLOCK" for a known type, "0xA0F0" for one nobody has named yet. */
  name: string;
  /** The payload in hex ("" when empty). */
  hex: string;
}

export function describeMessage(message: ControlMessage): WatchedMessage {
  return { type: message.type, typeHex: typeHex(message.type), name: messageName(message.type), hex: message.payload.toString('hex') };
}

export const WatchDefaults = {
  /**
   * A person pressing the camera's buttons makes a few messages a second; a camera sending more
   * than 20 a second is flooding. The rest of that second is dropped and counted.
   */
  maxPerSecond: 20,
} as const;

/** At most `maxPerSecond` messages in each one-second window; counts what it turns away. */
export class RateGate {
  private windowStart = Number.NEGATIVE_INFINITY;
  private passed = 0;
  private droppedCount = 0;

  constructor(
    private readonly maxPerSecond: number = WatchDefaults.maxPerSecond,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this message may pass. `onWindowEnd` gets the drops of the window that just ended. */
  allow(onWindowEnd?: (dropped: number) => void): boolean {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      if (this.droppedCount > 0) onWindowEnd?.(this.droppedCount);
      this.windowStart = now;
      this.passed = 0;
      this.droppedCount = 0;
    }
    if (this.passed < this.maxPerSecond) {
      this.passed++;
      return true;
    }
    this.droppedCount++;
    return false;
  }

  /** Messages let through per second. */
  get limit(): number {
    return this.maxPerSecond;
  }

  /** Dropped in the current window. */
  get dropped(): number {
    return this.droppedCount;
  }
}
