/**
 * One movie fragment: moof + mdat (ISO/IEC 14496-12 §8.8.4-§8.8.12, a CMAF chunk of
 * ISO/IEC 23000-19 §7.3.2.3). Called for every frame of every live camera, so the whole fragment is
 * written into ONE Buffer sized exactly up front: no intermediate boxes, no per-NAL allocations.
 *
 *   moof                                  8
 *     mfhd   sequence_number              16
 *     traf                                8
 *       tfhd  flags 0x020000              16  default-base-is-moof: offsets count from the moof
 *       tfdt  version 1                   20  baseMediaDecodeTime, 64 bits
 *       trun  flags 0x000701              20 + 12 per sample
 *               data_offset  -> first byte of mdat's payload (the first NAL length)
 *               per sample: duration, size, flags
 *   mdat                                  8 (16 with largesize)
 *     per sample: [u32 length][NAL] ...   (sample-data.ts)
 *
 * trun flags (§8.8.8.1): 0x000001 data-offset-present, 0x000100 sample-duration-present,
 * 0x000200 sample-size-present, 0x000400 sample-flags-present.
 *
 * Sample flags (§8.8.3.1), one 32-bit word per sample:
 *
 *   0    4    6    8    10   12  15 16                              31
 *   +----+----+----+----+----+---+--+--------------------------------+
 *   |rsv |lead|dep.|dep.|red.|pad|NS|  sample_degradation_priority   |
 *   |    |    | on | by |    |   |  |                                |
 *   +----+----+----+----+----+---+--+--------------------------------+
 *
 * A keyframe (IDR) is a sync sample that depends on no other: depends_on = 2 -> 0x02000000.
 * Any other frame depends on others and is not a sync sample: depends_on = 1, non-sync = 1
 * -> 0x01010000. Baseline has no B-frames, so there is no composition offset (ctts) to carry.
 */
import { BadInputError } from '../../errors';
import { BOX_HEADER_SIZE, ByteWriter, FULL_BOX_EXTRA, boxHeaderSize } from './box';
import { Mp4Defaults } from './defaults';
import { avccSampleSize, writeAvccSample } from './sample-data';

export const SampleFlags = {
  /** sample_depends_on = 2 (depends on no other sample), a sync sample. */
  keyframe: 0x02000000,
  /** sample_depends_on = 1, sample_is_non_sync_sample = 1. */
  other: 0x01010000,
} as const;

/** tfhd default-base-is-moof (§8.8.7.1). */
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
/** trun: data offset, then duration, size and flags for every sample (§8.8.8.1). */
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400;
const TRUN_BYTES_PER_SAMPLE = 12;

const MFHD_SIZE = BOX_HEADER_SIZE + FULL_BOX_EXTRA + 4;
const TFHD_SIZE = BOX_HEADER_SIZE + FULL_BOX_EXTRA + 4;
const TFDT_SIZE = BOX_HEADER_SIZE + FULL_BOX_EXTRA + 8;
/** trun without its per-sample entries: header, sample_count, data_offset. */
const TRUN_FIXED_SIZE = BOX_HEADER_SIZE + FULL_BOX_EXTRA + 4 + 4;
/** moof with a traf whose trun has no sample entries yet. */
const MOOF_FIXED_SIZE = BOX_HEADER_SIZE + MFHD_SIZE + BOX_HEADER_SIZE + TFHD_SIZE + TFDT_SIZE + TRUN_FIXED_SIZE;

const UINT32_MAX = 0xffffffff;

export interface FragmentSample {
  /** The access unit's NAL units, without start codes. */
  nalus: readonly Buffer[];
  /** Duration in timescale (90 kHz) ticks. */
  duration: number;
  /** An IDR: a decoder can start here. */
  keyframe: boolean;
}

export interface MediaSegmentInput {
  /** mfhd sequence_number: one more for every fragment of a stream (32 bits). */
  sequenceNumber: number;
  /** Decode time of the first sample in timescale ticks (tfdt, 64 bits; exact up to 2^53). */
  baseMediaDecodeTime: number;
  samples: readonly FragmentSample[];
  /** The init segment's track id (default 1). */
  trackId?: number;
}

/** Size of the moof of a fragment of `sampleCount` samples. */
export function moofSize(sampleCount: number): number {
  return MOOF_FIXED_SIZE + TRUN_BYTES_PER_SAMPLE * sampleCount;
}

/** moof + mdat of `input.samples`, in one exactly sized Buffer. */
export function mediaSegment(input: MediaSegmentInput): Buffer {
  const { sequenceNumber, baseMediaDecodeTime, samples } = input;
  const trackId = input.trackId ?? Mp4Defaults.trackId;
  checkInput(input, trackId);

  let payloadSize = 0;
  for (let i = 0; i < samples.length; i++) payloadSize += avccSampleSize(samples[i].nalus);
  const moof = moofSize(samples.length);
  const mdatHeader = boxHeaderSize(payloadSize);
  const w = new ByteWriter(Buffer.allocUnsafe(moof + mdatHeader + payloadSize));

  w.boxHeader('moof', moof);
  w.fullBoxHeader('mfhd', MFHD_SIZE, 0, 0).u32(sequenceNumber);
  w.boxHeader('traf', moof - BOX_HEADER_SIZE - MFHD_SIZE);
  w.fullBoxHeader('tfhd', TFHD_SIZE, 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(trackId);
  w.fullBoxHeader('tfdt', TFDT_SIZE, 1, 0).u64(baseMediaDecodeTime);
  w.fullBoxHeader('trun', TRUN_FIXED_SIZE + TRUN_BYTES_PER_SAMPLE * samples.length, 0, TRUN_FLAGS);
  w.u32(samples.length).u32(moof + mdatHeader); // sample_count, data_offset (from the moof's first byte)
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    w.u32(s.duration).u32(avccSampleSize(s.nalus)).u32(s.keyframe ? SampleFlags.keyframe : SampleFlags.other);
  }
  w.boxHeader('mdat', mdatHeader + payloadSize);
  for (let i = 0; i < samples.length; i++) w.pos = writeAvccSample(samples[i].nalus, w.buf, w.pos);
  return w.done();
}

function checkInput(input: MediaSegmentInput, trackId: number): void {
  const { sequenceNumber, baseMediaDecodeTime, samples } = input;
  if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > UINT32_MAX) {
    throw new BadInputError(`mp4: sequence number ${sequenceNumber} is not a 32-bit unsigned integer`);
  }
  if (!Number.isSafeInteger(baseMediaDecodeTime) || baseMediaDecodeTime < 0) {
    throw new BadInputError(`mp4: decode time ${baseMediaDecodeTime} is not a non-negative safe integer`);
  }
  if (!Number.isInteger(trackId) || trackId < 1 || trackId > UINT32_MAX) {
    throw new BadInputError(`mp4: track id ${trackId} is not an integer in 1..2^32-1`);
  }
  if (samples.length === 0 || samples.length > Mp4Defaults.maxFragmentSamples) {
    throw new BadInputError(`mp4: a fragment holds 1..${Mp4Defaults.maxFragmentSamples} samples, not ${samples.length}`);
  }
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i].duration;
    if (!Number.isInteger(d) || d < 0 || d > UINT32_MAX) {
      throw new BadInputError(`mp4: sample ${i} duration ${d} is not a 32-bit unsigned integer`);
    }
  }
}
