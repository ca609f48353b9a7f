/**
 * H.264 RTP depacketizer, RFC 6184 packetization-mode 1: Single NAL Unit packets (§5.6), STAP-A
 * (§5.7.1) and FU-A (§5.8) back into access units. Used by tests and benchmarks to check what the
 * packetizer sends, the way a player's depacketizer reads it.
 *
 * An access unit ends at a packet with the marker bit or when the timestamp changes. A sequence
 * gap (RFC 3550 §A.1) damages the access unit in progress and the one the next packet belongs to
 * (its first packets may be the lost ones): both are dropped and counted instead of being returned
 * with holes. Late or duplicate packets are discarded. Memory is bounded by `maxAccessUnitSize`.
 * Access unit timestamps are the RTP timestamps as received.
 */
import { BadInputError } from '../../errors';
import { NalType, containsIdr } from '../h264/nal';
import type { AccessUnit } from '../types';
import { decodeRtpPacket, type RtpPacket } from './header';

/** A 4K IDR at camera bit rates is well below this; anything larger is treated as damage. */
export const DEFAULT_MAX_ACCESS_UNIT_SIZE = 8 * 1024 * 1024;

/** Sequence distance beyond which a packet counts as late or duplicate rather than a jump ahead. */
const MAX_FORWARD_JUMP = 0x8000;

export interface H264DepacketizerOptions {
  maxAccessUnitSize?: number;
}

export interface DepacketizerStats {
  packets: number;
  /** Packets missing from the sequence (RFC 3550 §A.3 style: expected minus received). */
  lostPackets: number;
  /** Late or duplicate packets that were discarded. */
  discardedPackets: number;
  accessUnits: number;
  /** Packets whose H.264 payload broke RFC 6184; their access unit is dropped. */
  malformedPackets: number;
  /** Access units dropped because a packet was lost, a fragment was missing or they grew too large. */
  droppedAccessUnits: number;
}

export class H264Depacketizer {
  readonly maxAccessUnitSize: number;
  private readonly counters: DepacketizerStats = {
    packets: 0,
    lostPackets: 0,
    discardedPackets: 0,
    malformedPackets: 0,
    accessUnits: 0,
    droppedAccessUnits: 0,
  };
  private expectedSequence: number | undefined;
  private timestamp: number | undefined;
  private nalus: Buffer[] = [];
  private size = 0;
  private damaged = false;
  /** Pieces of the FU-A NAL unit being reassembled (first is the rebuilt NAL header). */
  private fragments: Buffer[] | undefined;

  constructor(options: H264DepacketizerOptions = {}) {
    const max = options.maxAccessUnitSize ?? DEFAULT_MAX_ACCESS_UNIT_SIZE;
    if (!Number.isInteger(max) || max < 1) throw new BadInputError(`maxAccessUnitSize must be a positive integer, got ${max}`);
    this.maxAccessUnitSize = max;
  }

  get stats(): Readonly<DepacketizerStats> {
    return { ...this.counters };
  }

  /**
   * Feeds one RTP packet (bytes or already decoded); returns the access units it completes.
   * Throws ProtocolError only for bytes that are not an RTP packet, before any state changes; a
   * malformed H.264 payload damages its access unit and is counted in `malformedPackets`.
   */
  push(input: Buffer | RtpPacket): AccessUnit[] {
    const packet = Buffer.isBuffer(input) ? decodeRtpPacket(input) : input;
    const { sequenceNumber, timestamp, marker } = packet.header;
    const out: AccessUnit[] = [];
    let gap = false;
    if (this.expectedSequence !== undefined && sequenceNumber !== this.expectedSequence) {
      const ahead = (sequenceNumber - this.expectedSequence) & 0xffff;
      if (ahead >= MAX_FORWARD_JUMP) {
        this.counters.discardedPackets++;
        return out;
      }
      this.counters.lostPackets += ahead;
      gap = true;
      // The access unit in progress misses its tail (or more).
      if (this.nalus.length > 0 || this.fragments) this.damaged = true;
    }
    this.counters.packets++;
    this.expectedSequence = (sequenceNumber + 1) & 0xffff;
    if (this.timestamp !== undefined && this.timestamp !== timestamp) this.complete(out);
    // The lost packets may have been the first ones of the access unit this packet belongs to.
    if (gap) this.damaged = true;
    this.timestamp = timestamp;
    if (!this.readPayload(packet.payload)) {
      this.counters.malformedPackets++;
      this.damaged = true;
    }
    if (marker) this.complete(out);
    return out;
  }

