/**
 * Plain RTP output of one StreamSource: RFC 6184 H.264 over RFC 3550 RTP to host:port, RTCP sender
 * reports to host:port+1, and an SDP (RFC 4566) that players open (`ffmpeg -protocol_whitelist
 * file,udp,rtp -i relay.sdp`, `vlc --demux=avformat relay.sdp`, GStreamer sdpdemux).
 *
 * The stream itself is an RtpSender (src/media/rtp/sender.ts): nothing before the first keyframe,
 * in-band SPS/PPS before every IDR so a receiver that starts late decodes from the next one
 * (docs/RTSP-CLIENTS.md §6), sender reports with the media, BYE on stop(). This class adds the two
 * connected UDP sockets and the SDP. What the reference relay got wrong is docs/PROTOCOL.md §7
 * items 19-22 and 30-32.
 *
 * Send errors (ECONNREFUSED from ICMP while nobody listens) are counted and logged once per
 * outage, never thrown.
 *
 * Events (never 'error'): 'state' (state, previous) of the relay's life; 'sdp' (text) when the
 * description changes after start() (new parameter sets), the file being rewritten first when sdpFile is set.
 */
import * as dgram from 'dgram';
import { EventEmitter } from 'events';
import * as os from 'os';
import { ActionCamError, BadInputError, ConnectionClosedError, InvalidStateError, throwIfAborted } from '../errors';
import { Logger, silentLogger } from '../logger';
import { defaultRandom, randomUint, type RandomSource } from '../media/rtp/random';
import { RtpSender, type RtpSenderState } from '../media/rtp/sender';
import { buildSdp } from '../media/sdp';
import { sameParameterSets, waitForParameterSets, type StreamSource } from '../media/source';
import type { AccessUnit, ParameterSets } from '../media/types';
import { closeUdpSocket, SendProbe } from '../net/udp-socket';
import { RelayDefaults } from './defaults';
import { SdpFileWriter } from './sdp-file';

export type RtpRelayState = 'idle' | 'starting' | Extract<RtpSenderState, 'waitingForKeyframe' | 'sending'> | 'stopped';

export interface RtpRelayOptions {
  source: StreamSource;
  /** Destination address (unicast). Default 127.0.0.1. */
  host?: string;
  /** Destination RTP port; RTCP goes to port + 1. Default 5220. */
  port?: number;
  payloadType?: number;
  maxPayloadSize?: number;
  /** Write the SDP here on start() and whenever it changes. */
  sdpFile?: string;
  logger?: Logger;
  /** Random source for SSRC, sequence, timestamp base and SDP session id. */
  random?: RandomSource;
  /** How long start() waits for SPS/PPS for the SDP. Default 5000 ms. */
  parameterSetsTimeoutMs?: number;
  senderReportIntervalMs?: number;
  maxQueuedPackets?: number;
  /** Wall clock for RTCP NTP timestamps (ms since 1970). Default Date.now. */
  wallClock?: () => number;
}

export interface RtpRelayStats {
  /** RTP packets handed to the socket. */
  packets: number;
  /** RTP bytes (headers included) handed to the socket. */
  bytes: number;
  /** Access units sent. */
  frames: number;
  /** Access units not sent: before the first keyframe, or after a send backlog until the next one. */
  skippedFrames: number;
  /** Failed RTP/RTCP sends (ECONNREFUSED while no receiver listens, ENOBUFS, ...). */
  sendErrors: number;
  /** RTCP sender reports sent. */
  senderReports: number;
}

type Lifecycle = 'idle' | 'starting' | 'running' | 'stopped';

export class RtpRelay extends EventEmitter {
  private readonly source: StreamSource;
  private readonly host: string;
  private readonly port: number;
  private readonly payloadType: number;
  private readonly logger: Logger;
  private readonly parameterSetsTimeoutMs: number;
  private readonly maxQueuedPackets: number;
  private readonly wallClock: () => number;
  private readonly sender: RtpSender;
  private readonly sessionId: number;
  private readonly sdpWriter: SdpFileWriter | undefined;
  /** Aborts start()'s wait for parameter sets when stop() comes first. */
  private readonly stopped = new AbortController();
  private life: Lifecycle = 'idle';
  private rtp: dgram.Socket | undefined;
  private rtcp: dgram.Socket | undefined;
  private stopping: Promise<void> | undefined;
  /** Which send groups ask for their completion: the end of an outage, failures only a send reports. */
  private readonly probe = new SendProbe((err) => {
    if (err) this.countError(err);
    else this.failing = false;
  });
  private sendErrors = 0;
  /** Send errors are logged once per outage: the first after a successful send. */
  private failing = false;
  /** Parameter sets in the current SDP, and its o= version. */
  private sdpParams: ParameterSets | undefined;
  private sdpVersion = 1;
  private sdpIssued = false;
  /** start() has produced its SDP: later parameter-set changes are published. */
  private announced = false;
  private localAddress: string | undefined;

