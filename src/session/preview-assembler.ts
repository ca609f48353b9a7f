/**
 * Preview datagrams -> H.264 access units (PROTOCOL.md §4). Pure: no sockets, no timers.
 *
 * - Type 1 payloads are slices of one Annex-B byte stream (§4.2); NAL units span datagrams, so the
 *   payloads are concatenated through an incremental Annex-B splitter.
 * - A type 2 time packet ends a frame (§4.3). It closes the access unit whose data came before it
 *   and - with `timePacketOffset` 0 - stamps it (ARCHITECTURE.md "Decisions"). Offset n stamps the unit
 *   closed by time packet i with the value of time packet i+n: -1 if a capture shows that time packets
 *   precede their frame, -2 reproduces S1 (§7 item 21), >0 delays output by n frames.
 * - The 16-bit sequence number detects loss (§7 "use the sequence field"). A unit is never emitted when
 *   a datagram of it (or, possibly, its time packet) is missing: the current unit is dropped, and so is
 *   every later one until the next IDR, since P-frames referring to a lost picture decode as garbage.
 *   The same holds at start-up (the receiver joins mid-stream) and after a size overrun.
 * - Access unit delimiters are dropped (an RTP receiver needs none, RFC 6184 §5.1 leaves AU boundaries
 *   to the marker bit); the latest SPS/PPS of an emitted unit are cached for SDP sprop-parameter-sets.
 * - Unknown datagram types (5, §4.4) and the unknown bytes 0-11 of time packets are counted and
 *   hex-logged at debug (a bounded number of samples), never thrown.
 */
import { Logger, silentLogger } from '../logger';
import { AnnexBSplitter } from '../media/h264/annexb';
import { NalType, nalType } from '../media/h264/nal';
import { AccessUnit, ParameterSets } from '../media/types';
import { PreviewDatagram } from '../protocol/preview';
import { PreviewClock } from './preview-clock';
import { PreviewDefaults } from './preview-defaults';
import { SequenceTracker } from './preview-sequence';

export interface PreviewAssemblerOptions {
  /** Integer in -8..8; see the file comment. Default 0. */
  timePacketOffset?: number;
  /** A unit larger than this (bytes) without a time packet is dropped. Default 2 MiB. */
  maxAccessUnitBytes?: number;
  /** Debug log receives hex samples of unknown datagrams and time-packet bytes. */
  logger?: Logger;
  /** Hex samples logged before going quiet. Default 16. */
  hexLogLimit?: number;
}

/** Counters since construction; all monotonic except `lost`, which late arrivals reduce. */
export interface PreviewStats {
  /** Datagrams pushed, of every type. */
  datagrams: number;
  /** H.264 payload bytes received (type 1 payloads, Annex-B as sent). */
  bytes: number;
  /** Access units emitted. */
  frames: number;
  /** Emitted access units that contain an IDR slice. */
  keyframes: number;
  /** Datagrams missing from the sequence (gaps minus those that turned up late). */
  lost: number;
  /** Datagrams that arrived behind a newer one (reordered or duplicated); discarded. */
  reordered: number;
  /** Frames closed by a time packet but not emitted: damaged, oversized, before an IDR, or unstampable. */
  droppedFrames: number;
  /** Datagrams of a type other than 1 and 2. */
  unknown: number;
}

/** A frame closed by its time packet, waiting for the time packet that stamps it (offset > 0). */
type Slot = { nalus: Buffer[]; keyframe: boolean } | undefined;

export class PreviewAssembler {
  private readonly offset: number;
  private readonly maxBytes: number;
  private readonly logger: Logger;
  private readonly sequence = new SequenceTracker();
  private readonly clock = new PreviewClock();
  private readonly counters: PreviewStats = {
    datagrams: 0, bytes: 0, frames: 0, keyframes: 0, lost: 0, reordered: 0, droppedFrames: 0, unknown: 0,
  };
  private readonly splitter = new AnnexBSplitter();
  /** NAL units of the frame being received. */
  private nalus: Buffer[] = [];
  private unitBytes = 0;
  /** Any type 1 datagram since the last time packet (kept or not): a frame was under way. */
  private frameSeen = false;
  /** True when the frame being received has lost data (or started before we joined). */
  private damaged = true;
  /** True until an IDR frame is complete: everything before it would decode as garbage. */
  private needIdr = true;
  /** offset > 0: closed frames waiting for a later time packet's stamp (oldest first). */
  private pending: Slot[] = [];
  /** offset < 0: stamps of the last |offset| time packets (oldest first). */
  private stamps: number[] = [];
  private params: ParameterSets | undefined;
  private hexSamples = 0;
  private readonly hexLogLimit: number;
  private lastTimeBytes: Buffer | undefined;
  /** The datagram after a sequence jump, replayed if the next one confirms a restart. */
  private held: PreviewDatagram | undefined;

