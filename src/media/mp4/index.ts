/**
 * MP4 muxing of H.264 access units (docs/MP4.md): fragmented MP4 for the live view and HLS
 * (initSegment, mediaSegment, LiveFragmenter), progressive faststart MP4 for clips (progressiveHeader,
 * buildMoov, mdatHeader, ClipIndex, buildMp4), the avcC record and the RFC 6381 codecs string.
 * Pure: no sockets, timers, files or events.
 */
export { avcDecoderConfigurationRecord, codecString, NAL_LENGTH_SIZE } from './avcc';
export { boxHeader } from './box';
export { Mp4Defaults } from './defaults';
export { initSegment, type InitSegmentOptions } from './init-segment';
export { mediaSegment, moofSize, SampleFlags, type FragmentSample, type MediaSegmentInput } from './media-segment';
export { LiveFragmenter, type LiveFragmenterOptions } from './live-fragmenter';
export { TimestampUnwrapper, type TimestampUnwrapperOptions } from './timestamps';
export { avccSample, avccSampleSize, writeAvccSample } from './sample-data';
export type { ClipSample } from './sample-table';
export { ClipIndex } from './clip-index';
export {
  buildMoov,
  buildMp4,
  mdatHeader,
  progressiveFtyp,
  progressiveHeader,
  type MoovOptions,
  type Mp4Sample,
  type ProgressiveHeader,
} from './progressive';
