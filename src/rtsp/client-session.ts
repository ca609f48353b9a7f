/**
 * The state machine of one RTSP session (RFC 2326 Appendix A.2, server side):
 *
 *   init --SETUP--> ready --PLAY--> playing
 *                   ready <--PAUSE-- playing
 *   any  --TEARDOWN (or timeout, or its TCP connection closing)--> closed
 *
 * One `state` field, one guard per method: a method the table below does not allow in the current
 * state is answered 455 Method Not Valid in This State (RFC 2326 §11.3.6). The class holds no timers
 * and no sockets; the server performs the side effects (sending media, ending the session).
 */
import { EventEmitter } from 'events';
import { RtspError } from '../errors';
import type { PortPair } from './headers';
import { RtspStatus } from './status';

export type ClientSessionState = 'init' | 'ready' | 'playing' | 'closed';

/** The methods that act on a session. */
export type SessionMethod = 'SETUP' | 'PLAY' | 'PAUSE' | 'RECORD' | 'TEARDOWN' | 'GET_PARAMETER' | 'SET_PARAMETER' | 'OPTIONS';

const ALL_OPEN: readonly ClientSessionState[] = ['init', 'ready', 'playing'];

/** Where each method is valid. PLAY may be repeated while playing (as gortsplib allows). */
const ALLOWED: Readonly<Record<SessionMethod, readonly ClientSessionState[]>> = {
  SETUP: ['init', 'ready'],
  PLAY: ['ready', 'playing'],
  PAUSE: ['ready', 'playing'],
  RECORD: ['ready', 'playing'],
  TEARDOWN: ALL_OPEN,
  GET_PARAMETER: ALL_OPEN,
  SET_PARAMETER: ALL_OPEN,
  OPTIONS: ALL_OPEN,
};

/** The state each method leads to; absent = unchanged. */
const NEXT: Partial<Record<SessionMethod, ClientSessionState>> = {
  SETUP: 'ready',
  PLAY: 'playing',
  PAUSE: 'ready',
  TEARDOWN: 'closed',
};

/** Media delivery negotiated by SETUP. */
export type SessionTransport =
  | { kind: 'udp'; address: string; clientPorts: PortPair; serverPorts: PortPair }
  | { kind: 'tcp'; channels: PortPair };

/** Why a session ended, as reported in the server's 'session' event. */
export type SessionEndReason = 'teardown' | 'timeout' | 'closed';

export interface ClientSessionInit {
  id: string;
  /** `address:port` of the RTSP connection that created it (for logs and events). */
  remote: string;
  /** Identifies the RTSP connection that created it; a TCP session lives and dies with it. */
  connectionId: number;
  /** Advertised in the Session header (RFC 2326 §12.37); the server ends the session after it. */
  timeoutS: number;
  /** The timeout once its RTSP connection closed without TEARDOWN (RtspDefaults.orphanTimeoutMs);
   * default: timeoutS. The shorter of the two applies. */
  orphanTimeoutMs?: number;
  /** The client's address (per-address limits); default: `remote` without its port. */
  address?: string;
  now: number;
}

/**
 * One client's session. Emits 'state' (state, previous) on every change; never 'error'.
 */
export class ClientSession extends EventEmitter {
  readonly id: string;
  readonly remote: string;
  readonly connectionId: number;
  readonly timeoutS: number;
  readonly address: string;
  private readonly orphanTimeoutMs: number;
  private current: ClientSessionState = 'init';
  private orphaned = false;
  private lastActivityMs: number;
  private negotiated: SessionTransport | undefined;

  constructor(init: ClientSessionInit) {
    super();
    this.id = init.id;
    this.remote = init.remote;
    this.connectionId = init.connectionId;
    this.timeoutS = init.timeoutS;
    this.orphanTimeoutMs = Math.min(init.orphanTimeoutMs ?? Infinity, init.timeoutS * 1000);
    this.address = init.address ?? init.remote.replace(/:\d+$/, '');
    this.lastActivityMs = init.now;
  }

  get state(): ClientSessionState {
    return this.current;
  }

  get transport(): SessionTransport | undefined {
    return this.negotiated;
  }

  get lastActivity(): number {
    return this.lastActivityMs;
  }

  /** Liveness: any request naming the session, any byte on its TCP connection, any RTCP from its UDP ports. */
  touch(now: number): void {
    if (now > this.lastActivityMs) this.lastActivityMs = now;
  }

  /** The RTSP connection that created it closed without TEARDOWN (a UDP session lives on, RFC 2326
   * §12.37), so from now on it must show liveness within the orphan timeout. */
  orphan(): void {
    this.orphaned = true;
  }

  /** Its RTSP connection is gone (see orphan()). */
  get isOrphaned(): boolean {
    return this.orphaned;
  }

  /** True when nothing kept the session alive for its timeout (the orphan timeout once orphaned). */
  expired(now: number): boolean {
    const limitMs = this.orphaned ? this.orphanTimeoutMs : this.timeoutS * 1000;
    return this.current !== 'closed' && now - this.lastActivityMs > limitMs;
  }

  /** Throws RtspError(455) unless `method` is valid in the current state. */
  check(method: SessionMethod): void {
    if (!ALLOWED[method].includes(this.current)) {
      throw new RtspError(
        RtspStatus.METHOD_NOT_VALID_IN_THIS_STATE,
        `${method} is not valid in state ${this.current} (allowed in ${ALLOWED[method].join(', ')})`,
      );
    }
  }

  /** Checks the guard, then moves to the method's next state. */
  apply(method: SessionMethod): void {
    this.check(method);
    const next = NEXT[method];
    if (next !== undefined) this.transition(next);
  }

  /** SETUP: checks the guard, records the transport and moves to ready. */
  setup(transport: SessionTransport): void {
    this.check('SETUP');
    this.negotiated = transport;
    this.transition('ready');
  }

  /** Ends the session from any state (TEARDOWN, timeout, connection or server closing). Idempotent. */
  close(): boolean {
    if (this.current === 'closed') return false;
    this.transition('closed');
    return true;
  }

  private transition(next: ClientSessionState): void {
    const previous = this.current;
    if (next === previous) return;
    this.current = next;
    this.emit('state', next, previous);
  }
}