  constructor(options: PreviewAssemblerOptions = {}) {
    const offset = options.timePacketOffset ?? PreviewDefaults.timePacketOffset;
    const limit = PreviewDefaults.maxTimePacketOffset;
    if (!Number.isInteger(offset) || Math.abs(offset) > limit) {
      throw new RangeError(`timePacketOffset must be an integer in -${limit}..${limit}, got ${offset}`);
    }
    this.offset = offset;
    this.maxBytes = options.maxAccessUnitBytes ?? PreviewDefaults.maxAccessUnitBytes;
    this.logger = options.logger ?? silentLogger;
    this.hexLogLimit = options.hexLogLimit ?? PreviewDefaults.hexLogLimit;
  }

  /** A snapshot of the counters. */
  get stats(): PreviewStats {
    return { ...this.counters };
  }

  /** Latest SPS and PPS seen in an emitted access unit, once both are known. */
  parameterSets(): ParameterSets | undefined {
    return this.params;
  }

  /** Feeds one decoded datagram; returns the access units it completes (usually none or one). */
  push(d: PreviewDatagram): AccessUnit[] {
    this.counters.datagrams++;
    if (d.kind === 'unknown') {
      this.counters.unknown++;
      // Type 5 may or may not share the counter (§4.4 [?]): consume its number only if it is the expected one.
      if (this.sequence.next === d.seq) this.sequence.track(d.seq);
      this.sample(`unknown preview datagram type ${d.type} seq ${d.seq}`, d.payload);
      return [];
    }
    const out: AccessUnit[] = [];
    const verdict = this.sequence.track(d.seq);
    switch (verdict.kind) {
      case 'first':
        this.startAt(d);
        break;
      case 'next':
        break;
      case 'gap':
        this.counters.lost += verdict.lost;
        this.markDamaged();
        break;
      case 'late':
        this.counters.reordered++;
        if (this.counters.lost > 0) this.counters.lost--;
        return out; // its frame was already given up when the gap was seen
      case 'jump':
        this.held = d; // kept until the next datagram shows whether the sender restarted
        return out;
      case 'restart': {
        this.logger.debug(`preview sequence restarted at ${(d.seq + 0xffff) & 0xffff}; resynchronising`);
        this.markDamaged();
        const held = this.held;
        if (held) {
          this.startAt(held);
          this.process(held, out);
        }
        break;
      }
    }
    this.held = undefined;
    this.process(d, out);
    return out;
  }

  /** Forgets the frame in progress and waits for the next IDR, as after a loss (e.g. after a stall). */
  resync(): void {
    this.markDamaged();
    this.sequence.reset();
  }

  /**
   * First datagram of a stream: we joined mid-frame unless it is the first slice of a frame, which begins
   * with a start code (§4.2). A later slice that happens to begin with one still holds whole NAL units,
   * and only a frame with an IDR is emitted first.
   */
  private startAt(d: PreviewDatagram): void {
    if (d.kind === 'h264' && startsWithStartCode(d.data)) this.damaged = false;
  }

  private process(d: PreviewDatagram, out: AccessUnit[]): void {
    if (d.kind === 'h264') {
      this.onData(d.data);
    } else if (d.kind === 'time') {
      if (!this.lastTimeBytes || !this.lastTimeBytes.equals(d.unknown)) {
        this.lastTimeBytes = Buffer.from(d.unknown);
        this.sample(`time packet bytes 0-11 (elapsed ${d.elapsedMs} ms)`, d.unknown);
      }
      for (const au of this.onTime(this.clock.toTicks(d.elapsedMs))) out.push(au);
    }
  }

