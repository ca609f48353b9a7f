/**
 * Preview datagrams -> H.264 access units (docs/PROTOCOL.md §4). Pure: no sockets, no timers.
 *
 * - Type 1 payloads are slices of one Annex-B byte stream (§4.2): NAL units span datagrams. A frame's
 *   slices are only remembered (views of the datagrams, no copy) until its time packet arrives; then
 *   they are joined once and split on start codes once, so the work per datagram is a header check
 *   and the allocations per frame are one buffer and the access unit itself.
 * - A type 2 time packet ends a frame (§4.3). It closes the access unit whose data came before it
 *   and - with `timePacketOffset` 0 - stamps it (docs/ARCHITECTURE.md "Decisions"). Offset n stamps
 *   the unit closed by time packet i with the value of time packet i+n: -1 if a capture shows that
 *   time packets precede their frame, -2 reproduces the reference tool (§7 item 21), >0 delays output
 *   by n frames.
 * - The 16-bit sequence number detects loss (§4.1). A unit is never emitted when a datagram of it (or,
 *   possibly, its time packet) is missing: the current unit is dropped, and so is every later one
 *   until the next IDR, since P-frames referring to a lost picture decode as garbage. The same holds
 *   at start-up (the receiver joins mid-stream) and after a size overrun.
 * - Access unit delimiters are dropped (an RTP receiver needs none, RFC 6184 §5.1 leaves AU boundaries
 *   to the marker bit); the latest SPS/PPS of an emitted unit are cached for SDP sprop-parameter-sets.
 * - Unknown datagram types (5, §4.4) and the unknown bytes 0-11 of time packets are counted and
 *   hex-logged at debug (a bounded number of samples), never thrown.
 */