  constructor(options: RtpRelayOptions) {
    super();
    const random = options.random ?? defaultRandom;
    this.source = options.source;
    this.host = options.host ?? RelayDefaults.host;
    this.port = options.port ?? RelayDefaults.port;
    this.payloadType = options.payloadType ?? RelayDefaults.payloadType;
    this.logger = options.logger ?? silentLogger;
    this.parameterSetsTimeoutMs = options.parameterSetsTimeoutMs ?? RelayDefaults.parameterSetsTimeoutMs;
    this.maxQueuedPackets = options.maxQueuedPackets ?? RelayDefaults.maxQueuedPackets;
    this.wallClock = options.wallClock ?? Date.now;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65534) {
      throw new BadInputError(`RTP relay port must be 1-65534 (RTCP uses port + 1), got ${this.port}`);
    }
    if (!this.host || /\s/.test(this.host)) throw new BadInputError(`RTP relay host must be an address, got "${this.host}"`);
    // Validates payloadType and maxPayloadSize (BadInputError).
    this.sender = new RtpSender({
      sink: {
        sendRtp: (packets) => this.send(this.rtp, packets),
        sendRtcp: (packet) => this.send(this.rtcp, [packet]),
        backlog: () => this.backlog(),
      },
      payloadType: this.payloadType,
      maxPayloadSize: options.maxPayloadSize ?? RelayDefaults.maxPayloadSize,
      cname: `${RelayDefaults.tool}@${os.hostname() || 'localhost'}`.slice(0, 255),
      backlogLimit: this.maxQueuedPackets,
      senderReportIntervalMs: options.senderReportIntervalMs ?? RelayDefaults.senderReportIntervalMs,
      random,
    });
    this.sessionId = randomUint(random, 31);
    this.sdpWriter = options.sdpFile ? new SdpFileWriter(options.sdpFile) : undefined;
    if (this.port % 2 !== 0) this.logger.warn(`RTP relay port ${this.port} is odd; RFC 3550 §11 expects RTP on an even port`);
  }

  get state(): RtpRelayState {
    if (this.life !== 'running') return this.life;
    const s = this.sender.state;
    return s === 'sending' ? 'sending' : 'waitingForKeyframe';
  }

  /** SSRC of the stream (also in every SR and the BYE). */
  get ssrc(): number {
    return this.sender.ssrc;
  }

  stats(): RtpRelayStats {
    const s = this.sender.stats();
    return {
      packets: s.packets,
      bytes: s.bytes,
      frames: s.frames,
      skippedFrames: s.waited + s.dropped,
      sendErrors: this.sendErrors,
      senderReports: s.senderReports,
    };
  }

  /**
   * The session description for players: c= and m= name the destination, sprop-parameter-sets the
   * source's current SPS/PPS when known. Callable before start() (a player must be listening first).
   */
  sdp(): string {
    const params = this.source.parameterSets();
    // RFC 4566 §5.2: the version increases whenever the description handed out changes.
    if (this.sdpIssued && !sameParameterSets(params, this.sdpParams)) this.sdpVersion++;
    this.sdpParams = params;
    this.sdpIssued = true;
    return buildSdp({
      sessionId: this.sessionId,
      sessionVersion: this.sdpVersion,
      originAddress: this.localAddress ?? this.host,
      connectionAddress: this.host,
      sessionName: RelayDefaults.sessionName,
      tool: RelayDefaults.tool,
      port: this.port,
      payloadType: this.payloadType,
      parameterSets: params,
    });
  }

  /**
   * Opens the sockets, starts relaying from the next keyframe, waits (bounded, and no longer than
   * until stop()) for the parameter sets and resolves with the SDP, after writing sdpFile. Rejects
   * (and leaves nothing open) when a socket cannot be opened or the file cannot be written.
   */
  async start(opts: { signal?: AbortSignal } = {}): Promise<{ sdp: string }> {
    throwIfAborted(opts.signal);
    if (this.life === 'stopped') throw new ConnectionClosedError('this RTP relay was stopped; create a new one');
    if (this.life !== 'idle') throw new InvalidStateError('RTP relay start() was already called');
    this.setLife('starting');
    const type = this.host.includes(':') ? 'udp6' : 'udp4';
    try {
      // Each socket is adopted only if stop() has not run meanwhile; stop() closes what was adopted.
      const rtp = await this.openSocket(type, this.port);
      if (this.stopping) await closeUdpSocket(rtp);
      else this.rtp = rtp;
      const rtcp = this.stopping ? undefined : await this.openSocket(type, this.port + 1);
      if (rtcp && this.stopping) await closeUdpSocket(rtcp);
      else this.rtcp = rtcp;
      if (this.stopping || !this.rtp) throw new ConnectionClosedError('the RTP relay was stopped while starting');
      this.localAddress = rtp.address().address;
      this.sender.start(this.wallClock());
      this.source.on('accessUnit', this.onAccessUnit);
      this.setLife('running');
      await this.waitForParameterSets(opts.signal);
      throwIfAborted(opts.signal);
      if (this.stopping) throw new ConnectionClosedError('the RTP relay was stopped while starting');
      if (!this.source.parameterSets()) {
        this.logger.warn('RTP relay: no SPS/PPS from the camera yet; the SDP has no sprop-parameter-sets until they arrive');
      }
      const sdp = this.sdp();
      if (this.sdpWriter) await this.sdpWriter.write(sdp);
      this.announced = true;
      this.logger.debug(`RTP relay: sending to ${this.host}:${this.port} (RTCP ${this.port + 1}), SSRC ${this.ssrc.toString(16)}`);
      return { sdp };
    } catch (err) {
      await this.stop();
      if (err instanceof ActionCamError) throw err;
      throw new BadInputError(`RTP relay to ${this.host}:${this.port} failed to start: ${(err as Error).message}`);
    }
  }

  /** Sends BYE, closes both sockets; idempotent, and quick even while start() still waits. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.setLife('stopped');
    this.stopped.abort();
    this.source.removeListener('accessUnit', this.onAccessUnit);
    const rtp = this.rtp;
    const rtcp = this.rtcp;
    this.stopping = (async () => {
      this.sender.stop(); // BYE (RFC 3550 §6.6) on the RTCP socket, if anything was sent
      this.rtp = undefined;
      this.rtcp = undefined;
      await Promise.all([rtp, rtcp].map((s) => (s ? closeUdpSocket(s) : Promise.resolve())));
      if (this.sdpWriter) await this.sdpWriter.idle();
    })();
    return this.stopping;
  }

  /** Bounded wait for SPS/PPS that ends early when the caller aborts or stop() runs. */
  private async waitForParameterSets(signal: AbortSignal | undefined): Promise<void> {
    if (!signal) {
      await waitForParameterSets(this.source, this.parameterSetsTimeoutMs, this.stopped.signal);
      return;
    }
    const either = new AbortController();
    const onAbort = (): void => either.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.stopped.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await waitForParameterSets(this.source, this.parameterSetsTimeoutMs, either.signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stopped.signal.removeEventListener('abort', onAbort);
    }
  }

  private readonly onAccessUnit = (au: AccessUnit): void => {
    if (this.life !== 'running') return;
    const params = this.source.parameterSets();
    // sameParameterSets checks identity first: a source keeps the object while its sets stay the same.
    if (this.announced && !sameParameterSets(params, this.sdpParams)) this.publishSdp();
    const before = this.sender.state;
    const result = this.sender.push(au, params, this.wallClock());
    if (result.dropped && before === 'sending') {
      this.logger.warn(`RTP relay: ${this.backlog()} packets waiting to be sent; skipping to the next keyframe`);
    }
  };

  /** New parameter sets: a new SDP version for players that (re)open it. */
  private publishSdp(): void {
    const sdp = this.sdp();
    if (!this.sdpWriter) {
      this.emit('sdp', sdp);
      return;
    }
    this.sdpWriter.write(sdp).then(
      () => this.emit('sdp', sdp),
      (err: Error) => this.logger.warn(`RTP relay: cannot write ${this.sdpWriter?.file}: ${err.message}`),
    );
  }

  /**
   * Sends the packets of one access unit (or one RTCP packet). Only one group in SEND_PROBE_EVERY asks
   * for the completion of its last packet (SendProbe: a callback per send costs more than the send at
   * a camera's rate); what waits in the socket is read from libuv (backlog()), and ICMP port
   * unreachable on the connected socket comes back as its 'error', counted.
   */
  private send(socket: dgram.Socket | undefined, packets: readonly Buffer[]): void {
    if (!socket) return;
    const last = packets.length - 1;
    const done = this.probe.next();
    try {
      for (let i = 0; i < last; i++) socket.send(packets[i]);
      if (last >= 0) socket.send(packets[last], done);
    } catch (err) {
      this.countError(err as Error); // a socket closed under us
    }
  }

  /**
   * Packets handed to the RTP socket that libuv has not put on the network yet. getSendQueueCount()
   * came with Node 18.8, which package.json's engines asks for; npm only warns about engines, so on an
   * older Node the relay still runs (without a backlog limit) instead of failing every frame.
   */
  private backlog(): number {
    const socket = this.rtp;
    return socket && typeof socket.getSendQueueCount === 'function' ? socket.getSendQueueCount() : 0;
  }

  /** Counts a failed send; logs the first of each outage (a missing receiver must not flood the log). */
  private countError(err: Error): void {
    this.sendErrors++;
    if (this.failing) return;
    this.failing = true;
    this.logger.debug(`RTP relay: sending to ${this.host}:${this.port} fails (${err.message}); counting further failures silently`);
  }

  /** A UDP socket connected to host:port, so the OS picks the route and reports ICMP errors back. */
  private openSocket(type: 'udp4' | 'udp6', port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type });
      const onError = (err: Error): void => {
        void closeUdpSocket(socket);
        reject(err);
      };
      socket.once('error', onError);
      socket.connect(port, this.host, () => {
        socket.removeListener('error', onError);
        // ICMP port unreachable comes back as a socket error (recvmsg ECONNREFUSED): a failed send.
        socket.on('error', (err) => this.countError(err));
        resolve(socket);
      });
    });
  }

  private setLife(next: Lifecycle): void {
    const previous = this.state;
    this.life = next;
    const now = this.state;
    if (now !== previous) this.emit('state', now, previous);
  }
}