  /** Returns the access unit in progress (end of stream) and forgets the sequence state. */
  flush(): AccessUnit[] {
    const out: AccessUnit[] = [];
    this.complete(out);
    this.expectedSequence = undefined;
    this.timestamp = undefined;
    return out;
  }

  /** Returns false for a payload that breaks RFC 6184 (empty, malformed, or a type mode 1 forbids). */
  private readPayload(payload: Buffer): boolean {
    if (payload.length === 0) return false;
    const type = payload[0] & 0x1f;
    if (type >= 1 && type <= 23) {
      this.endFragments();
      this.addNal(payload);
      return true;
    }
    if (type === NalType.STAP_A) {
      this.endFragments();
      return this.readStapA(payload);
    }
    if (type === NalType.FU_A) return this.readFuA(payload);
    return false; // 0 and 30-31 are undefined; STAP-B, MTAP and FU-B need the interleaved mode 2
  }

  /** STAP-A, RFC 6184 §5.7.1: header byte, then (16-bit size, NAL unit) pairs. */
  private readStapA(payload: Buffer): boolean {
    let pos = 1;
    const units: Buffer[] = [];
    while (pos < payload.length) {
      if (pos + 2 > payload.length) break;
      const size = payload.readUInt16BE(pos);
      if (size === 0 || pos + 2 + size > payload.length) break;
      units.push(payload.subarray(pos + 2, pos + 2 + size));
      pos += 2 + size;
    }
    if (pos !== payload.length || units.length === 0) return false;
    for (const nal of units) this.addNal(nal);
    return true;
  }

  /** FU-A, RFC 6184 §5.8: a start without S or a second S means a fragment went missing. */
  private readFuA(payload: Buffer): boolean {
    if (payload.length < 3) return false;
    const indicator = payload[0];
    const fuHeader = payload[1];
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start && end) return false; // §5.8: a NAL unit that fits one packet must not be fragmented
    if (start) {
      if (this.fragments) this.damaged = true; // the previous fragmented NAL unit never ended
      this.fragments = [Buffer.from([(indicator & 0xe0) | (fuHeader & 0x1f)])];
      this.size += 1;
    } else if (!this.fragments) {
      this.damaged = true; // continuation of a NAL unit whose start we never saw
      return true;
    }
    this.fragments.push(Buffer.from(payload.subarray(2)));
    this.size += payload.length - 2;
    if (this.size > this.maxAccessUnitSize) this.overflow();
    if (end && this.fragments) {
      this.nalus.push(Buffer.concat(this.fragments));
      this.fragments = undefined;
    }
    return true;
  }

  private endFragments(): void {
    if (this.fragments) {
      this.damaged = true; // a fragmented NAL unit without its end fragment
      this.fragments = undefined;
    }
  }

  private addNal(nal: Buffer): void {
    this.size += nal.length;
    if (this.size > this.maxAccessUnitSize) {
      this.overflow();
      return;
    }
    this.nalus.push(Buffer.from(nal));
  }

  /** Drops the contents of an access unit that outgrew the bound; the rest of it is ignored. */
  private overflow(): void {
    this.damaged = true;
    this.nalus = [];
    this.fragments = undefined;
    this.size = 0;
  }

  /** Ends the access unit in progress: returned when whole, counted when damaged. */
  private complete(out: AccessUnit[]): void {
    this.endFragments();
    if (this.damaged) {
      this.counters.droppedAccessUnits++;
    } else if (this.nalus.length > 0 && this.timestamp !== undefined) {
      out.push({ nalus: this.nalus, timestamp: this.timestamp, keyframe: containsIdr(this.nalus) });
      this.counters.accessUnits++;
    }
    this.nalus = [];
    this.size = 0;
    this.damaged = false;
  }
}