  private onData(data: Buffer): void {
    this.counters.bytes += data.length;
    this.frameSeen = true;
    if (this.damaged) return;
    this.unitBytes += data.length;
    if (this.unitBytes > this.maxBytes) {
      this.logger.warn(`preview frame exceeds ${this.maxBytes} bytes without a time packet; dropped`);
      this.markDamaged();
      return;
    }
    for (const nal of this.splitter.push(data)) this.nalus.push(nal);
  }

  private onTime(stamp: number): AccessUnit[] {
    const slot = this.closeFrame();
    if (this.offset >= 0) {
      this.pending.push(slot);
      if (this.pending.length <= this.offset) return [];
      return this.emit(this.pending.shift(), stamp);
    }
    const stampFor = this.stamps.length === -this.offset ? this.stamps[0] : undefined;
    this.stamps.push(stamp);
    if (this.stamps.length > -this.offset) this.stamps.shift();
    if (stampFor === undefined) {
      if (slot) {
        this.drop(1); // no earlier time packet to stamp it with yet
        this.needIdr = true; // and the frames after it would refer to it
      }
      return [];
    }
    return this.emit(slot, stampFor);
  }

  /** Ends the frame in progress; undefined when it must not be emitted. */
  private closeFrame(): Slot {
    let nalus = this.nalus;
    const { damaged, frameSeen } = this;
    if (!damaged) for (const nal of this.splitter.flush()) nalus.push(nal);
    this.nalus = [];
    this.unitBytes = 0;
    this.frameSeen = false;
    this.damaged = false;
    if (damaged) {
      if (frameSeen) this.drop(1);
      return undefined;
    }
    nalus = nalus.filter((nal) => nal.length > 0 && nalType(nal) !== NalType.AUD);
    if (nalus.length === 0) return undefined; // two time packets in a row: no frame
    const keyframe = nalus.some((nal) => nalType(nal) === NalType.IDR);
    if (this.needIdr && !keyframe) {
      this.drop(1);
      return undefined;
    }
    this.needIdr = false;
    return { nalus, keyframe };
  }

  private emit(slot: Slot, timestamp: number): AccessUnit[] {
    if (!slot) return [];
    this.counters.frames++;
    if (slot.keyframe) this.counters.keyframes++;
    this.cacheParameterSets(slot.nalus);
    return [{ nalus: slot.nalus, timestamp, keyframe: slot.keyframe }];
  }

  /** Gives up the frame in progress, the frames awaiting a stamp, and everything until the next IDR. */
  private markDamaged(): void {
    this.damaged = true;
    this.needIdr = true;
    this.nalus = [];
    this.unitBytes = 0;
    this.splitter.reset();
    // A lost datagram may have been a time packet: pairing frames with stamps is no longer known.
    this.drop(this.pending.filter((slot) => slot !== undefined).length);
    this.pending = [];
    this.stamps = [];
  }

  private drop(frames: number): void {
    this.counters.droppedFrames += frames;
  }

  private cacheParameterSets(nalus: Buffer[]): void {
    let sps = this.params?.sps;
    let pps = this.params?.pps;
    for (const nal of nalus) {
      const type = nalType(nal);
      if (type === NalType.SPS) sps = nal;
      else if (type === NalType.PPS) pps = nal;
    }
    if (!sps || !pps) return;
    // Replace the object only when the content changes, so consumers can compare by identity.
    if (this.params && sps.equals(this.params.sps) && pps.equals(this.params.pps)) return;
    this.params = { sps: Buffer.from(sps), pps: Buffer.from(pps) };
  }

  private sample(what: string, bytes: Buffer): void {
    if (this.hexSamples >= this.hexLogLimit) return;
    this.hexSamples++;
    const shown = bytes.subarray(0, 64).toString('hex');
    const more = bytes.length > 64 ? ` ... (${bytes.length} bytes)` : '';
    const last = this.hexSamples === this.hexLogLimit ? ' (last sample logged)' : '';
    this.logger.debug(`${what}: ${shown}${more}${last}`);
  }
}

function startsWithStartCode(data: Buffer): boolean {
  if (data.length >= 3 && data[0] === 0 && data[1] === 0 && data[2] === 1) return true;
  return data.length >= 4 && data[0] === 0 && data[1] === 0 && data[2] === 0 && data[3] === 1;
}
