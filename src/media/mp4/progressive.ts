/**
 * Progressive ("faststart") MP4 for clips: the index before the media, so a player can start and
 * seek before it has the whole file (ISO/IEC 14496-12 §6.2.3 box order; §8.1.1 mdat, §8.2.1 moov).
 *
 *   ftyp | moov (mvhd, trak with the full sample table) | mdat header | sample bytes...
 *
 * Long clips are not held in memory: an output appends each frame's bytes (sample-data.ts
 * avccSample) to a temporary file and keeps only a ClipSample {size, duration, keyframe} per frame
 * (clip-index.ts). At the end, progressiveHeader() returns ftyp + moov + mdat header for that table,
 * and the final file is that header followed by the temporary file's bytes. The lower-level
 * progressiveFtyp(), buildMoov() and mdatHeader() are the same pieces one by one.
 *
 * The moov's chunk offsets depend on where the payload starts, which depends on the moov's size,
 * which depends on stco (4 bytes an entry) against co64 (8): progressiveHeader() solves that.
 * There is no edit list: the first sample decodes at 0 and Baseline has no reordering.
 */
import { BadInputError } from '../../errors';
import type { ParameterSets } from '../types';
import { box, boxHeader } from './box';
import { Mp4Defaults } from './defaults';
import { ftyp, trackInfo } from './init-segment';
import { avccSampleSize, writeAvccSample } from './sample-data';
import { checkSamples, clipStbl, type ClipSample } from './sample-table';
import { mp4Time, mvhd, stsd, trak } from './track-boxes';

/** Brands ffmpeg's mp4 muxer writes (isom, iso2, avc1, mp41): what VLC, browsers, Telegram and QuickTime expect. */
const PROGRESSIVE_BRANDS = { major: 'isom', minor: 512, compatible: ['isom', 'iso2', 'avc1', 'mp41'] } as const;

export interface MoovOptions {
  /** Track id (default 1). */
  trackId?: number;
  /** Stored as creation and modification time (default: none, 0). */
  creationTime?: Date;
  /** Frames per chunk (default 30, docs/MP4.md). */
  samplesPerChunk?: number;
}

/** The ftyp of a progressive clip. */
export function progressiveFtyp(): Buffer {
  const { major, minor, compatible } = PROGRESSIVE_BRANDS;
  return ftyp(major, minor, compatible);
}

/** The 8-byte mdat header, or 16 bytes (64-bit largesize) once the box reaches 4 GiB. */
export function mdatHeader(payloadSize: number): Buffer {
  return boxHeader('mdat', payloadSize);
}

/**
 * The complete moov of a clip whose samples, in order and back to back, start at byte
 * `mdatPayloadOffset` of the file. Chunk offsets use co64 when they pass 4 GiB; durations switch
 * mvhd/tkhd/mdhd to version 1 when they pass 2^32 ticks.
 */
export function buildMoov(params: ParameterSets, samples: readonly ClipSample[], mdatPayloadOffset: number, opts: MoovOptions = {}): Buffer {
  if (!Number.isSafeInteger(mdatPayloadOffset) || mdatPayloadOffset < 0) {
    throw new BadInputError(`mp4: mdat payload offset ${mdatPayloadOffset} is not a non-negative integer`);
  }
  const perChunk = opts.samplesPerChunk ?? Mp4Defaults.samplesPerChunk;
  if (!Number.isInteger(perChunk) || perChunk < 1) throw new BadInputError(`mp4: samplesPerChunk ${perChunk} is not a positive integer`);
  const { duration } = checkSamples(samples);
  const track = trackInfo(params, {
    trackId: opts.trackId ?? Mp4Defaults.trackId,
    duration,
    creationTime: opts.creationTime ? mp4Time(opts.creationTime) : 0,
  });
  return box('moov', mvhd(track), trak(track, clipStbl(stsd(track), samples, perChunk, mdatPayloadOffset)));
}

export interface ProgressiveHeader {
  /** ftyp + moov + mdat header: write it, then the samples' bytes in order. */
  header: Buffer;
  /** Where the first sample starts in the file (header.length). */
  mdatPayloadOffset: number;
  /** Sum of the sample sizes: the bytes that must follow the header. */
  payloadSize: number;
}

/** Everything before the sample bytes of a faststart clip, with the chunk offsets resolved. */
export function progressiveHeader(params: ParameterSets, samples: readonly ClipSample[], opts: MoovOptions = {}): ProgressiveHeader {
  const { payloadSize } = checkSamples(samples);
  const head = progressiveFtyp();
  const mdatHead = mdatHeader(payloadSize);
  // First pass at offset 0 sizes the moov with stco; if the real offsets need co64 the moov grows,
  // the offsets grow with it, and co64 stays needed: two passes settle it, a third never changes it.
  let moov = buildMoov(params, samples, 0, opts);
  for (let pass = 0; pass < 2; pass++) {
    const offset = head.length + moov.length + mdatHead.length;
    const next = buildMoov(params, samples, offset, opts);
    const settled = next.length === moov.length;
    moov = next;
    if (settled) break;
  }
  const header = Buffer.concat([head, moov, mdatHead]);
  return { header, mdatPayloadOffset: header.length, payloadSize };
}

/** A sample with its bytes, for clips small enough to build in memory. */
export interface Mp4Sample {
  nalus: readonly Buffer[];
  duration: number;
  keyframe: boolean;
}

/** A whole faststart MP4 in one Buffer: small clips and tests (long clips use progressiveHeader). */
export function buildMp4(params: ParameterSets, samples: readonly Mp4Sample[], opts: MoovOptions = {}): Buffer {
  const table: ClipSample[] = samples.map((s) => ({ size: avccSampleSize(s.nalus), duration: s.duration, keyframe: s.keyframe }));
  const { header, payloadSize } = progressiveHeader(params, table, opts);
  const out = Buffer.allocUnsafe(header.length + payloadSize);
  let pos = header.copy(out, 0);
  for (const s of samples) pos = writeAvccSample(s.nalus, out, pos);
  if (pos !== out.length) throw new Error(`mp4: wrote ${pos} of ${out.length} bytes (a size miscount)`);
  return out;
}
