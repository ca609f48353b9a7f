/**
 * The fragmented-MP4 initialization segment (ISO/IEC 14496-12 §8.8, CMAF header, ISO/IEC 23000-19
 * §7.3.2.1): ftyp + moov whose sample table is empty and whose mvex/trex announces that the
 * samples come in movie fragments (media-segment.ts).
 *
 *   ftyp
 *   moov
 *     mvhd                       duration 0 (unknown: a live stream)
 *     trak
 *       tkhd                     width/height from the SPS
 *       mdia
 *         mdhd                   timescale 90000
 *         hdlr                   'vide'
 *         minf
 *           vmhd
 *           dinf / dref / url
 *           stbl
 *             stsd / avc1 / avcC from the SPS and PPS
 *             stts stsc stsz stco  (all empty)
 *     mvex
 *       trex                     default sample description 1, no other defaults
 *
 * A new init segment is needed when the SPS or PPS changes (another resolution after a camera
 * setting, say): a player must be given it before the fragments that follow the change.
 */
import { BadInputError, ProtocolError } from '../../errors';
import { parseSps } from '../h264/sps';
import type { ParameterSets } from '../types';
import { avcDecoderConfigurationRecord } from './avcc';
import { box, fields, fullBox } from './box';
import { Mp4Defaults } from './defaults';
import { mvhd, stsd, trak, type TrackInfo } from './track-boxes';

/** avc1 stores width and height in 16-bit fields (14496-12 §12.1.3). */
const MAX_DIMENSION = 0xffff;

export interface InitSegmentOptions {
  /** Track id; the fragments must use the same (default 1). */
  trackId?: number;
}

/**
 * Brands of a fragmented file: iso6 (14496-12 6th edition: tfdt, default-base-is-moof), cmfc (the
 * CMAF track brand, 23000-19 §7.2) and mp41, as MSE, hls.js, Safari and ffmpeg accept.
 */
const FRAGMENTED_BRANDS = { major: 'iso6', minor: 0, compatible: ['iso6', 'cmfc', 'mp41'] } as const;

/** §4.3 File type box. */
export function ftyp(major: string, minor: number, compatible: readonly string[]): Buffer {
  return box('ftyp', fields(8 + 4 * compatible.length, (w) => {
    w.fourcc(major).u32(minor);
    for (const brand of compatible) w.fourcc(brand);
  }));
}

/** ftyp + moov that start a fragmented MP4 stream of `params` (a live stream or an HLS header). */
export function initSegment(params: ParameterSets, opts: InitSegmentOptions = {}): Buffer {
  const track = trackInfo(params, { trackId: opts.trackId ?? Mp4Defaults.trackId, duration: 0, creationTime: 0 });
  const emptyTables = [
    fullBox('stts', 0, 0, Buffer.alloc(4)), // entry_count 0
    fullBox('stsc', 0, 0, Buffer.alloc(4)), // entry_count 0
    fullBox('stsz', 0, 0, Buffer.alloc(8)), // sample_size 0, sample_count 0
    fullBox('stco', 0, 0, Buffer.alloc(4)), // entry_count 0
  ];
  const stbl = box('stbl', stsd(track), ...emptyTables);
  const trex = fullBox('trex', 0, 0, fields(20, (w) => {
    w.u32(track.trackId).u32(1); // track_ID, default_sample_description_index
    w.u32(0).u32(0).u32(0); // default_sample_duration, _size, _flags: every trun sets its own
  }));
  const moov = box('moov', mvhd(track), trak(track, stbl), box('mvex', trex));
  const { major, minor, compatible } = FRAGMENTED_BRANDS;
  return Buffer.concat([ftyp(major, minor, compatible), moov]);
}

/** The track description both file forms share, from the parameter sets. */
export function trackInfo(
  params: ParameterSets,
  t: { trackId: number; duration: number; creationTime: number },
): TrackInfo {
  checkTrackId(t.trackId);
  const { width, height } = parseSps(params.sps);
  if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new ProtocolError(`mp4: picture ${width}x${height} does not fit the avc1 sample entry`);
  }
  return {
    trackId: t.trackId,
    timescale: Mp4Defaults.timescale,
    width,
    height,
    avcC: avcDecoderConfigurationRecord(params),
    duration: t.duration,
    creationTime: t.creationTime,
  };
}

/** track_ID is a non-zero 32-bit field (§8.3.2.3). */
export function checkTrackId(trackId: number): void {
  if (!Number.isInteger(trackId) || trackId < 1 || trackId > 0xffffffff) {
    throw new BadInputError(`mp4: track id ${trackId} is not an integer in 1..2^32-1`);
  }
}
