/**
 * RtspServer: serves one live H.264 StreamSource at rtsp://host:port/path to many clients at once,
 * over UDP (one shared RTP/RTCP port pair) or TCP-interleaved (RFC 2326 §10.12).
 *
 * The server owns every socket and the single housekeeping timer (session reaper, connection
 * deadlines, RTCP sender reports), which runs only while a connection or a session exists: an idle
 * server wakes nobody. Sessions are ClientSession state machines; each has a ClientStream with its
 * own packetizer. The contract it satisfies is docs/RTSP-CLIENTS.md §7.
 *
 * Connections and sessions are capped in all and per client address (admission.ts); each
 * connection's request and idle deadlines are checked by the tick (RtspConnection.overdue).
 *
 * Events: 'session' (RtspSessionEvent). Never 'error': failures are logged and answered.
 */
import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';
import * as net from 'net';
import { BadInputError, InvalidStateError } from '../errors';
import { randomUint } from '../media/rtp/random';
import { listenOn } from '../net/tcp-listen';
import { Admission } from './admission';
import { DigestAuthenticator } from './auth';
import { ClientSession, type SessionEndReason, type SessionTransport } from './client-session';
import { ClientStream, type MediaSink, type PlayStart } from './client-stream';
import { RtspConnection, type ConnectionHandler } from './connection';
import { RtspDefaults } from './defaults';
import { FanOut } from './fan-out';
import { handleRequest, type ServerCore, type SessionEntry } from './methods';
import { resolveRtspOptions, type ResolvedRtspOptions, type RtspServerOptions } from './server-options';
import { UdpTransport } from './udp-transport';
import { buildRtspUrl } from './url';

export type { RtspServerOptions } from './server-options';

export interface RtspSessionEvent {
  event: 'play' | 'teardown' | 'timeout' | 'closed';
  id: string;
  /** `address:port` of the client's RTSP connection. */
  remote: string;
  transport: 'udp' | 'tcp';
}

export interface RtspServerStats {
  /** Sessions (set up, playing or paused). */
  clients: number;
  /** Open RTSP connections. */
  connections: number;
  playing: number;
  /** RTP packets and bytes (headers included) sent to all clients since listen(). */
  packetsSent: number;
  bytesSent: number;
  /** Access units skipped for TCP clients that could not keep up. */
  framesDropped: number;
}

export interface RtspListenInfo {
  host: string;
  port: number;
  url: string;
}

type ServerState = 'idle' | 'starting' | 'listening' | 'closed';

/** Connections beyond maxClients x this are refused at accept: each session needs one, probes a few more. */
const CONNECTIONS_PER_CLIENT = 2;
/** Housekeeping period: often enough for SR timing and a 1 s test timeout, rare enough to cost nothing. */
const MAX_TICK_MS = 500;
const MIN_TICK_MS = 50;

export class RtspServer extends EventEmitter {
  private readonly config: ResolvedRtspOptions;
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly connections = new Map<number, RtspConnection>();
  private readonly fanOut: FanOut;
  private readonly udp: UdpTransport;
  private readonly core: ServerCore;
  private readonly handler: ConnectionHandler;
  private readonly admission: Admission;
  private readonly cname = `actioncam-${randomBytes(4).toString('hex')}`;
  private state: ServerState = 'idle';
  private tcp: net.Server | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;
  private listenInfo: RtspListenInfo | undefined;
  private closing: Promise<void> | undefined;
  private starting: Promise<RtspListenInfo> | undefined;

