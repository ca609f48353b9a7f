/**
 * A sample's bytes as MP4 stores H.264 (ISO/IEC 14496-15 §5.3.2): each NAL unit of the access unit
 * behind its length as a 4-byte big-endian integer (avcC lengthSizeMinusOne = 3), no start codes.
 *
 *   +-------------------------------+------------------+-------------------------------+-----
 *   | length of NAL 1 (32 bits, BE) | NAL 1 (header..) | length of NAL 2 (32 bits, BE) | ...
 *   +-------------------------------+------------------+-------------------------------+-----
 *
 * NAL units are stored as given, in-band SPS/PPS/SEI of a keyframe included (what `ffmpeg -c copy`
 * writes to an avc1 track; every player tested accepts it and it keeps the stream self-contained).
 */
import { BadInputError } from '../../errors';
import { NAL_LENGTH_SIZE } from './avcc';

/** Largest NAL unit a 4-byte length can describe. */
const MAX_NAL_BYTES = 0xffffffff;

/** Bytes the access unit takes in an mdat. Throws BadInputError for an empty access unit. */
export function avccSampleSize(nalus: readonly Buffer[]): number {
  if (nalus.length === 0) throw new BadInputError('mp4: a sample needs at least one NAL unit');
  let size = 0;
  for (let i = 0; i < nalus.length; i++) {
    const n = nalus[i].length;
    if (n === 0 || n > MAX_NAL_BYTES) throw new BadInputError(`mp4: NAL unit ${i} has ${n} bytes`);
    size += NAL_LENGTH_SIZE + n;
  }
  return size;
}

/** Writes the access unit at `offset` of `target`; returns the offset after it. */
export function writeAvccSample(nalus: readonly Buffer[], target: Buffer, offset: number): number {
  let pos = offset;
  for (let i = 0; i < nalus.length; i++) {
    const nal = nalus[i];
    target.writeUInt32BE(nal.length, pos);
    pos += NAL_LENGTH_SIZE;
    pos += nal.copy(target, pos);
  }
  return pos;
}

/** The access unit's mdat bytes in a new Buffer (what a clip writes to its temporary payload file). */
export function avccSample(nalus: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(avccSampleSize(nalus));
  writeAvccSample(nalus, out, 0);
  return out;
}
