/**
 * The RTSP methods (RFC 2326 §10) of a server that serves one live H.264 stream. Each handler
 * validates the request, finds the session, checks the session's state guard and asks the server
 * core for the side effect; an RtspError thrown anywhere becomes the reply's status code.
 *
 * Client behaviour these handlers are built for is measured in docs/RTSP-CLIENTS.md §4-§5.
 */
import { RtspError } from '../errors';
import type { ParameterSets } from '../media/types';
import type { DigestAuthenticator } from './auth';
import { RtspDefaults } from './defaults';
import type { ClientSession, SessionEndReason, SessionTransport } from './client-session';
import type { ClientStream, PlayStart } from './client-stream';
import type { RtspConnection } from './connection';
import {
  formatRange,
  formatRtpInfo,
  formatSession,
  formatTransport,
  parseSession,
  parseTransport,
  type PortPair,
  type TransportSpec,
} from './headers';
import type { RtspRequest, RtspResponse } from './message';
import { buildSdp, SdpDefaults } from '../media/sdp';
import type { ResolvedRtspOptions } from './server-options';
import { waitForParameterSets } from '../media/source';
import { RtspStatus } from './status';
import { classifyTarget, contentBase, trackUrl, type RequestTarget } from './url';

/** A session and its media. */
export interface SessionEntry {
  session: ClientSession;
  stream: ClientStream;
}

/** What the method handlers need from the server. */
export interface ServerCore {
  readonly config: ResolvedRtspOptions;
  readonly auth: DigestAuthenticator | undefined;
  /** The shared UDP [rtp, rtcp] server ports. */
  udpPorts(): PortPair;
  /** o= session id of the SDP, stable for the server's lifetime. */
  readonly sdpSessionId: number;
  /** A new session for `conn` may be set up: throws RtspError(503) beyond maxClients or the
   * per-address cap (expired sessions are reaped first). */
  admitSession(conn: RtspConnection): void;
  findSession(id: string): SessionEntry | undefined;
  sessionsOf(conn: RtspConnection): SessionEntry[];
  /** SETUP: creates the session (or re-negotiates an existing one) in state ready. */
  setupSession(conn: RtspConnection, transport: SessionTransport, existing: SessionEntry | undefined): SessionEntry;
  /** PLAY: guard, then start sending from the next keyframe; returns what RTP-Info announces. */
  play(entry: SessionEntry): PlayStart;
  /** PAUSE: guard, then stop sending; the session stays. */
  pause(entry: SessionEntry): void;
  endSession(entry: SessionEntry, reason: SessionEndReason): void;
}

const BASE_METHODS = ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER'];

/** Answers one request; never rejects. */
export async function handleRequest(core: ServerCore, conn: RtspConnection, req: RtspRequest): Promise<RtspResponse> {
  try {
    return await dispatch(core, conn, req);
  } catch (err) {
    if (err instanceof RtspError) {
      core.config.logger.debug(`rtsp: ${conn.remote}: ${req.method} ${req.uri}: ${err.status} ${err.message}`);
      return { status: err.status, headers: [] };
    }
    const message = err instanceof Error ? err.message : String(err);
    core.config.logger.warn(`rtsp: ${conn.remote}: ${req.method} ${req.uri} failed: ${message}`);
    return { status: RtspStatus.INTERNAL_SERVER_ERROR, headers: [] };
  }
}

