/**
 * Grouping of a raw NAL unit sequence into access units (ITU-T H.264 7.4.1.2.3), for sources that
 * carry no frame delimiters of their own: the committed preview clip, the simulator, benchmarks.
 * The camera preview itself is delimited by time packets (docs/PROTOCOL.md §4.3) and does not need this.
 *
 * A new access unit begins at the first of these after the last VCL NAL unit of a picture:
 * AUD (9), SPS (7), PPS (8), SEI (6), types 14-18, or a VCL NAL unit whose first_mb_in_slice is 0.
 * Multi-slice pictures stay together because only their first slice has first_mb_in_slice == 0.
 * The full first-slice test of 7.4.1.2.4 (frame_num, pic_parameter_set_id, ... differences) is not
 * needed for encoders that start every picture at macroblock 0, which all of them do.
 */
import { ProtocolError } from '../../errors';
import { BitReader, removeEmulationPrevention } from './bit-reader';
import { isVcl, nalType } from './nal';

/** Non-VCL types that open the next access unit when they follow a picture (7.4.1.2.3). */
const PREFIX_TYPES: ReadonlySet<number> = new Set([6, 7, 8, 9, 14, 15, 16, 17, 18]);

/** Bytes after the NAL header that always hold first_mb_in_slice (ue(v) of at most 65 bits). */
const SLICE_HEADER_PEEK = 16;

/**
 * first_mb_in_slice of a slice NAL unit (7.3.3), the first syntax element after the header byte.
 * Throws ProtocolError when the slice is too short to hold it.
 */
export function firstMbInSlice(slice: Buffer): number {
  if (slice.length < 2) throw new ProtocolError(`slice NAL unit of ${slice.length} bytes has no slice header`);
  const head = removeEmulationPrevention(slice.subarray(1, 1 + SLICE_HEADER_PEEK));
  return new BitReader(head).readUe();
}

/**
 * Groups NAL units (no start codes, decoding order) into access units. Non-VCL NAL units that
 * precede a picture belong to it; NAL units after the last picture (none in a well-formed stream)
 * are appended to the last access unit, or returned alone when there is no picture at all.
 * Empty buffers are skipped.
 */
export function splitAccessUnits(nalus: readonly Buffer[]): Buffer[][] {
  const units: Buffer[][] = [];
  let current: Buffer[] = [];
  let currentHasPicture = false;
  let prefix: Buffer[] = []; // non-VCL NAL units waiting for the picture they precede
  for (const nal of nalus) {
    if (nal.length === 0) continue;
    const type = nalType(nal);
    if (isVcl(type)) {
      if (currentHasPicture && firstMbInSlice(nal) === 0) {
        units.push(current);
        current = [];
      }
      current.push(...prefix, nal);
      prefix = [];
      currentHasPicture = true;
    } else if (PREFIX_TYPES.has(type) || !currentHasPicture) {
      prefix.push(nal);
    } else if (prefix.length > 0) {
      prefix.push(nal); // follows a prefix NAL unit, so it belongs to the next picture too
    } else {
      current.push(nal); // end of sequence/stream, filler, auxiliary slice: trails the picture
    }
  }
  current.push(...prefix);
  if (current.length > 0) units.push(current);
  return units;
}
