/**
 * Options of CameraSession, their validation, and the fully resolved form the session runs on.
 */
import * as net from 'net';
import { BadInputError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { encodeLoginPayload } from '../protocol';
import { MAX_TIMER_MS, SessionDefaults } from './defaults';

export interface CameraSessionOptions {
  /** Camera address, e.g. 192.168.100.1. */
  host: string;
  /** Control port; defaults to 6666. */
  port?: number;
  /** Login name; defaults to "admin". */
  username?: string;
  /** Login password; defaults to "12345". Never logged. */
  password?: string;
  /** TCP handshake limit; defaults to 5 s. */
  connectTimeoutMs?: number;
  /** Wait for the login accept (0111); defaults to 5 s. */
  loginTimeoutMs?: number;
  /** Default per-request limit, including any wait for a reconnect; defaults to 5 s. */
  requestTimeoutMs?: number;
  /** Interval of our own ALIVE_REQUEST; defaults to 5 s. */
  keepAliveIntervalMs?: number;
  /** No inbound byte for this long = dead link; defaults to 15 s. */
  deadAfterMs?: number;
  /** Re-dial and log in again after a failure; defaults to true. */
  reconnect?: boolean;
  /** Back-off floor; defaults to 1 s. */
  reconnectMinMs?: number;
  /** Back-off cap; defaults to 30 s. */
  reconnectMaxMs?: number;
  /**
   * Send SET_CLOCK (A011) with this computer's local time after every login (experimental: the
   * message is inferred, docs/PROTOCOL.md §10); defaults to false.
   */
  setClockOnLogin?: boolean;
  /** A file list with more entries is refused (ProtocolError); defaults to 200,000. */
  maxFileListEntries?: number;
  /** A file list with more bytes of text is refused (ProtocolError); defaults to 16 MiB. */
  maxFileListBytes?: number;
  /** Unsent bytes (the camera does not read) beyond which the link is dead; defaults to 1 MiB. */
  maxWriteQueueBytes?: number;
  /** A watchdog this late was held up by our own event loop, not the camera; defaults to 1 s. */
  stallToleranceMs?: number;
  /** Back-off cap while the camera is unreachable (refused, no route, no answer); defaults to 2 s. */
  reconnectUnreachableMaxMs?: number;
  logger?: Logger;
  /** Wall clock for setClock() and setClockOnLogin; defaults to () => new Date(). */
  wallClock?: () => Date;
  /** Uniform random source in [0, 1) for the back-off jitter; defaults to Math.random. */
  random?: () => number;
  /** Monotonic clock in ms for the liveness watchdog; defaults to performance.now. */
  now?: () => number;
  /** Transport seam; defaults to net.createConnection. */
  createConnection?: (port: number, host: string) => net.Socket;
}

export interface ResolvedSessionOptions {
  host: string;
  port: number;
  username: string;
  /** The 128-byte LOGIN payload, built (and validated) once. */
  loginPayload: Buffer;
  connectTimeoutMs: number;
  loginTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveIntervalMs: number;
  deadAfterMs: number;
  reconnect: boolean;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  setClockOnLogin: boolean;
  maxFileListEntries: number;
  maxFileListBytes: number;
  maxWriteQueueBytes: number;
  stallToleranceMs: number;
  reconnectUnreachableMaxMs: number;
  logger: Logger;
  wallClock: () => Date;
  random: () => number;
  now: () => number;
  createConnection: (port: number, host: string) => net.Socket;
}

/** Fills in defaults; throws BadInputError for values that cannot work. */
export function resolveSessionOptions(options: CameraSessionOptions): ResolvedSessionOptions {
  if (typeof options.host !== 'string' || options.host.trim() === '') {
    throw new BadInputError('camera host is required (e.g. 192.168.100.1)');
  }
  const port = options.port ?? SessionDefaults.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BadInputError(`camera port must be an integer from 1 to 65535, got ${port}`);
  }
  const username = options.username ?? SessionDefaults.username;
  const resolved: ResolvedSessionOptions = {
    host: options.host.trim(),
    port,
    username,
    loginPayload: encodeLoginPayload(username, options.password ?? SessionDefaults.password),
    connectTimeoutMs: duration('connectTimeoutMs', options.connectTimeoutMs, SessionDefaults.connectTimeoutMs),
    loginTimeoutMs: duration('loginTimeoutMs', options.loginTimeoutMs, SessionDefaults.loginTimeoutMs),
    requestTimeoutMs: duration('requestTimeoutMs', options.requestTimeoutMs, SessionDefaults.requestTimeoutMs),
    keepAliveIntervalMs: duration('keepAliveIntervalMs', options.keepAliveIntervalMs, SessionDefaults.keepAliveIntervalMs),
    deadAfterMs: duration('deadAfterMs', options.deadAfterMs, SessionDefaults.deadAfterMs),
    reconnect: options.reconnect ?? SessionDefaults.reconnect,
    reconnectMinMs: duration('reconnectMinMs', options.reconnectMinMs, SessionDefaults.reconnectMinMs),
    reconnectMaxMs: duration('reconnectMaxMs', options.reconnectMaxMs, SessionDefaults.reconnectMaxMs),
    setClockOnLogin: options.setClockOnLogin === true,
    maxFileListEntries: count('maxFileListEntries', options.maxFileListEntries, SessionDefaults.maxFileListEntries),
    maxFileListBytes: count('maxFileListBytes', options.maxFileListBytes, SessionDefaults.maxFileListBytes),
    maxWriteQueueBytes: count('maxWriteQueueBytes', options.maxWriteQueueBytes, SessionDefaults.maxWriteQueueBytes),
    stallToleranceMs: duration('stallToleranceMs', options.stallToleranceMs, SessionDefaults.stallToleranceMs),
    reconnectUnreachableMaxMs: duration('reconnectUnreachableMaxMs', options.reconnectUnreachableMaxMs, SessionDefaults.reconnectUnreachableMaxMs),
    logger: options.logger ?? silentLogger,
    wallClock: options.wallClock ?? (() => new Date()),
    random: options.random ?? Math.random,
    now: options.now ?? (() => performance.now()),
    createConnection: options.createConnection ?? ((p, h) => net.createConnection(p, h)),
  };
  if (resolved.reconnectMaxMs < resolved.reconnectMinMs) {
    throw new BadInputError(`reconnectMaxMs (${resolved.reconnectMaxMs}) must not be below reconnectMinMs (${resolved.reconnectMinMs})`);
  }
  return resolved;
}

function duration(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMER_MS) {
    throw new BadInputError(`${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return v;
}

function count(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new BadInputError(`${name} must be a whole number above 0, got ${String(value)}`);
  }
  return v;
}