async function dispatch(core: ServerCore, conn: RtspConnection, req: RtspRequest): Promise<RtspResponse> {
  const auth = core.auth;
  // OPTIONS stays open: players send it first and it reveals nothing (RFC 2326 §10.1).
  if (auth && req.method !== 'OPTIONS') {
    // The nonce is bound to this connection and the digest's uri to this request (a sniffed header
    // replayed elsewhere gets a 401), see auth.ts.
    const result = auth.verify(req.method, req.headers.get('authorization'), { uri: req.uri, connection: conn.id });
    if (!result.ok) {
      core.config.logger.debug(`rtsp: ${conn.remote}: ${req.method} unauthorized: ${result.reason}`);
      return { status: RtspStatus.UNAUTHORIZED, headers: [['WWW-Authenticate', auth.challenge(result.stale, conn.id)]] };
    }
  }
  const entry = lookupSession(core, conn, req);
  if (entry) entry.session.touch(core.config.now());
  const target = classifyTarget(req.uri, core.config.path, SdpDefaults.trackControl);
  switch (req.method) {
    case 'OPTIONS':
      return ok(entry, [['Public', publicMethods(core).join(', ')]]);
    case 'DESCRIBE':
      return describe(core, conn, req, target);
    case 'SETUP':
      return setup(core, conn, req, target, entry);
    case 'PLAY': {
      const e = requireSession(entry, req);
      requireStream(target);
      const start = core.play(e); // checks the state guard before any side effect
      const url = target.kind === 'track' ? stripQuery(req.uri) : trackUrl(req.uri, SdpDefaults.trackControl);
      return ok(e, [
        ['Range', formatRange({ start: 0 })],
        ['RTP-Info', formatRtpInfo([{ url, seq: start.seq, rtptime: start.rtptime }])],
      ]);
    }
    case 'PAUSE': {
      const e = requireSession(entry, req);
      core.pause(e); // checks the state guard before any side effect
      return ok(e, []);
    }
    case 'TEARDOWN': {
      const e = requireSession(entry, req);
      e.session.check('TEARDOWN');
      core.endSession(e, 'teardown');
      return ok(e, []);
    }
    case 'GET_PARAMETER':
    case 'SET_PARAMETER':
      // The players' keep-alive (docs/RTSP-CLIENTS.md §4): an empty 200. No parameters are exposed.
      return ok(entry, []);
    case 'RECORD':
      return record(core, req, entry);
    default:
      return { status: RtspStatus.NOT_IMPLEMENTED, headers: [['Public', publicMethods(core).join(', ')]] };
  }
}

async function describe(core: ServerCore, conn: RtspConnection, req: RtspRequest, target: RequestTarget): Promise<RtspResponse> {
  if (target.kind !== 'aggregate') throw notFound(req.uri);
  const config = core.config;
  const parameterSets: ParameterSets | undefined = await waitForParameterSets(config.source, config.describeWaitMs, conn.signal);
  if (!parameterSets) {
    // 503 tells every player the stream is not there yet (VLC then tries RTSP-over-HTTP tunnelling,
    // as for any code but 401/404, and that fails harmlessly: docs/RTSP-CLIENTS.md §5).
    throw new RtspError(RtspStatus.SERVICE_UNAVAILABLE, 'no SPS/PPS from the source yet');
  }
  const family = conn.localAddress.includes(':') ? '::' : '0.0.0.0';
  const sdp = buildSdp({
    sessionId: core.sdpSessionId,
    originAddress: conn.localAddress || '127.0.0.1',
    connectionAddress: family,
    sessionName: 'actioncam live preview',
    port: 0,
    payloadType: config.payloadType,
    parameterSets,
    control: true,
    tool: RtspDefaults.serverName,
  });
  return {
    status: RtspStatus.OK,
    headers: [
      ['Content-Type', 'application/sdp'],
      // With a trailing slash, so that base + control resolves for every client (docs/RTSP-CLIENTS.md §5 live555).
      ['Content-Base', contentBase(req.uri)],
    ],
    body: sdp,
  };
}

function setup(
  core: ServerCore,
  conn: RtspConnection,
  req: RtspRequest,
  target: RequestTarget,
  entry: SessionEntry | undefined,
): RtspResponse {
  // The aggregate URL is accepted too: the stream has one track (VLC's SAT>IP probe SETUPs it, §5).
  requireStream(target);
  entry?.session.check('SETUP');
  const header = req.headers.get('transport');
  if (header === undefined) throw new RtspError(RtspStatus.BAD_REQUEST, 'SETUP without Transport');
  const taken = new Set<number>();
  for (const other of core.sessionsOf(conn)) {
    const t = other.session.transport;
    if (other !== entry && t?.kind === 'tcp') t.channels.forEach((c) => taken.add(c));
  }
  const chosen = chooseTransport(parseTransport(header), conn, core.udpPorts(), taken);
  if (!chosen) throw new RtspError(RtspStatus.UNSUPPORTED_TRANSPORT, `unsupported Transport "${header}"`);
  if (!entry) core.admitSession(conn);
  const created = core.setupSession(conn, chosen.transport, entry);
  const reply: TransportSpec = { ...chosen.reply, ssrc: created.stream.ssrc };
  return ok(created, [['Transport', formatTransport(reply)]]);
}

