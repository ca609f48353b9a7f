/** Defaults and bounds of the MP4 muxing (docs/MP4.md), each with its reason. */
export const Mp4Defaults = {
  /** Media timescale: the preview's own 90 kHz clock (RTP's for video), so no timestamp is ever rounded. */
  timescale: 90000,
  /** The only track. trex, tfhd and tkhd name it; any non-zero id works for a single-track file. */
  trackId: 1,
  /**
   * Sample duration before two frames have been seen, and after a clock restart until the next one:
   * 15 fps, the rate of the preview this package was measured with (src/session/preview-defaults.ts).
   */
  nominalFrameTicks: 6000,
  /**
   * A 90 kHz step forward larger than this is a restarted stream, not elapsed time: 10 s is more than
   * three times the receiver's stall limit (3 s), so a real stall keeps its true length on the timeline.
   */
  maxForwardTicks: 10 * 90000,
  /**
   * Samples per chunk in a progressive clip. A chunk is a run of samples stored back to back, one
   * stco/co64 entry each: 30 frames (1 to 2 s of preview) keep the index 30 times smaller than one
   * chunk per frame while a player still finds any sample with one stsc lookup.
   */
  samplesPerChunk: 30,
  /**
   * Most samples one moov indexes: 6 hours at 30 fps. The index is held in memory while the clip is
   * assembled (about 20 bytes a sample: stsz, stco, stts at worst), so this caps it near 13 MB.
   */
  maxClipSamples: 6 * 3600 * 30,
  /**
   * Most samples in one fragment. Live fragments hold one; an HLS segment built as one fragment of a
   * GOP holds tens. A bound keeps a caller's mistake from sizing a huge buffer.
   */
  maxFragmentSamples: 10000,
} as const;
