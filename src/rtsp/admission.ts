/**
 * Admission to the RTSP server: connections are capped in all and per client address, sessions in
 * all and per address, so one address cannot take every slot (docs/ARCHITECTURE.md "RTSP
 * security"). Before a refusal the caller's reaper runs (overdue connections, expired sessions), so a
 * slot that is free in fact is never refused. No sockets or timers (the clock is passed in).
 */
import { RtspError } from '../errors';
import type { Logger } from '../logger';
import { RtspStatus } from './status';

/**
 * The group a client address counts against: an IPv4 address as it is, an IPv6 address by its /64
 * prefix (RFC 4291 §2.5.4: one host usually owns a whole /64 and picks addresses from it freely, so
 * a per-address cap on full IPv6 addresses would bound nothing). IPv4-mapped IPv6 counts as IPv4.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!plain.includes(':')) return plain;
  const groups = expandIpv6(plain.split('%')[0]);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : plain.toLowerCase();
}

/** The eight 16-bit groups of an IPv6 address in lower-case hex without leading zeros, or undefined. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) stands for two groups.
  const last = tail.length > 0 ? tail : head;
  const quad = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(last[last.length - 1] ?? '');
  if (quad) {
    const b = quad.slice(1).map(Number);
    last.splice(last.length - 1, 1, ((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(16));
}

export interface AdmissionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxSessions: number;
  maxSessionsPerAddress: number;
}

/** What admission needs to know about the server at the moment of a decision. */
export interface AdmissionView {
  /** Addresses of the open connections or the live sessions. */
  holders(): string[];
  /** Ends what is past its deadline, before a refusal. */
  reap(): void;
}

export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly refusals: RefusalLog;
  private readonly now: () => number;

  constructor(limits: AdmissionLimits, logger: Pick<Logger, 'warn'>, refusalLogIntervalMs: number, now: () => number) {
    this.limits = limits;
    this.refusals = new RefusalLog(refusalLogIntervalMs, logger);
    this.now = now;
  }

  /** Why a new connection from `address` is refused (logged), or undefined: accept it. */
  connection(address: string, view: AdmissionView): string | undefined {
    const { maxConnections: max, maxConnectionsPerAddress } = this.limits;
    const check = (): string | undefined =>
      overCap('connections', address, view.holders(), max, { option: 'maxConnectionsPerAddress', max: maxConnectionsPerAddress });
    return this.decide(check, view, `a connection from ${address || '?'}`);
  }

  /** Throws RtspError(503) (logged) when a new session for a client at `address` is refused. */
  session(address: string, remote: string, view: AdmissionView): void {
    const { maxSessions: max, maxSessionsPerAddress } = this.limits;
    const check = (): string | undefined =>
      overCap('sessions', address, view.holders(), max, { option: 'maxSessionsPerAddress', max: maxSessionsPerAddress });
    const refusal = this.decide(check, view, `a session to ${remote}`);
    if (refusal) throw new RtspError(RtspStatus.SERVICE_UNAVAILABLE, refusal);
  }

  /** Logs a refusal (also for another reason: the server is closing) and returns the reason. */
  refuse(what: string, why: string): string {
    this.refusals.note(`rtsp: refusing ${what}: ${why}`, this.now());
    return why;
  }

  private decide(check: () => string | undefined, view: AdmissionView, what: string): string | undefined {
    let refusal = check();
    if (refusal) {
      view.reap();
      refusal = check();
    }
    if (refusal) this.refuse(what, refusal);
    return refusal;
  }
}

/**
 * Why one more connection or session for `address` would pass a cap, or undefined: first the total
 * (`holders` are the addresses of those open now), then the share of the address's group.
 */
export function overCap(
  what: 'connections' | 'sessions',
  address: string,
  holders: readonly string[],
  max: number,
  perAddress: { option: string; max: number },
): string | undefined {
  if (holders.length >= max) return `already ${holders.length} ${what}`;
  const key = addressKey(address);
  let own = 0;
  for (const holder of holders) if (addressKey(holder) === key) own++;
  return own >= perAddress.max ? `already ${own} ${what} for ${key} (${perAddress.option} ${perAddress.max})` : undefined;
}

/**
 * Logs refusals (connections, SETUPs) at warn at most once per interval, with how many were refused
 * since the last line, so a client hammering a full server cannot flood the log.
 */
export class RefusalLog {
  private readonly intervalMs: number;
  private readonly logger: Pick<Logger, 'warn'>;
  private lastLogMs = -Infinity;
  private suppressed = 0;

  constructor(intervalMs: number, logger: Pick<Logger, 'warn'>) {
    this.intervalMs = intervalMs;
    this.logger = logger;
  }

  /** Logs this refusal now, or folds it into the next line. Returns whether it logged. */
  note(message: string, now: number): boolean {
    if (now - this.lastLogMs < this.intervalMs) {
      this.suppressed++;
      return false;
    }
    this.logger.warn(this.suppressed > 0 ? `${message} (and ${this.suppressed} more refused since the last report)` : message);
    this.lastLogMs = now;
    this.suppressed = 0;
    return true;
  }
}