/** The first transport-spec this server can serve, in the client's order of preference. */
function chooseTransport(
  specs: readonly TransportSpec[],
  conn: RtspConnection,
  serverPorts: PortPair,
  takenChannels: ReadonlySet<number>,
): { transport: SessionTransport; reply: TransportSpec } | undefined {
  for (const spec of specs) {
    if (spec.profile !== 'RTP/AVP') continue;
    // RFC 2326 §12.39 makes multicast the default; every measured client says "unicast", and one that
    // says nothing gets unicast rather than a 461 it could not recover from.
    if (spec.delivery === 'multicast') continue;
    if (spec.mode !== undefined && spec.mode !== 'PLAY') continue; // no ANNOUNCE/RECORD publishing
    if (spec.lowerTransport === 'UDP') {
      const ports = spec.clientPort;
      if (!ports || ports[0] === 0 || ports[1] === 0) continue;
      // Media goes to the address of the RTSP connection, never to a `destination=` (RFC 2326 §12.39
      // allows refusing it; obeying would make the server a traffic reflector).
      return {
        transport: { kind: 'udp', address: conn.remoteAddress, clientPorts: ports, serverPorts },
        reply: { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'unicast', clientPort: ports, serverPort: serverPorts },
      };
    }
    if (spec.lowerTransport === 'TCP') {
      const channels = spec.interleaved ?? freeChannels(takenChannels);
      if (!channels) continue;
      if (takenChannels.has(channels[0]) || takenChannels.has(channels[1])) {
        throw new RtspError(RtspStatus.BAD_REQUEST, `interleaved channels ${channels[0]}-${channels[1]} already in use`);
      }
      return {
        transport: { kind: 'tcp', channels },
        reply: { profile: 'RTP/AVP', lowerTransport: 'TCP', delivery: 'unicast', interleaved: channels },
      };
    }
  }
  return undefined;
}

function freeChannels(taken: ReadonlySet<number>): PortPair | undefined {
  for (let c = 0; c + 1 <= 0xff; c += 2) if (!taken.has(c) && !taken.has(c + 1)) return [c, c + 1];
  return undefined;
}

async function record(core: ServerCore, req: RtspRequest, entry: SessionEntry | undefined): Promise<RtspResponse> {
  const onRecord = core.config.onRecord;
  if (!onRecord) return { status: RtspStatus.NOT_IMPLEMENTED, headers: [['Public', publicMethods(core).join(', ')]] };
  const e = requireSession(entry, req);
  e.session.check('RECORD');
  await onRecord({ id: e.session.id, remote: e.session.remote });
  return ok(e, []);
}

function lookupSession(core: ServerCore, conn: RtspConnection, req: RtspRequest): SessionEntry | undefined {
  const header = req.headers.get('session');
  if (header === undefined) return undefined;
  const { id } = parseSession(header);
  const entry = core.findSession(id);
  if (!entry) throw new RtspError(RtspStatus.SESSION_NOT_FOUND, `no session ${id}`);
  // A TCP session's media flows on its own connection; another connection cannot drive it.
  if (entry.session.transport?.kind === 'tcp' && entry.session.connectionId !== conn.id) {
    throw new RtspError(RtspStatus.SESSION_NOT_FOUND, `session ${id} belongs to another connection`);
  }
  return entry;
}

function requireSession(entry: SessionEntry | undefined, req: RtspRequest): SessionEntry {
  if (!entry) throw new RtspError(RtspStatus.SESSION_NOT_FOUND, `${req.method} without a Session header`);
  return entry;
}

function requireStream(target: RequestTarget): void {
  if (target.kind !== 'aggregate' && target.kind !== 'track') {
    throw notFound(target.kind === 'other' ? target.path : '*');
  }
}

function notFound(what: string): RtspError {
  return new RtspError(RtspStatus.NOT_FOUND, `no stream at ${what}`);
}

function ok(entry: SessionEntry | undefined, headers: Array<readonly [string, string]>): RtspResponse {
  const sessionHeader: Array<readonly [string, string]> = entry ? [['Session', sessionValue(entry)]] : [];
  return { status: RtspStatus.OK, headers: [...sessionHeader, ...headers] };
}

function sessionValue(entry: SessionEntry): string {
  return formatSession({ id: entry.session.id, timeoutS: entry.session.timeoutS });
}

function publicMethods(core: ServerCore): string[] {
  return core.config.onRecord ? [...BASE_METHODS, 'RECORD'] : BASE_METHODS;
}

function stripQuery(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut === -1 ? uri : uri.slice(0, cut);
}