  constructor(options: RtspServerOptions) {
    super();
    this.config = resolveRtspOptions(options);
    const { config } = this;
    const maxConnections = config.maxClients * CONNECTIONS_PER_CLIENT;
    const { maxConnectionsPerAddress, maxClients: maxSessions, maxSessionsPerAddress } = config;
    const limits = { maxConnections, maxConnectionsPerAddress, maxSessions, maxSessionsPerAddress };
    this.admission = new Admission(limits, config.logger, RtspDefaults.refusalLogIntervalMs, config.now);
    this.fanOut = new FanOut(config.source, config.now, config.logger);
    this.udp = new UdpTransport({
      host: config.host,
      rtpPort: config.rtpPort,
      logger: config.logger,
      onDatagram: (address, port) => this.onDatagram(address, port),
    });
    const maxNonces = maxConnections * RtspDefaults.noncesPerConnection;
    const auth = config.auth ? new DigestAuthenticator({ ...config.auth, now: config.now, maxNonces }) : undefined;
    const sdpSessionId = randomUint(config.random, 31);
    this.core = {
      config,
      auth,
      sdpSessionId,
      udpPorts: () => this.udp.ports,
      admitSession: (conn) => this.admitSession(conn),
      findSession: (id) => this.sessions.get(id),
      sessionsOf: (conn) => [...this.sessions.values()].filter((e) => e.session.connectionId === conn.id),
      setupSession: (conn, transport, existing) => this.setupSession(conn, transport, existing),
      play: (entry) => this.play(entry),
      pause: (entry) => this.pause(entry),
      endSession: (entry, reason) => this.endSession(entry, reason),
    };
    this.handler = {
      handleRequest: (conn, request) => handleRequest(this.core, conn, request),
      handleInterleaved: () => undefined, // client RTCP over TCP: its bytes already counted as liveness
      handleActivity: (conn) => this.touchConnection(conn),
      handleClose: (conn) => {
        auth?.forget(conn.id);
        this.onConnectionClose(conn);
      },
    };
  }

  /** rtsp://host:port/path (the bound port once listening). */
  get url(): string {
    return this.listenInfo?.url ?? buildRtspUrl(this.config.host, this.config.port, this.config.path);
  }

  /** Binds the RTSP port and the UDP pair and starts serving. */
  listen(): Promise<RtspListenInfo> {
    if (this.state !== 'idle') return Promise.reject(new InvalidStateError(`RTSP server cannot listen: it is ${this.state}`));
    this.state = 'starting';
    const starting = this.start();
    this.starting = starting;
    return starting;
  }

