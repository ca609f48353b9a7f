/**
 * The AVC decoder configuration record (`avcC`, ISO/IEC 14496-15 §5.3.3.1) built from one SPS and
 * one PPS, and the RFC 6381 §3.3 codecs string that MSE and an HLS playlist name the track by.
 *
 *   byte 0    1         2              3        4                      5
 *   +-------+---------+--------------+--------+----------------------+----------------------+
 *   | ver=1 | profile | compatibility| level  |111111|lengthSizeMinus1|111| numOfSequenceParam..|
 *   +-------+---------+--------------+--------+----------------------+----------------------+
 *   then per SPS: u16 length + NAL unit; u8 numOfPictureParameterSets; per PPS: u16 length + NAL;
 *   then, for profile_idc 100/110/122/144 only (§5.3.3.1.2):
 *   +--------------------+--------------------------+----------------------------+--------------+
 *   |111111|chroma_format|11111|bit_depth_luma_minus8|11111|bit_depth_chroma_minus8| numOfSPSExt=0|
 *   +--------------------+--------------------------+----------------------------+--------------+
 *
 * Bytes 1..3 are copied from the SPS (profile_idc, the constraint flags, level_idc: H.264 7.3.2.1.1).
 * lengthSizeMinusOne is 3: every sample stores its NAL units behind 4-byte big-endian lengths.
 */
import { ProtocolError } from '../../errors';
import { BitReader, removeEmulationPrevention } from '../h264/bit-reader';
import { NalType, nalType } from '../h264/nal';
import type { ParameterSets } from '../types';
import { fields } from './box';

/** NAL unit length field size in samples (lengthSizeMinusOne + 1); 4 allows any NAL unit size. */
export const NAL_LENGTH_SIZE = 4;

/** §5.3.3.1.2: these profiles carry chroma format and bit depths after the PPS list. */
const PROFILES_WITH_EXTENSION: ReadonlySet<number> = new Set([100, 110, 122, 144]);

/** sequenceParameterSetLength / pictureParameterSetLength are 16-bit fields. */
const MAX_PARAMETER_SET_BYTES = 0xffff;

/** The AVCDecoderConfigurationRecord (the avcC box's payload) for `params`. */
export function avcDecoderConfigurationRecord(params: ParameterSets): Buffer {
  const { sps, pps } = params;
  checkParameterSet(sps, NalType.SPS, 'SPS');
  checkParameterSet(pps, NalType.PPS, 'PPS');
  const profileIdc = sps[1];
  const extension = PROFILES_WITH_EXTENSION.has(profileIdc) ? chromaAndDepth(sps) : undefined;
  const size = 6 + 2 + sps.length + 1 + 2 + pps.length + (extension ? 4 : 0);
  return fields(size, (w) => {
    w.u8(1) // configurationVersion
      .u8(profileIdc) // AVCProfileIndication
      .u8(sps[2]) // profile_compatibility: the constraint_set flags byte
      .u8(sps[3]) // AVCLevelIndication
      .u8(0xfc | (NAL_LENGTH_SIZE - 1)) // reserved '111111' + lengthSizeMinusOne
      .u8(0xe0 | 1) // reserved '111' + numOfSequenceParameterSets
      .u16(sps.length)
      .bytes(sps)
      .u8(1) // numOfPictureParameterSets
      .u16(pps.length)
      .bytes(pps);
    if (extension) {
      w.u8(0xfc | extension.chromaFormatIdc)
        .u8(0xf8 | extension.bitDepthLumaMinus8)
        .u8(0xf8 | extension.bitDepthChromaMinus8)
        .u8(0); // numOfSequenceParameterSetExt
    }
  });
}

/**
 * RFC 6381 §3.3 codecs parameter for H.264: `avc1.` + profile_idc, constraint flags and level_idc
 * as six hex digits, e.g. `avc1.42c01e` (Constrained Baseline, level 3.0). MSE's
 * `video/mp4; codecs="…"` and the HLS CODECS attribute take it as is.
 */
export function codecString(sps: Buffer): string {
  checkParameterSet(sps, NalType.SPS, 'SPS');
  return `avc1.${sps.subarray(1, 4).toString('hex')}`;
}

function checkParameterSet(nal: Buffer, type: number, name: string): void {
  if (nal.length < (type === NalType.SPS ? 4 : 2) || nalType(nal) !== type) {
    throw new ProtocolError(`mp4: not a ${name} NAL unit (${nal.length} bytes, type ${nal.length > 0 ? nalType(nal) : 'none'})`);
  }
  if (nal.length > MAX_PARAMETER_SET_BYTES) {
    throw new ProtocolError(`mp4: ${name} of ${nal.length} bytes does not fit avcC's 16-bit length`);
  }
}

/** chroma_format_idc and bit depths, the first fields after seq_parameter_set_id of a High SPS (7.3.2.1.1). */
function chromaAndDepth(sps: Buffer): { chromaFormatIdc: number; bitDepthLumaMinus8: number; bitDepthChromaMinus8: number } {
  const r = new BitReader(removeEmulationPrevention(sps.subarray(4)));
  r.readUe(); // seq_parameter_set_id
  const chromaFormatIdc = r.readUe();
  if (chromaFormatIdc > 3) throw new ProtocolError(`mp4: SPS chroma_format_idc ${chromaFormatIdc} is out of range`);
  if (chromaFormatIdc === 3) r.readBit(); // separate_colour_plane_flag
  const bitDepthLumaMinus8 = r.readUe();
  const bitDepthChromaMinus8 = r.readUe();
  if (bitDepthLumaMinus8 > 6 || bitDepthChromaMinus8 > 6) {
    throw new ProtocolError(`mp4: SPS bit depth ${bitDepthLumaMinus8 + 8}/${bitDepthChromaMinus8 + 8} is out of range`);
  }
  return { chromaFormatIdc, bitDepthLumaMinus8, bitDepthChromaMinus8 };
}