import { BadInputError, ProtocolError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { splitAnnexB } from '../media/h264/annexb';
import { NalType, nalType } from '../media/h264/nal';
import type { AccessUnit, ParameterSets } from '../media/types';
import { HEADER_SIZE, PREVIEW_MAGIC, PreviewType } from '../protocol/constants';
import { TIME_ELAPSED_OFFSET, TIME_PAYLOAD_SIZE, type PreviewDatagram } from '../protocol/preview';
import { PreviewClock } from './clock';
import { PreviewDefaults } from './defaults';
import { SequenceTracker } from './sequence';

export interface PreviewAssemblerOptions {
  /** Integer in -8..8; see the file comment. Default 0. */
  timePacketOffset?: number;
  /** A unit larger than this (bytes) without a time packet is dropped. Default 2 MiB. */
  maxAccessUnitBytes?: number;
  /** Debug log receives hex samples of unknown datagrams and time-packet bytes. */
  logger?: Logger;
  /** Hex samples logged before going quiet. Default 16. */
  hexLogLimit?: number;
  /** See PreviewDefaults.maxTimeJumpMs. */
  maxTimeJumpMs?: number;
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
  /** Time packets that jumped back, stood still or leapt ahead and were not confirmed: their frame was stamped one frame on. */
  implausibleTime: number;
}

/** A frame closed by its time packet, waiting for the time packet that stamps it (offset > 0). */
type Slot = { nalus: Buffer[]; keyframe: boolean; sps: Buffer | undefined; pps: Buffer | undefined } | undefined;

/** What most datagrams complete: nothing. Shared, so the common case allocates no array. */
const NOTHING: AccessUnit[] = [];
Object.freeze(NOTHING);

export class PreviewAssembler {
  private readonly offset: number;
  private readonly maxBytes: number;
  private readonly logger: Logger;
  private readonly sequence = new SequenceTracker();
  private readonly clock = new PreviewClock();
  private readonly counters: PreviewStats = {
    datagrams: 0, bytes: 0, frames: 0, keyframes: 0, lost: 0, reordered: 0, droppedFrames: 0, unknown: 0, implausibleTime: 0,
  };
  private readonly maxTimeJumpMs: number;
  /** The camera's elapsed ms of the last time packet believed; undefined = believe the next one (start, resync). */
  private lastElapsed: number | undefined;
  /** An implausible elapsed value, believed if the next time packet continues from it. */
  private timeCandidate: number | undefined;
  /** The type-1 payloads of the frame being received, as (datagram, begin, end): no copies. */
  private chunkBufs: Buffer[] = [];
  private chunkBegins: number[] = [];
  private chunkEnds: number[] = [];
  private chunks = 0;
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
  private held: Buffer | undefined;

  constructor(options: PreviewAssemblerOptions = {}) {
    const offset = options.timePacketOffset ?? PreviewDefaults.timePacketOffset;
    const limit = PreviewDefaults.maxTimePacketOffset;
    if (!Number.isInteger(offset) || Math.abs(offset) > limit) {
      throw new BadInputError(`timePacketOffset must be an integer in -${limit}..${limit}, got ${offset}`);
    }
    this.offset = offset;
    this.maxBytes = options.maxAccessUnitBytes ?? PreviewDefaults.maxAccessUnitBytes;
    this.logger = options.logger ?? silentLogger;
    this.hexLogLimit = options.hexLogLimit ?? PreviewDefaults.hexLogLimit;
    this.maxTimeJumpMs = options.maxTimeJumpMs ?? PreviewDefaults.maxTimeJumpMs;
  }

  /** A snapshot of the counters. */
  get stats(): PreviewStats {
    return { ...this.counters };
  }

  /** Latest SPS and PPS seen in an emitted access unit, once both are known. */
  parameterSets(): ParameterSets | undefined {
    return this.params;
  }

  /**
   * Feeds one datagram as it came off the socket; returns the access units it completes (usually
   * none; the returned empty array is shared and frozen). Throws ProtocolError for a datagram whose
   * header is broken (too short, bad magic, length past the end, short time packet), having changed
   * nothing: the caller counts and logs it.
   */
  pushDatagram(datagram: Buffer): AccessUnit[] {
    const length = checkHeader(datagram);
    const type = u16(datagram, 6);
    if (type === PreviewType.TIME && length < TIME_PAYLOAD_SIZE) {
      throw new ProtocolError(`preview time packet payload is ${length} bytes, expected ${TIME_PAYLOAD_SIZE}`);
    }
    return this.accept(datagram, u16(datagram, 4), type);
  }

  /** Feeds one decoded datagram (as decodePreviewDatagram returns it); see pushDatagram. */
  push(d: PreviewDatagram): AccessUnit[] {
    const payload = d.kind === 'h264' ? d.data : d.kind === 'time' ? Buffer.concat([d.unknown, u32le(d.elapsedMs)]) : d.payload;
    const type = d.kind === 'h264' ? PreviewType.H264 : d.kind === 'time' ? PreviewType.TIME : d.type;
    const datagram = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
    datagram.writeUInt16BE(PREVIEW_MAGIC, 0);
    datagram.writeUInt16BE(payload.length, 2);
    datagram.writeUInt16BE(d.seq & 0xffff, 4);
    datagram.writeUInt16BE(type, 6);
    payload.copy(datagram, HEADER_SIZE);
    return this.accept(datagram, d.seq & 0xffff, type);
  }

  /** Forgets the frame in progress and waits for the next IDR, as after a loss (e.g. after a stall). */
  resync(): void {
    this.markDamaged();
    this.sequence.reset();
    this.lastElapsed = undefined; // after an outage the camera's clock has run on: believe its next stamp
    this.timeCandidate = undefined;
  }

  private accept(datagram: Buffer, seq: number, type: number): AccessUnit[] {
    this.counters.datagrams++;
    if (type !== PreviewType.H264 && type !== PreviewType.TIME) {
      this.counters.unknown++;
      // Type 5 may or may not share the counter (§4.4 [?]): consume its number only if it is the expected one.
      if (this.sequence.next === seq) this.sequence.track(seq);
      this.sample(`unknown preview datagram type ${type} seq ${seq}`, payloadOf(datagram));
      return NOTHING;
    }
    const verdict = this.sequence.track(seq);
    switch (verdict.kind) {
      case 'first':
        this.startAt(datagram, type);
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
        return NOTHING; // its frame was already given up when the gap was seen
      case 'jump':
        this.held = datagram; // kept until the next datagram shows whether the sender restarted
        return NOTHING;
      case 'restart': {
        this.logger.debug(`preview sequence restarted at ${(seq + 0xffff) & 0xffff}; resynchronising`);
        this.markDamaged();
        this.lastElapsed = undefined; // a restarted stream restarts its clock too: believe its next stamp
        this.timeCandidate = undefined;
        const held = this.held;
        this.held = undefined;
        if (held) {
          const heldType = u16(held, 6);
          this.startAt(held, heldType);
          const fromHeld = this.process(held, heldType);
          const fromThis = this.process(datagram, type);
          return fromHeld.length === 0 ? fromThis : fromThis.length === 0 ? fromHeld : [...fromHeld, ...fromThis];
        }
        break;
      }
    }
    this.held = undefined;
    return this.process(datagram, type);
  }

  /**
   * First datagram of a stream: we joined mid-frame unless it is the first slice of a frame, which begins
   * with a start code (§4.2). A later slice that happens to begin with one still holds whole NAL units,
   * and only a frame with an IDR is emitted first.
   */
  private startAt(datagram: Buffer, type: number): void {
    if (type === PreviewType.H264 && startsWithStartCode(datagram, HEADER_SIZE, HEADER_SIZE + u16(datagram, 2))) {
      this.damaged = false;
    }
  }

  private process(datagram: Buffer, type: number): AccessUnit[] {
    const end = HEADER_SIZE + u16(datagram, 2);
    if (type === PreviewType.H264) {
      this.onData(datagram, HEADER_SIZE, end);
      return NOTHING;
    }
    const unknownEnd = HEADER_SIZE + TIME_ELAPSED_OFFSET;
    const last = this.lastTimeBytes;
    if (!last || !sameBytes(datagram, HEADER_SIZE, last)) {
      this.lastTimeBytes = Buffer.from(datagram.subarray(HEADER_SIZE, unknownEnd));
      const elapsedMs = datagram.readUInt32LE(unknownEnd);
      this.sample(`time packet bytes 0-11 (elapsed ${elapsedMs} ms)`, this.lastTimeBytes);
    }
    return this.onTime(this.stamp(datagram.readUInt32LE(unknownEnd)));
  }

  /**
   * The 90 kHz stamp for a time packet: the camera's elapsed time when it follows the last one by a
   * plausible step; one frame after the last stamp when it does not (counted), unless it continues
   * from an earlier implausible value, which makes that a camera restart (the clock rebases).
   */
  private stamp(elapsedMs: number): number {
    const last = this.lastElapsed;
    if (last !== undefined && !this.plausibleStep(last, elapsedMs)) {
      const candidate = this.timeCandidate;
      if (candidate === undefined || !this.plausibleStep(candidate, elapsedMs)) {
        this.timeCandidate = elapsedMs;
        this.counters.implausibleTime++;
        this.logger.debug(`preview: time packet ${elapsedMs} ms after ${last} ms is implausible; stamping one frame on`);
        return this.clock.extrapolate();
      }
    }
    this.timeCandidate = undefined;
    this.lastElapsed = elapsedMs;
    return this.clock.toTicks(elapsedMs);
  }

  /** Forward by more than nothing and at most maxTimeJumpMs (u32 wrap included). */
  private plausibleStep(fromMs: number, toMs: number): boolean {
    const delta = (toMs - fromMs + 0x1_0000_0000) % 0x1_0000_0000;
    return delta > 0 && delta <= this.maxTimeJumpMs;
  }

  private onData(datagram: Buffer, begin: number, end: number): void {
    this.counters.bytes += end - begin;
    this.frameSeen = true;
    if (this.damaged || end === begin) return;
    this.unitBytes += end - begin;
    if (this.unitBytes > this.maxBytes) {
      this.logger.warn(`preview frame exceeds ${this.maxBytes} bytes without a time packet; dropped`);
      this.markDamaged();
      return;
    }
    const i = this.chunks++;
    this.chunkBufs[i] = datagram;
    this.chunkBegins[i] = begin;
    this.chunkEnds[i] = end;
  }

  private onTime(stamp: number): AccessUnit[] {
    const slot = this.closeFrame();
    if (this.offset >= 0) {
      if (this.offset === 0) return this.emit(slot, stamp);
      this.pending.push(slot);
      if (this.pending.length <= this.offset) return NOTHING;
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
      return NOTHING;
    }
    return this.emit(slot, stampFor);
  }

  /** Ends the frame in progress; undefined when it must not be emitted. */
  private closeFrame(): Slot {
    const { damaged, frameSeen } = this;
    const frame = damaged ? undefined : this.joinChunks();
    this.clearChunks();
    this.frameSeen = false;
    this.damaged = false;
    if (damaged) {
      if (frameSeen) this.drop(1);
      return undefined;
    }
    if (!frame) return undefined; // two time packets in a row: no frame
    const nalus = splitAnnexB(frame);
    let keyframe = false;
    let sps: Buffer | undefined;
    let pps: Buffer | undefined;
    let kept = 0;
    for (let i = 0; i < nalus.length; i++) {
      const nal = nalus[i];
      const type = nalType(nal);
      if (type === NalType.AUD) continue;
      if (type === NalType.IDR) keyframe = true;
      else if (type === NalType.SPS) sps = nal;
      else if (type === NalType.PPS) pps = nal;
      nalus[kept++] = nal;
    }
    nalus.length = kept;
    if (kept === 0) return undefined;
    if (this.needIdr && !keyframe) {
      this.drop(1);
      return undefined;
    }
    this.needIdr = false;
    return { nalus, keyframe, sps, pps };
  }

  /** The frame's bytes in one buffer: a view of the datagram when it came in one, else one copy. */
  private joinChunks(): Buffer | undefined {
    const n = this.chunks;
    if (n === 0) return undefined;
    if (n === 1) return this.chunkBufs[0].subarray(this.chunkBegins[0], this.chunkEnds[0]);
    const frame = Buffer.allocUnsafe(this.unitBytes);
    let at = 0;
    for (let i = 0; i < n; i++) at += this.chunkBufs[i].copy(frame, at, this.chunkBegins[i], this.chunkEnds[i]);
    return frame;
  }

  private clearChunks(): void {
    // Drop the references (the datagrams) but keep the arrays: no allocation per frame. A loop, not
    // fill(): a builtin call costs more than the handful of stores a frame has.
    const bufs = this.chunkBufs;
    for (let i = 0; i < this.chunks; i++) bufs[i] = undefined as unknown as Buffer;
    this.chunks = 0;
    this.unitBytes = 0;
  }

  private emit(slot: Slot, timestamp: number): AccessUnit[] {
    if (!slot) return NOTHING;
    this.counters.frames++;
    if (slot.keyframe) this.counters.keyframes++;
    if (slot.sps || slot.pps) this.cacheParameterSets(slot.sps, slot.pps);
    return [{ nalus: slot.nalus, timestamp, keyframe: slot.keyframe }];
  }

  /** Gives up the frame in progress, the frames awaiting a stamp, and everything until the next IDR. */
  private markDamaged(): void {
    this.damaged = true;
    this.needIdr = true;
    this.clearChunks();
    // A lost datagram may have been a time packet: pairing frames with stamps is no longer known.
    this.drop(this.pending.filter((slot) => slot !== undefined).length);
    this.pending = [];
    this.stamps = [];
  }

  private drop(frames: number): void {
    this.counters.droppedFrames += frames;
  }

  /** The latest SPS and PPS of an emitted unit (the last of each in the unit), once both are known. */
  private cacheParameterSets(unitSps: Buffer | undefined, unitPps: Buffer | undefined): void {
    const sps = unitSps ?? this.params?.sps;
    const pps = unitPps ?? this.params?.pps;
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

/** Checks the 8-byte header (§4.1) and returns the payload length; throws ProtocolError when broken. */
function checkHeader(datagram: Buffer): number {
  if (datagram.length < HEADER_SIZE) throw new ProtocolError(`preview datagram too short: ${datagram.length} bytes`);
  if (datagram[0] !== PREVIEW_MAGIC >> 8 || datagram[1] !== (PREVIEW_MAGIC & 0xff)) {
    const magic = u16(datagram, 0);
    throw new ProtocolError(`bad preview magic 0x${magic.toString(16).padStart(4, '0')}, expected 0xbcde`);
  }
  const length = u16(datagram, 2);
  if (HEADER_SIZE + length > datagram.length) {
    throw new ProtocolError(`preview datagram says ${length} payload bytes but carries ${datagram.length - HEADER_SIZE}`);
  }
  return length;
}

/**
 * The big-endian u16 at `at`, which the caller has bounds-checked (checkHeader's length check comes
 * first). Read by hand: several per datagram, and readUInt16BE's argument checks are a call each
 * until V8 compiles the path.
 */
function u16(data: Buffer, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

function payloadOf(datagram: Buffer): Buffer {
  return datagram.subarray(HEADER_SIZE, HEADER_SIZE + u16(datagram, 2));
}

function startsWithStartCode(data: Buffer, begin: number, end: number): boolean {
  const n = end - begin;
  if (n >= 3 && data[begin] === 0 && data[begin + 1] === 0 && data[begin + 2] === 1) return true;
  return n >= 4 && data[begin] === 0 && data[begin + 1] === 0 && data[begin + 2] === 0 && data[begin + 3] === 1;
}

/** Whether data[at, at + expected.length) equals expected (a few bytes: a loop beats compare()'s checks). */
function sameBytes(data: Buffer, at: number, expected: Buffer): boolean {
  for (let i = 0; i < expected.length; i++) if (data[at + i] !== expected[i]) return false;
  return true;
}

function u32le(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(value >>> 0, 0);
  return out;
}
