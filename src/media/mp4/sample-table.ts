/**
 * The sample table of a progressive clip (ISO/IEC 14496-12 §8.5-§8.7): where each frame is, how big,
 * how long and which frames a player can seek to. Samples are stored in chunks of `samplesPerChunk`
 * frames laid back to back in one mdat, in order.
 *
 *   stts  §8.6.1.2  run-length (sample_count, sample_delta) of the durations
 *   stss  §8.6.2    1-based numbers of the sync samples (keyframes)
 *   stsz  §8.7.3.2  every sample's size (sample_size 0 = sizes follow)
 *   stsc  §8.7.4    (first_chunk, samples_per_chunk, sample_description_index) runs: at most two
 *   stco  §8.7.5    32-bit chunk offsets from the start of the file, or
 *   co64  §8.7.5    64-bit ones when the last chunk starts at 4 GiB or beyond
 */
import { BadInputError } from '../../errors';
import { box, fields, fullBox } from './box';
import { Mp4Defaults } from './defaults';

const UINT32_MAX = 0xffffffff;

/** One frame of a clip as the index sees it; its bytes are elsewhere (a file, or buildMp4's buffer). */
export interface ClipSample {
  /** Bytes in the mdat (sample-data.ts avccSampleSize). */
  size: number;
  /** 90 kHz ticks until the next frame. */
  duration: number;
  keyframe: boolean;
}

/** Checks a sample table; returns the mdat payload size (sum of sizes) and duration (sum of durations). */
export function checkSamples(samples: readonly ClipSample[]): { payloadSize: number; duration: number } {
  if (samples.length === 0 || samples.length > Mp4Defaults.maxClipSamples) {
    throw new BadInputError(`mp4: a clip holds 1..${Mp4Defaults.maxClipSamples} samples, not ${samples.length}`);
  }
  let payloadSize = 0;
  let duration = 0;
  for (let i = 0; i < samples.length; i++) {
    const { size, duration: d } = samples[i];
    if (!Number.isInteger(size) || size < 1 || size > UINT32_MAX) {
      throw new BadInputError(`mp4: sample ${i} size ${size} is not a 32-bit unsigned integer above 0`);
    }
    if (!Number.isInteger(d) || d < 0 || d > UINT32_MAX) {
      throw new BadInputError(`mp4: sample ${i} duration ${d} is not a 32-bit unsigned integer`);
    }
    payloadSize += size;
    duration += d;
  }
  return { payloadSize, duration };
}

/** stts: durations as runs of equal deltas. */
export function stts(samples: readonly ClipSample[]): Buffer {
  const runs: number[] = []; // count, delta, count, delta, ...
  for (const s of samples) {
    const last = runs.length - 2;
    if (last >= 0 && runs[last + 1] === s.duration) runs[last]++;
    else runs.push(1, s.duration);
  }
  return fullBox('stts', 0, 0, fields(4 + 4 * runs.length, (w) => {
    w.u32(runs.length / 2);
    for (const v of runs) w.u32(v);
  }));
}

/** stss: the keyframes' 1-based sample numbers. */
export function stss(samples: readonly ClipSample[]): Buffer {
  let count = 0;
  for (const s of samples) if (s.keyframe) count++;
  return fullBox('stss', 0, 0, fields(4 + 4 * count, (w) => {
    w.u32(count);
    for (let i = 0; i < samples.length; i++) if (samples[i].keyframe) w.u32(i + 1);
  }));
}

/** stsz: sample_size 0 (sizes differ), sample_count, then each size. */
export function stsz(samples: readonly ClipSample[]): Buffer {
  return fullBox('stsz', 0, 0, fields(8 + 4 * samples.length, (w) => {
    w.u32(0).u32(samples.length);
    for (const s of samples) w.u32(s.size);
  }));
}

/** stsc: full chunks of `perChunk` samples, then possibly one shorter last chunk. */
export function stsc(sampleCount: number, perChunk: number): Buffer {
  const full = Math.floor(sampleCount / perChunk);
  const rest = sampleCount % perChunk;
  const entries: Array<[number, number]> = [];
  if (full > 0) entries.push([1, perChunk]);
  if (rest > 0) entries.push([full + 1, rest]);
  return fullBox('stsc', 0, 0, fields(4 + 12 * entries.length, (w) => {
    w.u32(entries.length);
    for (const [firstChunk, count] of entries) w.u32(firstChunk).u32(count).u32(1); // sample_description_index 1
  }));
}

/**
 * stco, or co64 when the last chunk's offset does not fit 32 bits. `payloadOffset` is where the
 * mdat's payload (the first sample) starts in the file.
 */
export function chunkOffsets(samples: readonly ClipSample[], perChunk: number, payloadOffset: number): Buffer {
  const offsets: number[] = [];
  let pos = payloadOffset;
  for (let i = 0; i < samples.length; i++) {
    if (i % perChunk === 0) offsets.push(pos);
    pos += samples[i].size;
  }
  const wide = offsets[offsets.length - 1] > UINT32_MAX;
  return fullBox(wide ? 'co64' : 'stco', 0, 0, fields(4 + (wide ? 8 : 4) * offsets.length, (w) => {
    w.u32(offsets.length);
    for (const o of offsets) {
      if (wide) w.u64(o);
      else w.u32(o);
    }
  }));
}

/** The stbl of a clip (stsd given: it is shared with the fragmented form). */
export function clipStbl(stsd: Buffer, samples: readonly ClipSample[], perChunk: number, payloadOffset: number): Buffer {
  return box('stbl', stsd, stts(samples), stss(samples), stsz(samples), stsc(samples.length, perChunk), chunkOffsets(samples, perChunk, payloadOffset));
}
