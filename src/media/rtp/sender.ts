/**
 * RtpSender: one RTP stream of H.264 access units to one receiver (an RTSP player, a plain RTP
 * destination), with everything both outputs need and nothing about how the bytes travel:
 *
 * - the keyframe gate: nothing is sent after start() until a keyframe, so a receiver that joins a
 *   running stream decodes from its first packet (docs/RTSP-CLIENTS.md §6);
 * - exact announcements: start() returns the sequence number and RTP timestamp its first packet will
 *   carry (RTSP's RTP-Info, RFC 2326 §12.33); the timestamp mapping is chosen when that keyframe
 *   arrives. A later start() (PLAY after PAUSE) continues the sequence numbers and the RTP clock;
 * - backlog skipping: when the sink holds more than `backlogLimit` unsent (bytes or packets, the
 *   sink's unit), frames are dropped up to the next keyframe, so a slow receiver never grows memory
 *   or stalls anyone else;
 * - monotonic timestamps: an access unit whose RTP time would not advance (a source that jumped
 *   back) continues one frame after the last one instead (players treat a step back as corruption);
 * - RTCP: a sender report with the first packets (VLC resets its clock on the first SR,
 *   docs/RTSP-CLIENTS.md §5), then one per `senderReportIntervalMs` while media flows (sent from
 *   push() and tick(); no timer of its own, RFC 3550 §6.4.1), and BYE at the end (RFC 3550 §6.6).
 *
 *   idle --start()--> waitingForKeyframe --keyframe--> sending --backlog--> waitingForKeyframe
 *                        ^  |                            |
 *                        |  +--pause()--> paused <-------+ pause()
 *                        +---- start() ----+
 *   any --stop()--> stopped (final)
 *
 * Pure apart from the sink it writes to: no sockets, no timers; time comes in as an argument.
 */
import { BadInputError } from '../../errors';
import type { AccessUnit, ParameterSets } from '../types';
import { H264Packetizer } from './packetizer';
import { randomUint, type RandomSource } from './random';
import { encodeBye, encodeSenderReport } from './rtcp';

export type RtpSenderState = 'idle' | 'waitingForKeyframe' | 'sending' | 'paused' | 'stopped';

/** Where the packets go: a UDP socket, the RTSP server's shared UDP pair, an interleaved TCP channel. */
export interface RtpSink {
  /** Sends the RTP packets of one access unit (best effort; never throws). */
  sendRtp(packets: readonly Buffer[]): void;
  sendRtcp(packet: Buffer): void;
  /** What the sink holds but has not put on the network yet, in the unit of `backlogLimit`. */
  backlog(): number;
}

export interface RtpSenderOptions {
  sink: RtpSink;
  payloadType: number;
  maxPayloadSize: number;
  /** Random when absent (RFC 3550 §8.1). */
  ssrc?: number;
  /** SDES CNAME of the sender reports (RFC 3550 §6.5.1). */
  cname: string;
  /** A sink backlog above this drops frames until the next keyframe. */
  backlogLimit: number;
  senderReportIntervalMs: number;
  random: RandomSource;
}

/** The first packet after start(), as RTP-Info announces it. */
export interface PlayStart {
  seq: number;
  rtptime: number;
}

/** What one access unit cost, or that it was dropped for the backlog. */
export interface PushResult {
  packets: number;
  bytes: number;
  dropped: boolean;
}

export interface RtpSenderStats {
  /** RTP packets and bytes (headers included) handed to the sink. */
  packets: number;
  bytes: number;
  /** Access units sent. */
  frames: number;
  /** Access units not sent because they came before the keyframe a start() waits for. */
  waited: number;
  /** Access units dropped because the sink's backlog was over the limit (and those up to the next keyframe). */
  dropped: number;
  senderReports: number;
}

const NOTHING: PushResult = Object.freeze({ packets: 0, bytes: 0, dropped: false });
const DROPPED: PushResult = Object.freeze({ packets: 0, bytes: 0, dropped: true });
const RTP_CLOCK_PER_MS = 90;
const HALF_RANGE = 0x8000_0000;
/** Step used when a source timestamp goes back and no frame spacing is known yet: 30 fps on 90 kHz. */
const NOMINAL_FRAME_TICKS = 3000;
/** A spacing longer than this is an outage, not a frame duration. */
const MAX_FRAME_TICKS = 90_000;

export class RtpSender {
  readonly ssrc: number;
  private readonly options: RtpSenderOptions;
  private readonly packetizer: H264Packetizer;
  private current: RtpSenderState = 'idle';
  /** Set by start() until the keyframe that honours it arrives. */
  private announced: PlayStart | undefined;
  /** RTP timestamp and wall time of the last access unit sent: the clock of SRs and of a later start(). */
  private last: { rtptime: number; wallMs: number } | undefined;
  private frameTicks = NOMINAL_FRAME_TICKS;
  private nextReportMs = 0;
  private readonly counters: RtpSenderStats = { packets: 0, bytes: 0, frames: 0, waited: 0, dropped: 0, senderReports: 0 };

