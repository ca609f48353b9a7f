/**
 * The faststart clip (progressive.ts, sample-table.ts, clip-index.ts): sample tables from tables of
 * samples (stts runs, stss, stsz, stsc, stco/co64 at the 4 GiB boundary), 64-bit durations and
 * largesize mdat from index-only tables of huge samples, and the clip's own bytes: box order,
 * offsets landing on each sample, durations from timestamps.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { ClipIndex } from '../../../src/media/mp4/clip-index';
import { buildMoov, buildMp4, mdatHeader, progressiveHeader } from '../../../src/media/mp4/progressive';
import type { ClipSample } from '../../../src/media/mp4/sample-table';
import { loadClip } from '../../helpers/clip';
import { findBox, fullBox, parseBoxes, splitAvcc, topLevelBoxes, u32s, type Mp4Box } from '../../helpers/mp4-boxes';

const GiB = 2 ** 30;
const stbl = (moov: Buffer, type: string): Mp4Box => findBox(parseBoxes(moov), `moov/trak/mdia/minf/stbl/${type}`);
const entries = (b: Mp4Box, width: number): number[] => {
  const { body } = fullBox(b);
  const n = b.type === 'stsz' ? body.readUInt32BE(4) : body.readUInt32BE(0);
  const start = b.type === 'stsz' ? 8 : 4;
  return Array.from({ length: n * width }, (_, i) => (b.type === 'co64' ? Number(body.readBigUInt64BE(start + 8 * i)) : body.readUInt32BE(start + 4 * i)));
};
const samples = (durations: number[], keyframes: number[] = [0], size = 100): ClipSample[] =>
  durations.map((duration, i) => ({ size, duration, keyframe: keyframes.includes(i) }));

describe('media/mp4/progressive: sample tables', () => {
  const params = loadClip().parameterSets;

  const STTS: Array<[string, number[], number[]]> = [
    ['one run', [6000, 6000, 6000], [3, 6000]],
    ['runs split on every change', [6000, 6000, 6000, 5000, 6000], [3, 6000, 1, 5000, 1, 6000]],
    ['one sample', [1234], [1, 1234]],
  ];
  for (const [name, durations, runs] of STTS) {
    it(`stts: ${name}`, () => assert.deepEqual(entries(stbl(buildMoov(params, samples(durations), 0), 'stts'), 2), runs));
  }

  it('stss: the keyframes, numbered from 1', () => {
    const moov = buildMoov(params, samples(new Array(60).fill(6000), [0, 15, 30, 45]), 0);
    assert.deepEqual(entries(stbl(moov, 'stss'), 1), [1, 16, 31, 46]);
  });

  it('stsz: sample_size 0 then every size', () => {
    const table: ClipSample[] = [300, 20, 4000].map((size) => ({ size, duration: 1, keyframe: true }));
    assert.deepEqual(u32s(fullBox(stbl(buildMoov(params, table, 0), 'stsz')).body, 0, 5), [0, 3, 300, 20, 4000]);
  });

  const STSC: Array<[number, number, number[]]> = [
    // samples, per chunk, entries (first_chunk, samples_per_chunk, description)
    [60, 30, [1, 30, 1]],
    [61, 30, [1, 30, 1, 3, 1, 1]],
    [5, 30, [1, 5, 1]],
    [7, 1, [1, 1, 1]],
  ];
  for (const [count, perChunk, expected] of STSC) {
    it(`stsc: ${count} samples, ${perChunk} per chunk`, () => {
      const moov = buildMoov(params, samples(new Array(count).fill(1)), 0, { samplesPerChunk: perChunk });
      assert.deepEqual(entries(stbl(moov, 'stsc'), 3), expected);
    });
  }

  it('stco: chunk starts from the payload offset', () => {
    const table: ClipSample[] = [10, 20, 30, 40, 50].map((size) => ({ size, duration: 1, keyframe: false }));
    assert.deepEqual(entries(stbl(buildMoov(params, table, 1000, { samplesPerChunk: 2 }), 'stco'), 1), [1000, 1030, 1100]);
  });

  const CO64: Array<[string, number, number, 'stco' | 'co64', number[]]> = [
    // name, samples of 1 GiB (one per chunk), payload offset, box, offsets
    ['4 chunks below 4 GiB', 4, 100, 'stco', [100, GiB + 100, 2 * GiB + 100, 3 * GiB + 100]],
    ['the last chunk at 2^32 - 1', 4, GiB - 1, 'stco', [GiB - 1, 2 * GiB - 1, 3 * GiB - 1, 4 * GiB - 1]],
    ['the last chunk at 2^32', 4, GiB, 'co64', [GiB, 2 * GiB, 3 * GiB, 4 * GiB]],
    ['5 chunks, 5 GiB', 5, 100, 'co64', [100, GiB + 100, 2 * GiB + 100, 3 * GiB + 100, 4 * GiB + 100]],
  ];
  for (const [name, count, offset, type, offsets] of CO64) {
    it(`chunk offsets: ${name} -> ${type}`, () => {
      const table = samples(new Array(count).fill(6000), [0], GiB);
      const moov = buildMoov(params, table, offset, { samplesPerChunk: 1 });
      const stblBoxes = findBox(parseBoxes(moov), 'moov/trak/mdia/minf/stbl').children.map((b) => b.type);
      assert.deepEqual(stblBoxes, ['stsd', 'stts', 'stss', 'stsz', 'stsc', type]);
      assert.deepEqual(entries(stbl(moov, type), 1), offsets);
    });
  }

  it('progressiveHeader: a 6 GiB clip gets co64, a largesize mdat, and offsets that start right after the header', () => {
    const table = samples(new Array(6).fill(6000), [0], GiB);
    const { header, mdatPayloadOffset, payloadSize } = progressiveHeader(params, table, { samplesPerChunk: 1 });
    assert.equal(payloadSize, 6 * GiB);
    assert.equal(mdatPayloadOffset, header.length);
    assert.deepEqual(topLevelBoxes(header).map((b) => [b.type, b.size]).slice(0, 3).map((x) => x[0]), ['ftyp', 'moov', 'mdat']);
    const moov = topLevelBoxes(header)[1];
    const offsets = entries(stbl(header.subarray(moov.start, moov.start + moov.size), 'co64'), 1);
    assert.deepEqual(offsets, [0, 1, 2, 3, 4, 5].map((i) => mdatPayloadOffset + i * GiB));
    assert.equal(header.subarray(-16).toString('hex'), mdatHeader(6 * GiB).toString('hex'));
    assert.equal(header.readUInt32BE(header.length - 16), 1); // largesize marker
    assert.equal(Number(header.readBigUInt64BE(header.length - 8)), 16 + 6 * GiB);
  });

  it('durations past 2^32 ticks switch mvhd, tkhd and mdhd to version 1', () => {
    const short = parseBoxes(buildMoov(params, samples([2 ** 31, 2 ** 31 - 1]), 0));
    const long = parseBoxes(buildMoov(params, samples([2 ** 31, 2 ** 31]), 0));
    for (const path of ['moov/mvhd', 'moov/trak/tkhd', 'moov/trak/mdia/mdhd']) {
      assert.equal(fullBox(findBox(short, path)).version, 0, path);
      assert.equal(fullBox(findBox(long, path)).version, 1, path);
    }
    assert.equal(Number(fullBox(findBox(long, 'moov/mvhd')).body.readBigUInt64BE(20)), 2 ** 32);
    assert.equal(fullBox(findBox(short, 'moov/trak/mdia/mdhd')).body.readUInt32BE(12), 2 ** 32 - 1);
  });

  it('creationTime is stored as seconds since 1904', () => {
    const moov = parseBoxes(buildMoov(params, samples([1]), 0, { creationTime: new Date('2026-01-02T03:04:05Z') }));
    assert.equal(fullBox(findBox(moov, 'moov/mvhd')).body.readUInt32BE(0), Date.UTC(2026, 0, 2, 3, 4, 5) / 1000 + 2082844800);
  });

  const BAD: Array<[string, () => unknown]> = [
    ['no samples', () => buildMoov(params, [], 0)],
    ['a zero-size sample', () => buildMoov(params, [{ size: 0, duration: 1, keyframe: true }], 0)],
    ['a negative duration', () => buildMoov(params, [{ size: 1, duration: -1, keyframe: true }], 0)],
    ['a negative payload offset', () => buildMoov(params, samples([1]), -1)],
    ['samplesPerChunk 0', () => buildMoov(params, samples([1]), 0, { samplesPerChunk: 0 })],
    ['more samples than maxClipSamples', () => buildMoov(params, new Array(6 * 3600 * 30 + 1).fill({ size: 1, duration: 1, keyframe: true }), 0)],
  ];
  for (const [name, run] of BAD) {
    it(`refuses ${name} with BadInputError`, () => assert.throws(run, BadInputError));
  }
});

describe('media/mp4/progressive: the committed clip', () => {
  const clip = loadClip();
  const mp4 = buildMp4(clip.parameterSets, clip.accessUnits.map((au) => ({ nalus: au.nalus, duration: 6000, keyframe: au.keyframe })));
  const boxes = parseBoxes(mp4);

  it('top-level order is ftyp, moov, mdat; ftyp isom with isom iso2 avc1 mp41', () => {
    assert.deepEqual(boxes.map((b) => b.type), ['ftyp', 'moov', 'mdat']);
    assert.equal(boxes[0].payload.toString('latin1'), 'isom\u0000\u0000\u0002\u0000isomiso2avc1mp41');
  });

  it('every sample is where stco + stsz say, with the clip NAL units', () => {
    const moov = mp4.subarray(boxes[1].start, boxes[1].start + boxes[1].size);
    const offsets = entries(stbl(moov, 'stco'), 1);
    const sizes = entries(stbl(moov, 'stsz'), 1);
    assert.deepEqual(offsets, [boxes[2].start + 8, offsets[0] + sizes.slice(0, 30).reduce((a, b) => a + b, 0)]);
    let pos = offsets[0];
    clip.accessUnits.forEach((au, i) => {
      assert.deepEqual(splitAvcc(mp4.subarray(pos, pos + sizes[i])), au.nalus);
      pos += sizes[i];
    });
    assert.equal(pos, mp4.length);
  });

  it('mvhd and mdhd: 90000 timescale, 4 s (360000 ticks)', () => {
    assert.deepEqual(u32s(fullBox(findBox(boxes, 'moov/mvhd')).body, 8, 2), [90000, 360000]);
    assert.deepEqual(u32s(fullBox(findBox(boxes, 'moov/trak/mdia/mdhd')).body, 8, 2), [90000, 360000]);
  });
});

describe('media/mp4/clip-index', () => {
  it('durations come from the next timestamp; the last repeats the step before it', () => {
    const index = new ClipIndex();
    for (const [t, size, key] of [[0, 10, true], [6000, 20, false], [12500, 30, false]] as const) index.add(t, size, key);
    assert.deepEqual(index.samples(), [
      { size: 10, duration: 6000, keyframe: true },
      { size: 20, duration: 6500, keyframe: false },
      { size: 30, duration: 6500, keyframe: false },
    ]);
    assert.deepEqual([index.frames, index.payloadSize, index.duration], [3, 60, 19000]);
  });

  it('one frame lasts the nominal frame; across 2^32 and a restart the durations stay positive', () => {
    const one = new ClipIndex({ nominalFrameTicks: 3000 });
    one.add(77, 5, true);
    assert.deepEqual([one.duration, one.samples()[0].duration], [3000, 3000]);
    const index = new ClipIndex();
    for (const t of [2 ** 32 - 3000, 0, 3000, 0, 3000]) index.add(t, 1, false);
    assert.deepEqual(index.samples().map((s) => s.duration), [3000, 3000, 3000, 3000, 3000]);
  });

  it('refuses a frame of size 0', () => {
    assert.throws(() => new ClipIndex().add(0, 0, true), BadInputError);
  });
});
