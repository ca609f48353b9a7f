/**
 * The media of one RTSP client: an RtpSender (src/media/rtp/sender.ts: its own SSRC, sequence and
 * timestamp base, the keyframe gate, backlog skipping, sender reports, BYE) writing to the client's
 * sink, with the RTSP words for it: PLAY announces what RTP-Info says (RFC 2326 §12.33), PAUSE keeps
 * the numbering, the end of the session says BYE.
 */
import type { AccessUnit, ParameterSets } from '../media/types';
import type { RandomSource } from '../media/rtp/random';
import { RtpSender, type PlayStart, type PushResult } from '../media/rtp/sender';

export type { PlayStart, PushResult } from '../media/rtp/sender';

/** Where one client's packets go: the shared UDP sockets or its TCP connection. */
export interface MediaSink {
  readonly kind: 'udp' | 'tcp';
  /** Sends the RTP packets of one access unit (best effort; never throws). */
  sendRtp(packets: readonly Buffer[]): void;
  sendRtcp(packet: Buffer): void;
  /** Bytes accepted but not yet written to the network (TCP); 0 for UDP. */
  backlogBytes(): number;
}

export interface ClientStreamOptions {
  sink: MediaSink;
  payloadType: number;
  maxPayloadSize: number;
  /** Announced in the SETUP reply's Transport header. */
  ssrc: number;
  /** SDES CNAME of the sender reports (RFC 3550 §6.5.1). */
  cname: string;
  /** A backlog above this skips access units until the next keyframe. */
  queueLimitBytes: number;
  senderReportIntervalMs: number;
  random: RandomSource;
}

export class ClientStream {
  readonly ssrc: number;
  readonly sink: MediaSink;
  private readonly sender: RtpSender;

  constructor(options: ClientStreamOptions) {
    const sink = options.sink;
    this.sink = sink;
    this.sender = new RtpSender({
      sink: { sendRtp: (packets) => sink.sendRtp(packets), sendRtcp: (packet) => sink.sendRtcp(packet), backlog: () => sink.backlogBytes() },
      ssrc: options.ssrc >>> 0,
      payloadType: options.payloadType,
      maxPayloadSize: options.maxPayloadSize,
      cname: options.cname,
      backlogLimit: options.queueLimitBytes,
      senderReportIntervalMs: options.senderReportIntervalMs,
      random: options.random,
    });
    this.ssrc = this.sender.ssrc;
  }

  /** Playing (or waiting for the keyframe to start at). */
  get active(): boolean {
    const state = this.sender.state;
    return state === 'sending' || state === 'waitingForKeyframe';
  }

  /** Access units skipped because the client could not keep up. */
  get framesDropped(): number {
    return this.sender.stats().dropped;
  }

  /** PLAY: the sequence number and RTP timestamp of the first packet that will be sent. */
  play(nowMs: number): PlayStart {
    return this.sender.start(nowMs);
  }

  /** PAUSE: stop sending; the session and its numbering stay. */
  pause(): void {
    this.sender.pause();
  }

  /** Packetizes and sends one access unit if this client is playing and can take it. */
  push(au: AccessUnit, parameterSets: ParameterSets | undefined, nowMs: number): PushResult {
    return this.sender.push(au, parameterSets, nowMs);
  }

  /** Sends a sender report when one is due; called by the server's housekeeping tick. */
  tick(nowMs: number): void {
    this.sender.tick(nowMs);
  }

  /** RTCP BYE (RFC 3550 §6.6) when the session ends after media was sent; a client that got none needs none. */
  sendBye(): void {
    if (this.sender.stats().packets > 0) this.sender.stop();
  }
}