  /** Throws BadInputError for a bad payload type, payload size or SSRC. */
  constructor(options: RtpSenderOptions) {
    this.options = options;
    const ssrc = options.ssrc ?? randomUint(options.random, 32);
    if (!(options.backlogLimit >= 0)) throw new BadInputError(`RTP backlog limit must be >= 0, got ${options.backlogLimit}`);
    this.packetizer = new H264Packetizer({
      payloadType: options.payloadType,
      maxPayloadSize: options.maxPayloadSize,
      ssrc,
      random: options.random,
    });
    this.ssrc = this.packetizer.ssrc;
  }

  get state(): RtpSenderState {
    return this.current;
  }

  stats(): RtpSenderStats {
    return { ...this.counters };
  }

  /**
   * Sends from the next keyframe on; returns what its first packet will carry. Valid in every state
   * but stopped (a PLAY while playing restarts at the next keyframe too, so its RTP-Info is exact).
   */
  start(nowMs: number): PlayStart {
    if (this.current === 'stopped') throw new BadInputError('this RTP sender was stopped');
    if (this.announced && this.current === 'waitingForKeyframe') return this.announced;
    const seq = this.counters.packets > 0 ? this.packetizer.nextSequence : randomUint(this.options.random, 16);
    const rtptime = this.last
      ? (this.last.rtptime + Math.round((nowMs - this.last.wallMs) * RTP_CLOCK_PER_MS)) >>> 0
      : randomUint(this.options.random, 32);
    this.announced = { seq, rtptime };
    this.current = 'waitingForKeyframe';
    return this.announced;
  }

  /** Stops sending; the stream's numbering stays for a later start(). */
  pause(): void {
    if (this.current !== 'stopped') this.current = 'paused';
  }

  /** Packetizes and sends one access unit when the state and the sink's backlog allow it. */
  push(au: AccessUnit, parameterSets: ParameterSets | undefined, nowMs: number): PushResult {
    const state = this.current;
    if (state !== 'sending' && state !== 'waitingForKeyframe') return NOTHING;
    if (state === 'waitingForKeyframe' && !au.keyframe) {
      if (this.announced) {
        this.counters.waited++;
        return NOTHING;
      }
      return this.drop(); // skipping to a keyframe after a backlog
    }
    if (this.options.sink.backlog() > this.options.backlogLimit) {
      this.current = 'waitingForKeyframe';
      return this.drop();
    }
    if (this.announced) {
      this.mapTo(this.announced, au.timestamp);
      this.announced = undefined;
    }
    this.current = 'sending';
    this.keepMonotonic(au.timestamp);
    const packets = this.packetizer.packetize(au, parameterSets);
    if (packets.length === 0) return NOTHING;
    this.options.sink.sendRtp(packets);
    let bytes = 0;
    for (let i = 0; i < packets.length; i++) bytes += packets[i].length;
    this.counters.packets += packets.length;
    this.counters.bytes += bytes;
    this.counters.frames++;
    this.last = { rtptime: this.packetizer.rtpTimestamp(au.timestamp), wallMs: nowMs };
    if (nowMs >= this.nextReportMs) this.sendReport(nowMs); // the first SR goes with the first packets
    return { packets: packets.length, bytes, dropped: false };
  }

  /** Sends a sender report when one is due (media flowing, interval passed). */
  tick(nowMs: number): void {
    if (this.current === 'sending' && this.last && nowMs >= this.nextReportMs) this.sendReport(nowMs);
  }

  /** BYE (best effort) when anything was sent, then stopped for good. Idempotent. */
  stop(): void {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    this.announced = undefined;
    if (this.counters.packets > 0) this.options.sink.sendRtcp(encodeBye(this.ssrc));
  }

  /** The announced RTP time goes to the access unit stamped `sourceTimestamp`. */
  private mapTo(start: PlayStart, sourceTimestamp: number): void {
    // (sourceTimestamp + offset) mod 2^32 === start.rtptime
    this.packetizer.timestampOffset = (start.rtptime - Math.floor(sourceTimestamp)) >>> 0;
    this.packetizer.nextSequence = start.seq;
  }

  /** A source that steps back (or stands still) continues one frame after the last RTP time instead. */
  private keepMonotonic(sourceTimestamp: number): void {
    const last = this.last;
    if (!last) return;
    const rtptime = this.packetizer.rtpTimestamp(sourceTimestamp);
    const ahead = (rtptime - last.rtptime) >>> 0;
    if (ahead !== 0 && ahead < HALF_RANGE) {
      if (ahead <= MAX_FRAME_TICKS) this.frameTicks = ahead;
      return;
    }
    const wanted = (last.rtptime + this.frameTicks) >>> 0;
    this.packetizer.timestampOffset = (this.packetizer.timestampOffset + wanted - rtptime) >>> 0;
  }

  private drop(): PushResult {
    this.counters.dropped++;
    return DROPPED;
  }

  private sendReport(nowMs: number): void {
    const last = this.last;
    if (!last) return;
    this.nextReportMs = nowMs + this.options.senderReportIntervalMs;
    this.counters.senderReports++;
    this.options.sink.sendRtcp(
      encodeSenderReport({
        ssrc: this.ssrc,
        ntpTimeMs: nowMs,
        // The RTP clock now, extrapolated from the last access unit sent (RFC 3550 §6.4.1).
        rtpTimestamp: (last.rtptime + Math.round((nowMs - last.wallMs) * RTP_CLOCK_PER_MS)) >>> 0,
        packetCount: this.packetizer.packetCount,
        octetCount: this.packetizer.octetCount,
        cname: this.options.cname,
      }),
    );
  }
}
