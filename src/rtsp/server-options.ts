/**
 * RtspServer options, their defaults (from RtspDefaults) and their validation. A bad value is a
 * BadInputError at construction, naming the option, never a failure later on a socket.
 */
import { BadInputError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { defaultRandom, type RandomSource } from '../media/rtp/random';
import { RtspDefaults, type RtspLimitsOptions } from './defaults';
import type { StreamSource } from '../media/source';
import { normalizeMountPath } from './url';

export interface RtspAuthOptions {
  username: string;
  password: string;
  /** Defaults to "actioncam". */
  realm?: string;
}

/** The session that sent RECORD. */
export interface RtspRecordRequest {
  id: string;
  /** `address:port` of the client's RTSP connection. */
  remote: string;
}

export interface RtspServerOptions {
  /** The stream every client receives. */
  source: StreamSource;
  /** Address to listen on (TCP and the UDP pair); default 127.0.0.1. */
  host?: string;
  /** RTSP TCP port; default 8554, 0 = ephemeral. */
  port?: number;
  /** Mount path of the stream; default /live. */
  path?: string;
  payloadType?: number;
  maxPayloadSize?: number;
  /** Advertised in `Session: id;timeout=N`; idle sessions are ended after it. Default 60. */
  sessionTimeoutS?: number;
  /** Digest authentication (RFC 2617) of every method but OPTIONS. */
  auth?: RtspAuthOptions;
  /** Sessions at once; SETUP beyond it gets 503 (connections beyond 2 x maxClients are refused). Default 64. */
  maxClients?: number;
  /** Connections one client address (IPv6: one /64) may hold; more are refused at accept. Default 32. */
  maxConnectionsPerAddress?: number;
  /** Sessions one client address (IPv6: one /64) may hold; SETUP beyond it gets 503. Default 16. */
  maxSessionsPerAddress?: number;
  /** A request (or interleaved frame) must be complete this long after its first byte, or the
   * connection is closed. Default 10000 ms. */
  requestTimeoutMs?: number;
  /** A connection without a session that completes no request for this long is closed.
   * Default 60000 ms, and never more than sessionTimeoutS. */
  idleTimeoutMs?: number;
  /** A UDP session whose RTSP connection closed without TEARDOWN ends after this long without RTCP
   * or a request naming it (instead of sessionTimeoutS). Default 15000 ms. */
  orphanTimeoutMs?: number;
  /** Unsent bytes a TCP client may hold before it skips to the next keyframe. Default 512 KiB. */
  tcpQueueLimitBytes?: number;
  /** RTP port of the shared UDP pair (RTCP = +1); default 0 = ephemeral. */
  rtpPort?: number;
  /** How long DESCRIBE waits for SPS/PPS before 503. Default 5000 ms. */
  describeWaitMs?: number;
  senderReportIntervalMs?: number;
  /** A player sent RECORD on this session: the caller decides what that means (the relay runner
   * starts the camera's SD recording and stops it when the session ends). A rejection is answered
   * 500. Without it RECORD is answered 501 and not listed in Public. */
  onRecord?: (session: RtspRecordRequest) => Promise<void>;
  logger?: Logger;
  /** SSRC, sequence and timestamp bases (session ids always come from crypto). */
  random?: RandomSource;
  /** Wall clock in ms (Date.now): liveness, RTCP NTP time, Date headers. */
  now?: () => number;
  limits?: Partial<RtspLimitsOptions>;
}

export interface ResolvedRtspOptions {
  source: StreamSource;
  host: string;
  port: number;
  path: string;
  payloadType: number;
  maxPayloadSize: number;
  sessionTimeoutS: number;
  auth: RtspAuthOptions | undefined;
  maxClients: number;
  maxConnectionsPerAddress: number;
  maxSessionsPerAddress: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  orphanTimeoutMs: number;
  tcpQueueLimitBytes: number;
  rtpPort: number;
  describeWaitMs: number;
  senderReportIntervalMs: number;
  onRecord: ((session: RtspRecordRequest) => Promise<void>) | undefined;
  logger: Logger;
  random: RandomSource;
  now: () => number;
  limits: Partial<RtspLimitsOptions>;
}

export function resolveRtspOptions(options: RtspServerOptions): ResolvedRtspOptions {
  if (!options || typeof options.source?.on !== 'function' || typeof options.source.parameterSets !== 'function') {
    throw new BadInputError('RTSP server needs a source (an EventEmitter with parameterSets())');
  }
  const resolved: ResolvedRtspOptions = {
    source: options.source,
    host: options.host ?? RtspDefaults.host,
    port: options.port ?? RtspDefaults.port,
    path: normalizeMountPath(options.path ?? RtspDefaults.path),
    payloadType: options.payloadType ?? RtspDefaults.payloadType,
    maxPayloadSize: options.maxPayloadSize ?? RtspDefaults.maxPayloadSize,
    sessionTimeoutS: options.sessionTimeoutS ?? RtspDefaults.sessionTimeoutS,
    auth: options.auth,
    maxClients: options.maxClients ?? RtspDefaults.maxClients,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? RtspDefaults.maxConnectionsPerAddress,
    maxSessionsPerAddress: options.maxSessionsPerAddress ?? RtspDefaults.maxSessionsPerAddress,
    requestTimeoutMs: options.requestTimeoutMs ?? RtspDefaults.requestTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? Math.min(RtspDefaults.idleTimeoutMs, (options.sessionTimeoutS ?? RtspDefaults.sessionTimeoutS) * 1000),
    orphanTimeoutMs: options.orphanTimeoutMs ?? RtspDefaults.orphanTimeoutMs,
    tcpQueueLimitBytes: options.tcpQueueLimitBytes ?? RtspDefaults.tcpQueueLimitBytes,
    rtpPort: options.rtpPort ?? RtspDefaults.rtpPort,
    describeWaitMs: options.describeWaitMs ?? RtspDefaults.describeWaitMs,
    senderReportIntervalMs: options.senderReportIntervalMs ?? RtspDefaults.senderReportIntervalMs,
    onRecord: options.onRecord,
    logger: options.logger ?? silentLogger,
    random: options.random ?? defaultRandom,
    now: options.now ?? Date.now,
    limits: options.limits ?? {},
  };
  integer('port', resolved.port, 0, 65535);
  integer('rtpPort', resolved.rtpPort, 0, 65534);
  if (resolved.rtpPort % 2 !== 0) throw new BadInputError(`RTSP rtpPort must be even (RTCP uses the next port), got ${resolved.rtpPort}`);
  integer('payloadType', resolved.payloadType, 96, 127);
  integer('maxPayloadSize', resolved.maxPayloadSize, 100, 65495);
  integer('sessionTimeoutS', resolved.sessionTimeoutS, 1, 86400);
  integer('maxClients', resolved.maxClients, 1, 10000);
  integer('maxConnectionsPerAddress', resolved.maxConnectionsPerAddress, 1, 20000);
  integer('maxSessionsPerAddress', resolved.maxSessionsPerAddress, 1, 10000);
  integer('requestTimeoutMs', resolved.requestTimeoutMs, 100, 3600000);
  integer('idleTimeoutMs', resolved.idleTimeoutMs, 100, 86400000);
  integer('orphanTimeoutMs', resolved.orphanTimeoutMs, 100, 86400000);
  integer('tcpQueueLimitBytes', resolved.tcpQueueLimitBytes, 1, 2 ** 31);
  integer('describeWaitMs', resolved.describeWaitMs, 0, 60000);
  integer('senderReportIntervalMs', resolved.senderReportIntervalMs, 100, 3600000);
  if (!/^[!-~]*$/.test(resolved.path)) throw new BadInputError(`RTSP path must be printable ASCII without spaces, got "${resolved.path}"`);
  if (resolved.auth && (!resolved.auth.username || typeof resolved.auth.password !== 'string')) {
    throw new BadInputError('RTSP auth needs a username and a password');
  }
  return resolved;
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadInputError(`RTSP ${name} must be an integer ${min}-${max}, got ${value}`);
  }
}
