/**
 * Classifies the 16-bit sequence number of preview datagrams (docs/PROTOCOL.md §4.1: a u16, meaning and wrap
 * never verified; the simulator counts datagrams and wraps at 2^16). The rules are those of RFC 3550
 * Appendix A.1 for RTP: a small forward gap is loss, a small step back is a late (reordered or duplicate)
 * datagram, and a large jump is only believed - as a sender restart - once the next datagram follows it.
 * Pure: no sockets, no timers.
 */
import { PreviewDefaults } from './defaults';

export type SequenceVerdict =
  /** First datagram seen, or the one after a reset(). */
  | { kind: 'first' }
  /** Exactly the expected number. */
  | { kind: 'next' }
  /** `lost` datagrams are missing before this one. */
  | { kind: 'gap'; lost: number }
  /** Behind the highest number seen: arrived out of order, or a duplicate. */
  | { kind: 'late' }
  /** A jump too large to be loss; not trusted until the next datagram follows it (discard this one). */
  | { kind: 'jump' }
  /** The datagram after a jump followed it: the sender restarted its counter; resynchronised. */
  | { kind: 'restart' };

export interface SequenceTrackerOptions {
  maxDropout?: number;
  maxMisorder?: number;
}

const MOD = 0x10000;

// The verdicts without data are shared: tracking a datagram allocates nothing unless it reveals a gap.
const FIRST: SequenceVerdict = Object.freeze({ kind: 'first' });
const NEXT: SequenceVerdict = Object.freeze({ kind: 'next' });
const LATE: SequenceVerdict = Object.freeze({ kind: 'late' });
const JUMP: SequenceVerdict = Object.freeze({ kind: 'jump' });
const RESTART: SequenceVerdict = Object.freeze({ kind: 'restart' });

export class SequenceTracker {
  private readonly maxDropout: number;
  private readonly maxMisorder: number;
  /** Number the next in-order datagram should carry; undefined before the first. */
  private expected: number | undefined;
  /** After a 'jump': the number that would confirm a restart. */
  private probation: number | undefined;

  constructor(options: SequenceTrackerOptions = {}) {
    this.maxDropout = options.maxDropout ?? PreviewDefaults.maxDropout;
    this.maxMisorder = options.maxMisorder ?? PreviewDefaults.maxMisorder;
  }

  /** The number the next in-order datagram should carry, if any was seen. */
  get next(): number | undefined {
    return this.expected;
  }

  track(seq: number): SequenceVerdict {
    seq &= 0xffff;
    if (this.expected === undefined) {
      this.expected = (seq + 1) % MOD;
      return FIRST;
    }
    const ahead = (seq - this.expected + MOD) % MOD; // 0 = in order; wraps at 2^16 like the counter
    if (ahead === 0) {
      this.probation = undefined;
      this.expected = (seq + 1) % MOD;
      return NEXT;
    }
    if (ahead < this.maxDropout) {
      this.probation = undefined;
      this.expected = (seq + 1) % MOD;
      return { kind: 'gap', lost: ahead };
    }
    const behind = MOD - ahead; // 1 = a duplicate of the newest datagram
    if (behind <= this.maxMisorder) return LATE;
    if (this.probation === seq) {
      this.probation = undefined;
      this.expected = (seq + 1) % MOD;
      return RESTART;
    }
    this.probation = (seq + 1) % MOD;
    return JUMP;
  }

  /** Forget the history: the next datagram is 'first'. */
  reset(): void {
    this.expected = undefined;
    this.probation = undefined;
  }
}