  private async start(): Promise<RtspListenInfo> {
    const { host, port, path } = this.config;
    try {
      await this.udp.open();
      this.assertStarting();
      const tcp = net.createServer((socket) => this.onConnection(socket));
      this.tcp = tcp;
      const bound = (await listenOn(tcp, host, port)).port;
      this.assertStarting();
      tcp.on('error', (err) => this.config.logger.warn(`rtsp: listener error: ${err.message}`));
      this.listenInfo = { host, port: bound, url: buildRtspUrl(host, bound, path) };
      this.state = 'listening';
      this.fanOut.attach();
      this.config.logger.info(`rtsp: serving ${this.listenInfo.url} (RTP/RTCP UDP ${this.udp.ports.join('-')})`);
      return { ...this.listenInfo };
    } catch (err) {
      const tcp = this.tcp;
      this.tcp = undefined;
      await Promise.all([tcp ? closeServer(tcp) : Promise.resolve(), this.udp.close()]);
      if (this.state === 'starting') this.state = 'idle'; // a failed listen() may be retried
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new BadInputError(`RTSP server cannot listen on ${host}:${port} (${code}): choose another address or port`);
      }
      throw err;
    }
  }

  private assertStarting(): void {
    if (this.state !== 'starting') throw new InvalidStateError('RTSP server was closed while starting');
  }

  /**
   * Stops serving: RTCP BYE to every playing client (best effort), then every socket is destroyed
   * (no TEARDOWN exchange). Idempotent; resolves when all sockets are closed.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  stats(): RtspServerStats {
    let playing = 0;
    for (const { session } of this.sessions.values()) if (session.state === 'playing') playing++;
    return { clients: this.sessions.size, connections: this.connections.size, playing, ...this.fanOut.stats() };
  }

  private async shutdown(): Promise<void> {
    this.state = 'closed';
    if (this.starting) await this.starting.catch(() => undefined); // it sees 'closed' and cleans up
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    for (const entry of [...this.sessions.values()]) this.endSession(entry, 'closed');
    this.fanOut.detach();
    for (const conn of this.connections.values()) conn.destroy();
    const tcp = this.tcp;
    this.tcp = undefined;
    await Promise.all([
      tcp ? closeServer(tcp) : Promise.resolve(),
      this.udp.close(),
    ]);
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => undefined); // until RtspConnection attaches its own listener
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const view = { holders: () => [...this.connections.values()].map((c) => c.remoteAddress), reap: () => this.reapConnections() };
    const refused =
      this.state === 'listening' ? this.admission.connection(address, view) : this.admission.refuse(`a connection from ${address || '?'}`, this.state);
    if (refused) {
      socket.destroy();
      return;
    }
    const conn = new RtspConnection(socket, {
      id: this.nextConnectionId++,
      handler: this.handler,
      logger: this.config.logger,
      serverName: RtspDefaults.serverName,
      lingerMs: RtspDefaults.lingerMs,
      requestTimeoutMs: this.config.requestTimeoutMs,
      idleTimeoutMs: this.config.idleTimeoutMs,
      limits: this.config.limits,
      now: this.config.now,
    });
    this.connections.set(conn.id, conn);
    this.startTick();
    this.config.logger.debug(`rtsp: connection from ${conn.remote}`);
  }

  /** SETUP of a new session from `conn`: throws 503 beyond maxClients or maxSessionsPerAddress. */
  private admitSession(conn: RtspConnection): void {
    const view = { holders: () => [...this.sessions.values()].map((e) => e.session.address), reap: () => this.reapSessions() };
    this.admission.session(conn.remoteAddress, conn.remote, view);
  }

  private onConnectionClose(conn: RtspConnection): void {
    this.connections.delete(conn.id);
    this.config.logger.debug(`rtsp: ${conn.remote} disconnected`);
    // A TCP session cannot outlive the connection that carries its media; a UDP one lives on
    // until TEARDOWN or its timeout (RFC 2326 §12.37), as in gortsplib, but as an orphan: every
    // measured player keeps its connection while it plays (docs/RTSP-CLIENTS.md §4), so from now on
    // it must show RTCP within the orphan timeout.
    for (const entry of [...this.sessions.values()]) {
      if (entry.session.connectionId !== conn.id) continue;
      if (entry.session.transport?.kind === 'tcp') this.endSession(entry, 'closed');
      else entry.session.orphan();
    }
    this.stopTickWhenIdle();
  }

  private touchConnection(conn: RtspConnection): void {
    const now = this.config.now();
    for (const { session } of this.sessions.values()) if (session.connectionId === conn.id) session.touch(now);
  }

  /** Any datagram from a client's UDP port pair (its RTCP receiver reports) is liveness. */
  private onDatagram(address: string, port: number): void {
    const now = this.config.now();
    for (const { session } of this.sessions.values()) {
      const t = session.transport;
      if (t?.kind === 'udp' && t.address === address.replace(/^::ffff:/, '') && (t.clientPorts[0] === port || t.clientPorts[1] === port)) {
        session.touch(now);
      }
    }
  }

  private setupSession(conn: RtspConnection, transport: SessionTransport, existing: SessionEntry | undefined): SessionEntry {
    const config = this.config;
    const sink: MediaSink =
      transport.kind === 'udp' ? this.udp.sink(transport.address, transport.clientPorts) : conn.sink(transport.channels);
    const ssrc = existing ? existing.stream.ssrc : randomUint(config.random, 32);
    const stream = new ClientStream({
      sink,
      ssrc,
      payloadType: config.payloadType,
      maxPayloadSize: config.maxPayloadSize,
      cname: this.cname,
      queueLimitBytes: config.tcpQueueLimitBytes,
      senderReportIntervalMs: config.senderReportIntervalMs,
      random: config.random,
    });
    if (existing) {
      // RFC 2326 §10.4: a SETUP on a session that is set up changes its transport.
      existing.session.setup(transport);
      this.fanOut.remove(existing.stream);
      existing.stream.pause();
      existing.stream = stream;
      return existing;
    }
    const session = new ClientSession({
      id: randomBytes(8).toString('hex'), // unguessable (RFC 2326 §12.37: chosen randomly, at least 8 octets)
      remote: conn.remote,
      address: conn.remoteAddress,
      connectionId: conn.id,
      timeoutS: config.sessionTimeoutS,
      orphanTimeoutMs: config.orphanTimeoutMs,
      now: config.now(),
    });
    session.setup(transport);
    const entry: SessionEntry = { session, stream };
    this.sessions.set(session.id, entry);
    this.startTick();
    config.logger.debug(`rtsp: ${conn.remote}: session ${session.id} set up over ${transport.kind}`);
    return entry;
  }

  private play(entry: SessionEntry): PlayStart {
    entry.session.apply('PLAY');
    const start = entry.stream.play(this.config.now());
    this.fanOut.add(entry.stream);
    this.emitSession('play', entry);
    return start;
  }

  private pause(entry: SessionEntry): void {
    entry.session.apply('PAUSE');
    entry.stream.pause();
    this.fanOut.remove(entry.stream);
  }

  private endSession(entry: SessionEntry, reason: SessionEndReason): void {
    const { session, stream } = entry;
    if (!session.close()) return;
    this.sessions.delete(session.id);
    this.fanOut.remove(stream);
    stream.pause();
    stream.sendBye(); // VLC closes the track on BYE; others ignore it (docs/RTSP-CLIENTS.md §5)
    this.config.logger.debug(`rtsp: session ${session.id} of ${session.remote} ended (${reason})`);
    this.stopTickWhenIdle();
    this.emitSession(reason, entry);
  }

  /**
   * The housekeeping timer runs only while there is a connection or a session to look after: a server
   * nobody uses costs no wake-ups (a Raspberry Pi streaming all day counts every one).
   */
  private startTick(): void {
    if (this.tickTimer || this.state !== 'listening') return;
    const tickMs = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, (this.config.sessionTimeoutS * 1000) / 4));
    this.tickTimer = setInterval(() => this.tick(), tickMs);
  }

  /** With nothing left to watch, the server sleeps until the next connection. */
  private stopTickWhenIdle(): void {
    if (this.tickTimer && this.connections.size === 0 && this.sessions.size === 0) {
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
    }
  }

  private tick(): void {
    const now = this.config.now();
    this.reapSessions(now);
    this.reapConnections(now);
    this.fanOut.tick(now);
    this.stopTickWhenIdle();
  }

  private reapSessions(now = this.config.now()): void {
    for (const entry of [...this.sessions.values()]) {
      if (entry.session.expired(now)) this.endSession(entry, 'timeout');
    }
  }

  /** Closes connections past their request or idle deadline (a connection with a session is never idle). */
  private reapConnections(now = this.config.now()): void {
    const withSessions = new Set<number>();
    for (const { session } of this.sessions.values()) withSessions.add(session.connectionId);
    for (const conn of [...this.connections.values()]) {
      const why = conn.overdue(now, withSessions.has(conn.id));
      if (!why) continue;
      this.config.logger.debug(`rtsp: closing ${conn.remote}: ${why}`);
      conn.destroy();
      this.connections.delete(conn.id); // its 'close' follows; a slot freed now is free for the caller
    }
  }

  private emitSession(event: RtspSessionEvent['event'], entry: SessionEntry): void {
    const payload: RtspSessionEvent = {
      event,
      id: entry.session.id,
      remote: entry.session.remote,
      transport: entry.session.transport?.kind ?? 'udp',
    };
    try {
      this.emit('session', payload);
    } catch (err) {
      // A listener's bug must not break the request or the reaper that emitted the event.
      this.config.logger.warn(`rtsp: a 'session' listener threw: ${(err as Error).message ?? String(err)}`);
    }
  }
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
