/**
 * Sequence parameter set reader (ITU-T H.264 7.3.2.1.1) and the SDP values derived from the
 * parameter sets (RFC 6184 §8.1: profile-level-id, sprop-parameter-sets).
 *
 * Only what a relay needs is returned (profile, level, picture size); every other field is parsed
 * solely to reach pic_width_in_mbs_minus1 and the cropping window. Bad input throws ProtocolError.
 */
import { ProtocolError } from '../../errors';
import type { ParameterSets } from '../types';
import { BitReader, removeEmulationPrevention } from './bit-reader';
import { NalType, nalType } from './nal';

export interface SpsInfo {
  /** profile_idc: 66 Baseline, 77 Main, 100 High, ... */
  profileIdc: number;
  /** The byte holding constraint_set0_flag..constraint_set5_flag and reserved_zero_2bits. */
  constraintFlags: number;
  /** level_idc: ten times the level number (30 = level 3.0); 9 is level 1b in some profiles. */
  levelIdc: number;
  /** Displayed luma width after frame cropping, in pixels. */
  width: number;
  /** Displayed luma height after frame cropping, in pixels (frames, not fields). */
  height: number;
}

/**
 * Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices
 * (the `if (profile_idc == 100 || ...)` branch of 7.3.2.1.1).
 */
const HIGH_PROFILES: ReadonlySet<number> = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** 7.4.2.1.1: num_ref_frames_in_pic_order_cnt_cycle shall be in 0..255. */
const MAX_REF_FRAMES_IN_POC_CYCLE = 255;

/**
 * Parses an SPS NAL unit (header byte included, no start code).
 *
 *   byte 0        byte 1          byte 2            byte 3      then Exp-Golomb coded fields
 *   +--------+ +-------------+ +----------------+ +----------+ +--------------------------
 *   |NAL hdr | | profile_idc | |constraint flags| |level_idc | | seq_parameter_set_id ...
 *   +--------+ +-------------+ +----------------+ +----------+ +--------------------------
 */
export function parseSps(sps: Buffer): SpsInfo {
  if (sps.length < 4 || nalType(sps) !== NalType.SPS) {
    throw new ProtocolError(`not an SPS NAL unit (type ${sps.length > 0 ? nalType(sps) : 'none'}, ${sps.length} bytes)`);
  }
  const r = new BitReader(removeEmulationPrevention(sps.subarray(1)));
  const profileIdc = r.readBits(8);
  const constraintFlags = r.readBits(8);
  const levelIdc = r.readBits(8);
  r.readUe(); // seq_parameter_set_id

  let chromaFormatIdc = 1; // 7.4.2.1.1: inferred 4:2:0 when absent
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.readUe();
    if (chromaFormatIdc > 3) throw new ProtocolError(`SPS chroma_format_idc ${chromaFormatIdc} is out of range`);
    if (chromaFormatIdc === 3) separateColourPlane = r.readFlag();
    r.readUe(); // bit_depth_luma_minus8
    r.readUe(); // bit_depth_chroma_minus8
    r.readBit(); // qpprime_y_zero_transform_bypass_flag
    if (r.readFlag()) {
      // seq_scaling_matrix_present_flag: 6 4x4 lists, then 2 (4:2:0/4:2:2) or 6 (4:4:4) 8x8 lists
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) {
        if (r.readFlag()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }

  r.readUe(); // log2_max_frame_num_minus4
  const picOrderCntType = r.readUe();
  if (picOrderCntType === 0) {
    r.readUe(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (picOrderCntType === 1) {
    r.readBit(); // delta_pic_order_always_zero_flag
    r.readSe(); // offset_for_non_ref_pic
    r.readSe(); // offset_for_top_to_bottom_field
    const cycle = r.readUe();
    if (cycle > MAX_REF_FRAMES_IN_POC_CYCLE) {
      throw new ProtocolError(`SPS num_ref_frames_in_pic_order_cnt_cycle ${cycle} exceeds ${MAX_REF_FRAMES_IN_POC_CYCLE}`);
    }
    for (let i = 0; i < cycle; i++) r.readSe(); // offset_for_ref_frame[i]
  } else if (picOrderCntType !== 2) {
    throw new ProtocolError(`SPS pic_order_cnt_type ${picOrderCntType} is out of range`);
  }
  r.readUe(); // max_num_ref_frames
  r.readBit(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.readUe() + 1;
  const heightInMapUnits = r.readUe() + 1;
  const frameMbsOnly = r.readFlag();
  if (!frameMbsOnly) r.readBit(); // mb_adaptive_frame_field_flag
  r.readBit(); // direct_8x8_inference_flag

  let cropLeft = 0;
  let cropRight = 0;
  let cropTop = 0;
  let cropBottom = 0;
  if (r.readFlag()) {
    cropLeft = r.readUe();
    cropRight = r.readUe();
    cropTop = r.readUe();
    cropBottom = r.readUe();
  }

  // 7.4.2.1.1, equations 7-18..7-22: crop offsets count in chroma sample units.
  const frameHeightFactor = frameMbsOnly ? 1 : 2;
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
  const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = chromaArrayType === 0 ? frameHeightFactor : subHeightC * frameHeightFactor;

  const width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight);
  const height = frameHeightFactor * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
  if (width <= 0 || height <= 0) {
    throw new ProtocolError(`SPS cropping window leaves no picture (${width}x${height})`);
  }
  return { profileIdc, constraintFlags, levelIdc, width, height };
}

/** scaling_list() of 7.3.2.1.1.1, read only to skip it. */
function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size; j++) {
    if (nextScale !== 0) {
      const deltaScale = r.readSe();
      nextScale = (lastScale + deltaScale + 256) % 256;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
}

/**
 * RFC 6184 §8.1 profile-level-id: the SPS bytes profile_idc, constraint flags and level_idc as
 * six lowercase hex digits (e.g. "42c01e": Constrained Baseline, level 3.0).
 */
export function profileLevelId(sps: Buffer): string {
  if (sps.length < 4 || nalType(sps) !== NalType.SPS) {
    throw new ProtocolError(`not an SPS NAL unit (${sps.length} bytes)`);
  }
  return sps.subarray(1, 4).toString('hex');
}

/**
 * RFC 6184 §8.1 sprop-parameter-sets: base64 of the SPS and the PPS NAL units (no start codes),
 * comma separated, SPS first.
 */
export function spropParameterSets(ps: ParameterSets): string {
  return `${ps.sps.toString('base64')},${ps.pps.toString('base64')}`;
}
