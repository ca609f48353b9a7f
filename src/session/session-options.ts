/**
 * Options of CameraSession, their validation, and the fully resolved form the session runs on.
 */
import * as net from 'net';
import { BadInputError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { encodeLoginPayload } from '../protocol';
import { SessionDefaults } from './defaults';

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
  /** Back-off cap while the camera is unreachable (refused, no route, no answer); defaults to 2 s. */
  reconnectUnreachableMaxMs?: number;
  logger?: Logger;
  /** Uniform random source in [0, 1) for the back-off jitter; defaults to Math.random. */
  random?: () => number;
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
  reconnectUnreachableMaxMs: number;
  logger: Logger;
  random: () => number;
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
    reconnectUnreachableMaxMs: duration('reconnectUnreachableMaxMs', options.reconnectUnreachableMaxMs, SessionDefaults.reconnectUnreachableMaxMs),
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    createConnection: options.createConnection ?? ((p, h) => net.createConnection(p, h)),
  };
  if (resolved.reconnectMaxMs < resolved.reconnectMinMs) {
    throw new BadInputError(`reconnectMaxMs (${resolved.reconnectMaxMs}) must not be below reconnectMinMs (${resolved.reconnectMinMs})`);
  }
  return resolved;
}

/** Largest delay setTimeout honours (2^31-1 ms); larger values would fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

function duration(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMER_MS) {
    throw new BadInputError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return v;
}
