/**
 * The media of one RTSP client: its own H264Packetizer (own SSRC, sequence and timestamp base, so
 * the RTP-Info of its PLAY reply is exact), the wait for a keyframe after every PLAY, RTCP sender
 * reports, and the backlog rule that keeps a slow TCP client from stalling the others.
 *
 * Exact RTP-Info (RFC 2326 §12.33): at PLAY the stream picks the sequence number and RTP timestamp
 * that its first packet will carry, and announces them. Nothing is sent before the next keyframe;
 * when it arrives, the packetizer's timestamp offset is chosen so that this access unit maps to the
 * announced RTP timestamp. After a PAUSE the next PLAY continues the sequence numbers and the RTP
 * clock (the new mapping starts where the wall clock says the old one would be).
 */
import type { AccessUnit, ParameterSets } from '../media/types';
import { H264Packetizer } from '../media/rtp/packetizer';
import { randomUint, type RandomSource } from '../media/rtp/random';
import { encodeBye, encodeSenderReport } from '../media/rtp/rtcp';

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

/** The first packet after PLAY, as announced in RTP-Info. */
export interface PlayStart {
  seq: number;
  rtptime: number;
}

/** What one access unit cost or saved. */
export interface PushResult {
  packets: number;
  bytes: number;
  dropped: boolean;
}

const NOTHING: PushResult = { packets: 0, bytes: 0, dropped: false };
const RTP_CLOCK_PER_MS = 90;

export class ClientStream {
  readonly ssrc: number;
  readonly sink: MediaSink;
  private readonly options: ClientStreamOptions;
  private packetizer: H264Packetizer | undefined;
  /** Counts of packetizers replaced by a later PLAY (the SR counts are cumulative, RFC 3550 §6.4.1). */
  private basePackets = 0;
  private baseOctets = 0;
  private playing = false;
  private pendingStart: PlayStart | undefined;
  /** Skipping frames until a keyframe because the sink's backlog was too large. */
  private skipping = false;
  private last: { rtptime: number; wallMs: number } | undefined;
  private nextReportMs = 0;
  private dropped = 0;

  constructor(options: ClientStreamOptions) {
    this.options = options;
    this.ssrc = options.ssrc >>> 0;
    this.sink = options.sink;
  }

  get active(): boolean {
    return this.playing;
  }

  /** Access units skipped because the client could not keep up. */
  get framesDropped(): number {
    return this.dropped;
  }

  /**
   * PLAY: returns the sequence number and RTP timestamp of the first packet that will be sent.
   * A PLAY while playing restarts at the next keyframe too, so that its RTP-Info is exact as well.
   */
  play(nowMs: number): PlayStart {
    if (this.pendingStart) {
      this.playing = true;
      return this.pendingStart;
    }
    const seq = this.packetizer ? this.packetizer.nextSequence : randomUint(this.options.random, 16);
    const rtptime = this.last
      ? (this.last.rtptime + Math.round((nowMs - this.last.wallMs) * RTP_CLOCK_PER_MS)) >>> 0
      : randomUint(this.options.random, 32);
    this.pendingStart = { seq, rtptime };
    this.playing = true;
    return this.pendingStart;
  }

  /** PAUSE: stop sending; the session and its numbering stay. */
  pause(): void {
    this.playing = false;
  }

  /** Packetizes and sends one access unit if this client is playing and can take it. */
  push(au: AccessUnit, parameterSets: ParameterSets | undefined, nowMs: number): PushResult {
    if (!this.playing) return NOTHING;
    if (this.pendingStart) {
      if (!au.keyframe) return NOTHING; // a new player starts at the next keyframe, nothing before it
      this.startPacketizer(this.pendingStart, au.timestamp);
      this.pendingStart = undefined;
      this.skipping = false;
    }
    const packetizer = this.packetizer;
    if (!packetizer) return NOTHING;
    if (this.skipping && !au.keyframe) return this.drop();
    if (this.sink.backlogBytes() > this.options.queueLimitBytes) {
      this.skipping = true;
      return this.drop();
    }
    this.skipping = false;
    const packets = packetizer.packetize(au, parameterSets);
    if (packets.length === 0) return NOTHING;
    this.sink.sendRtp(packets);
    this.last = { rtptime: packetizer.rtpTimestamp(au.timestamp), wallMs: nowMs };
    let bytes = 0;
    for (const p of packets) bytes += p.length;
    if (this.nextReportMs === 0) this.sendReport(nowMs); // first SR with the first packets (VLC, RTSP-CLIENTS.md §5)
    return { packets: packets.length, bytes, dropped: false };
  }

  /** Sends a sender report when one is due; called by the server's housekeeping tick. */
  tick(nowMs: number): void {
    if (this.playing && this.last && this.nextReportMs !== 0 && nowMs >= this.nextReportMs) this.sendReport(nowMs);
  }

  /** RTCP BYE (RFC 3550 §6.6), best effort, when the session ends after media was sent. */
  sendBye(): void {
    if (this.packetizer) this.sink.sendRtcp(encodeBye(this.ssrc));
  }

  private startPacketizer(start: PlayStart, sourceTimestamp: number): void {
    if (this.packetizer) {
      this.basePackets += this.packetizer.packetCount;
      this.baseOctets += this.packetizer.octetCount;
    }
    this.packetizer = new H264Packetizer({
      payloadType: this.options.payloadType,
      maxPayloadSize: this.options.maxPayloadSize,
      ssrc: this.ssrc,
      initialSequence: start.seq,
      // (sourceTimestamp + offset) mod 2^32 === start.rtptime
      timestampOffset: (start.rtptime - Math.floor(sourceTimestamp)) >>> 0,
      random: this.options.random,
    });
  }

  private drop(): PushResult {
    this.dropped++;
    return { packets: 0, bytes: 0, dropped: true };
  }

  private sendReport(nowMs: number): void {
    const packetizer = this.packetizer;
    const last = this.last;
    if (!packetizer || !last) return;
    this.nextReportMs = nowMs + this.options.senderReportIntervalMs;
    this.sink.sendRtcp(
      encodeSenderReport({
        ssrc: this.ssrc,
        ntpTimeMs: nowMs,
        // The RTP clock now, extrapolated from the last access unit sent (RFC 3550 §6.4.1).
        rtpTimestamp: (last.rtptime + Math.round((nowMs - last.wallMs) * RTP_CLOCK_PER_MS)) >>> 0,
        packetCount: this.basePackets + packetizer.packetCount,
        octetCount: this.baseOctets + packetizer.octetCount,
        cname: this.options.cname,
      }),
    );
  }
}
