/**
 * H.264 NAL unit header (ITU-T H.264 7.3.1, 7.4.1) and the NAL unit types this package handles,
 * plus the RTP payload types of RFC 6184 §5.2 that share the same 5-bit type space.
 *
 *   +---------------+
 *   |0|1|2|3|4|5|6|7|
 *   +-+-+-+-+-+-+-+-+
 *   |F|NRI|  Type   |
 *   +---------------+
 *
 * F: forbidden_zero_bit; NRI: nal_ref_idc (0 = not used for reference); Type: nal_unit_type.
 */
import { ProtocolError } from '../../errors';

export const NalType = {
  /** Coded slice of a non-IDR picture (7.3.2.8). */
  NON_IDR: 1,
  /** Coded slice of an IDR picture: a decoder can start here. */
  IDR: 5,
  /** Supplemental enhancement information (7.3.2.3). */
  SEI: 6,
  /** Sequence parameter set (7.3.2.1). */
  SPS: 7,
  /** Picture parameter set (7.3.2.2). */
  PPS: 8,
  /** Access unit delimiter (7.3.2.4); carries nothing an RTP receiver needs. */
  AUD: 9,
  /** Single-time aggregation packet, RFC 6184 §5.7.1 (RTP payload only, never in a byte stream). */
  STAP_A: 24,
  /** Fragmentation unit A, RFC 6184 §5.8 (RTP payload only, never in a byte stream). */
  FU_A: 28,
} as const;

export type NalTypeName = keyof typeof NalType;

/** nal_unit_type of a NAL unit (no start code). Throws ProtocolError for an empty buffer. */
export function nalType(nal: Buffer): number {
  if (nal.length === 0) throw new ProtocolError('empty NAL unit has no header byte');
  return nal[0] & 0x1f;
}

/**
 * True for the VCL NAL unit types that carry slice data of a primary coded picture (types 1-5,
 * H.264 Table 7-1). A `number` is taken as a type, a Buffer as a NAL unit.
 */
export function isVcl(nalOrType: Buffer | number): boolean {
  const type = typeof nalOrType === 'number' ? nalOrType : nalType(nalOrType);
  return type >= 1 && type <= 5;
}

/** True when any NAL unit is an IDR slice (the access unit is a keyframe). */
export function containsIdr(nalus: readonly Buffer[]): boolean {
  return nalus.some((nal) => nal.length > 0 && (nal[0] & 0x1f) === NalType.IDR);
}
