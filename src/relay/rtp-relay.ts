/**
 * Plain RTP output of one StreamSource: RFC 6184 H.264 over RFC 3550 RTP to host:port, RTCP sender
 * reports to host:port+1, and an SDP (RFC 4566) that players open (`ffmpeg -protocol_whitelist
 * file,udp,rtp -i relay.sdp`, `vlc --demux=avformat relay.sdp`, GStreamer sdpdemux).
 *
 * What the reference relay got wrong and this does not (PROTOCOL.md §7 items 19-22, 30-32): proper
 * 12-byte headers with a random SSRC, sequence and timestamp base; NAL units without start codes,
 * FU-A fragments within maxPayloadSize (no IP fragmentation); the marker bit on the last packet of
 * each access unit; 32-bit timestamp wrap; no frame is sent before the first keyframe, and SPS/PPS
 * go in-band before every IDR that lacks them, so a receiver that starts late decodes from the
 * next IDR (RTSP-CLIENTS.md §6). Send errors (ECONNREFUSED from ICMP when nobody listens yet) are
 * counted and logged, never thrown.
 *
 * RTCP: the first SR goes out with the first RTP packets (an SR maps RTP time to wall-clock time,
 * which needs a sent packet) and then every senderReportIntervalMs; stop() sends BYE.
 *
 * Events (never 'error'): 'state' (state, previous); 'sdp' (text) when the description changes after
 * start() (new parameter sets), the file being rewritten first when sdpFile is set.
 */
import * as dgram from 'dgram';
import { EventEmitter } from 'events';
import * as os from 'os';
import { ActionCamError, BadInputError, ConnectionClosedError, InvalidStateError, throwIfAborted } from '../errors';
import { Logger, silentLogger } from '../logger';
import { H264Packetizer } from '../media/rtp/packetizer';
import { defaultRandom, randomUint, type RandomSource } from '../media/rtp/random';
import { encodeBye, encodeSenderReport } from '../media/rtp/rtcp';
import type { AccessUnit, ParameterSets } from '../media/types';
import { closeUdpSocket } from '../net/udp-socket';
import { buildSdp } from '../rtsp/sdp';
import { waitForParameterSets, type StreamSource } from '../rtsp/source';
import { RelayDefaults } from './defaults';
import { SdpFileWriter } from './sdp-file';

export type RtpRelayState = 'idle' | 'starting' | 'waitingForKeyframe' | 'sending' | 'stopped';

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
  /** Monotonic milliseconds. Default performance.now. */
  now?: () => number;
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

/** Options whose absence has a default; the rest stay optional. */
type Resolved = Required<Omit<RtpRelayOptions, 'sdpFile' | 'logger'>> & { sdpFile?: string; logger: Logger };

export class RtpRelay extends EventEmitter {
  private readonly opts: Resolved;
  private readonly packetizer: H264Packetizer;
  private readonly cname: string;
  private readonly sessionId: number;
  private readonly sdpWriter: SdpFileWriter | undefined;
  private current: RtpRelayState = 'idle';
  private rtp: dgram.Socket | undefined;
  private rtcp: dgram.Socket | undefined;
  private srTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private counters: RtpRelayStats = { packets: 0, bytes: 0, frames: 0, skippedFrames: 0, sendErrors: 0, senderReports: 0 };
  private queued = 0;
  /** RTP timestamp and monotonic time of the last access unit sent: the SR's clock mapping. */
  private lastSent: { rtpTimestamp: number; at: number } | undefined;
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
    this.opts = {
      source: options.source,
      host: options.host ?? RelayDefaults.host,
      port: options.port ?? RelayDefaults.port,
      payloadType: options.payloadType ?? RelayDefaults.payloadType,
      maxPayloadSize: options.maxPayloadSize ?? RelayDefaults.maxPayloadSize,
      sdpFile: options.sdpFile,
      logger: options.logger ?? silentLogger,
      random,
      parameterSetsTimeoutMs: options.parameterSetsTimeoutMs ?? RelayDefaults.parameterSetsTimeoutMs,
      senderReportIntervalMs: options.senderReportIntervalMs ?? RelayDefaults.senderReportIntervalMs,
      maxQueuedPackets: options.maxQueuedPackets ?? RelayDefaults.maxQueuedPackets,
      wallClock: options.wallClock ?? Date.now,
      now: options.now ?? (() => performance.now()),
    };
    const { port, host } = this.opts;
    if (!Number.isInteger(port) || port < 1 || port > 65534) {
      throw new BadInputError(`RTP relay port must be 1-65534 (RTCP uses port + 1), got ${port}`);
    }
    if (!host || /\s/.test(host)) throw new BadInputError(`RTP relay host must be an address, got "${host}"`);
    // Validates payloadType and maxPayloadSize (BadInputError).
    this.packetizer = new H264Packetizer({ payloadType: this.opts.payloadType, maxPayloadSize: this.opts.maxPayloadSize, random });
    this.sessionId = randomUint(random, 31);
    this.cname = `${RelayDefaults.tool}@${os.hostname() || 'localhost'}`.slice(0, 255);
    this.sdpWriter = this.opts.sdpFile ? new SdpFileWriter(this.opts.sdpFile) : undefined;
    if (port % 2 !== 0) this.opts.logger.warn(`RTP relay port ${port} is odd; RFC 3550 §11 expects RTP on an even port`);
  }

  get state(): RtpRelayState {
    return this.current;
  }

  /** SSRC of the stream (also in every SR and the BYE). */
  get ssrc(): number {
    return this.packetizer.ssrc;
  }

  stats(): RtpRelayStats {
    return { ...this.counters };
  }

  /**
   * The session description for players: c= and m= name the destination, sprop-parameter-sets the
   * source's current SPS/PPS when known. Callable before start() (a player must be listening first).
   */
  sdp(): string {
    const params = this.opts.source.parameterSets();
    // RFC 4566 §5.2: the version increases whenever the description handed out changes.
    if (this.sdpIssued && !sameParams(params, this.sdpParams)) this.sdpVersion++;
    this.sdpParams = params;
    this.sdpIssued = true;
    return buildSdp({
      sessionId: this.sessionId,
      sessionVersion: this.sdpVersion,
      originAddress: this.localAddress ?? this.opts.host,
      connectionAddress: this.opts.host,
      sessionName: RelayDefaults.sessionName,
      tool: RelayDefaults.tool,
      port: this.opts.port,
      payloadType: this.opts.payloadType,
      parameterSets: params,
    });
  }

  /**
   * Opens the sockets, starts relaying from the next keyframe, waits (bounded) for the parameter sets
   * and resolves with the SDP, after writing sdpFile. Rejects (and leaves nothing open) when a socket
   * cannot be opened or the file cannot be written; idempotent while running.
   */
  async start(opts: { signal?: AbortSignal } = {}): Promise<{ sdp: string }> {
    throwIfAborted(opts.signal);
    if (this.current === 'stopped') throw new ConnectionClosedError('this RTP relay was stopped; create a new one');
    if (this.current !== 'idle') throw new InvalidStateError('RTP relay start() was already called');
    this.setState('starting');
    const { host, port } = this.opts;
    const type = host.includes(':') ? 'udp6' : 'udp4';
    try {
      // Each socket is adopted only if stop() has not run meanwhile; stop() closes what was adopted.
      const rtp = await this.openSocket(type, port);
      if (this.stopping) await closeUdpSocket(rtp);
      else this.rtp = rtp;
      const rtcp = this.stopping ? undefined : await this.openSocket(type, port + 1);
      if (rtcp && this.stopping) await closeUdpSocket(rtcp);
      else this.rtcp = rtcp;
      if (this.stopping || !this.rtp) throw new ConnectionClosedError('the RTP relay was stopped while starting');
      this.localAddress = rtp.address().address;
      this.opts.source.on('accessUnit', this.onAccessUnit);
      this.setState('waitingForKeyframe');
      await waitForParameterSets(this.opts.source, this.opts.parameterSetsTimeoutMs, opts.signal);
      throwIfAborted(opts.signal);
      if (this.stopping) throw new ConnectionClosedError('the RTP relay was stopped while starting');
      if (!this.opts.source.parameterSets()) {
        this.opts.logger.warn('RTP relay: no SPS/PPS from the camera yet; the SDP has no sprop-parameter-sets until they arrive');
      }
      const sdp = this.sdp();
      if (this.sdpWriter) await this.sdpWriter.write(sdp);
      this.announced = true;
      this.opts.logger.debug(`RTP relay: sending to ${host}:${port} (RTCP ${port + 1}), SSRC ${this.ssrc.toString(16)}`);
      return { sdp };
    } catch (err) {
      await this.stop();
      if (err instanceof ActionCamError) throw err;
      throw new ActionCamError('EINPUT', `RTP relay to ${host}:${port} failed to start: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Sends BYE, closes both sockets, clears the SR timer; idempotent. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const wasSending = this.counters.packets > 0;
    this.setState('stopped');
    clearInterval(this.srTimer);
    this.srTimer = undefined;
    this.opts.source.removeListener('accessUnit', this.onAccessUnit);
    const rtp = this.rtp;
    const rtcp = this.rtcp;
    this.rtp = undefined;
    this.rtcp = undefined;
    this.stopping = (async () => {
      if (rtcp && wasSending) await sendQuietly(rtcp, encodeBye(this.ssrc)); // RFC 3550 §6.6
      await Promise.all([rtp, rtcp].map((s) => (s ? closeUdpSocket(s) : Promise.resolve())));
      if (this.sdpWriter) await this.sdpWriter.idle();
    })();
    return this.stopping;
  }

  private readonly onAccessUnit = (au: AccessUnit): void => {
    if (this.current !== 'waitingForKeyframe' && this.current !== 'sending') return;
    if (this.current === 'waitingForKeyframe') {
      if (!au.keyframe) {
        this.counters.skippedFrames++;
        return;
      }
      this.setState('sending');
    }
    if (this.queued > this.opts.maxQueuedPackets) {
      this.opts.logger.warn(`RTP relay: ${this.queued} packets waiting to be sent; skipping to the next keyframe`);
      this.counters.skippedFrames++;
      this.setState('waitingForKeyframe');
      return;
    }
    const params = this.opts.source.parameterSets();
    if (this.announced && !sameParams(params, this.sdpParams)) this.publishSdp();
    const packets = this.packetizer.packetize(au, params);
    const socket = this.rtp;
    if (!socket || packets.length === 0) return;
    for (const packet of packets) {
      this.queued++;
      this.counters.packets++;
      this.counters.bytes += packet.length;
      socket.send(packet, this.onSent);
    }
    this.counters.frames++;
    const first = this.lastSent === undefined;
    this.lastSent = { rtpTimestamp: this.packetizer.rtpTimestamp(au.timestamp), at: this.opts.now() };
    if (first) {
      this.sendSenderReport();
      this.srTimer = setInterval(() => this.sendSenderReport(), this.opts.senderReportIntervalMs);
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
      (err: Error) => this.opts.logger.warn(`RTP relay: cannot write ${this.sdpWriter?.file}: ${err.message}`),
    );
  }

  /** RFC 3550 §6.4.1: the RTP timestamp of "now", extrapolated from the last frame on the 90 kHz clock. */
  private sendSenderReport(): void {
    const socket = this.rtcp;
    const last = this.lastSent;
    if (!socket || !last) return;
    const elapsedTicks = Math.max(0, Math.round((this.opts.now() - last.at) * 90));
    const report = encodeSenderReport({
      ssrc: this.ssrc,
      ntpTimeMs: this.opts.wallClock(),
      rtpTimestamp: (last.rtpTimestamp + elapsedTicks) % 0x1_0000_0000,
      packetCount: this.packetizer.packetCount,
      octetCount: this.packetizer.octetCount,
      cname: this.cname,
    });
    this.counters.senderReports++;
    this.queued++;
    socket.send(report, this.onSent);
  }

  private readonly onSent = (err: Error | null): void => {
    this.queued--;
    if (!err) return;
    // Log the first failure and then every 1000th: a missing receiver must not flood the log.
    if (this.counters.sendErrors++ % 1000 === 0) {
      this.opts.logger.debug(`RTP relay: send to ${this.opts.host} failed (${this.counters.sendErrors} so far): ${err.message}`);
    }
  };

  /** A UDP socket connected to host:port, so the OS picks the route and reports ICMP errors back. */
  private openSocket(type: 'udp4' | 'udp6', port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type });
      const onError = (err: Error): void => {
        void closeUdpSocket(socket);
        reject(err);
      };
      socket.once('error', onError);
      socket.connect(port, this.opts.host, () => {
        socket.removeListener('error', onError);
        socket.on('error', (err) => this.opts.logger.debug(`RTP relay: socket error: ${err.message}`));
        resolve(socket);
      });
    });
  }

  private setState(next: RtpRelayState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.emit('state', next, previous);
  }
}

function sameParams(a: ParameterSets | undefined, b: ParameterSets | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.sps.equals(b.sps) && a.pps.equals(b.pps);
}

function sendQuietly(socket: dgram.Socket, packet: Buffer): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.send(packet, () => resolve());
    } catch {
      resolve();
    }
  });
}
