/**
 * The fMP4 init segment (ISO/IEC 14496-12 §8.8, CMAF header) for the committed clip: one table of
 * every box in order with its size (from the field counts of the standard), then the fields a
 * player reads (brands, timescales, track id, picture size, handler, avcC, empty tables, trex).
 */
import * as assert from 'node:assert/strict';
import { BadInputError, ProtocolError } from '../../../src/errors';
import { avcDecoderConfigurationRecord } from '../../../src/media/mp4/avcc';
import { initSegment } from '../../../src/media/mp4/init-segment';
import { loadClip } from '../../helpers/clip';
import { findBox, flatten, fullBox, parseBoxes, u32s } from '../../helpers/mp4-boxes';

/** Every box of the init segment, in order, and its size in bytes. */
const LAYOUT: Array<[string, number]> = [
  ['ftyp', 8 + 8 + 3 * 4], // major, minor, 3 compatible brands
  ['moov', 630],
  ['moov/mvhd', 108], // version 0
  ['moov/trak', 474],
  ['moov/trak/tkhd', 92], // version 0
  ['moov/trak/mdia', 374],
  ['moov/trak/mdia/mdhd', 32],
  ['moov/trak/mdia/hdlr', 12 + 20 + 'VideoHandler'.length + 1],
  ['moov/trak/mdia/minf', 289],
  ['moov/trak/mdia/minf/vmhd', 20],
  ['moov/trak/mdia/minf/dinf', 36],
  ['moov/trak/mdia/minf/dinf/dref', 28],
  ['moov/trak/mdia/minf/dinf/dref/url ', 12],
  ['moov/trak/mdia/minf/stbl', 225],
  ['moov/trak/mdia/minf/stbl/stsd', 149],
  ['moov/trak/mdia/minf/stbl/stsd/avc1', 8 + 78 + 47],
  ['moov/trak/mdia/minf/stbl/stsd/avc1/avcC', 8 + 39], // 6 + 2 + 24 (SPS) + 1 + 2 + 4 (PPS)
  ['moov/trak/mdia/minf/stbl/stts', 16],
  ['moov/trak/mdia/minf/stbl/stsc', 16],
  ['moov/trak/mdia/minf/stbl/stsz', 20],
  ['moov/trak/mdia/minf/stbl/stco', 16],
  ['moov/mvex', 40],
  ['moov/mvex/trex', 32],
];

describe('media/mp4/init-segment', () => {
  const clip = loadClip();
  const init = initSegment(clip.parameterSets);
  const boxes = parseBoxes(init);
  const box = (path: string) => findBox(boxes, path);

  it('lays out every box in order with the sizes the standard gives', () => {
    assert.deepEqual(flatten(boxes).map(({ path, box: b }) => [path, b.size]), LAYOUT);
    assert.equal(init.length, 28 + 630);
  });

  it('ftyp: iso6, minor 0, compatible iso6 cmfc mp41', () => {
    const p = box('ftyp').payload;
    assert.equal(p.toString('latin1', 0, 4), 'iso6');
    assert.equal(p.readUInt32BE(4), 0);
    assert.equal(p.toString('latin1', 8), 'iso6cmfcmp41');
  });

  const FULL_BOXES: Array<[string, number, number]> = [
    // path, version, flags
    ['moov/mvhd', 0, 0],
    ['moov/trak/tkhd', 0, 3], // enabled | in movie
    ['moov/trak/mdia/mdhd', 0, 0],
    ['moov/trak/mdia/hdlr', 0, 0],
    ['moov/trak/mdia/minf/vmhd', 0, 1],
    ['moov/trak/mdia/minf/dinf/dref/url ', 0, 1], // media in this file
    ['moov/mvex/trex', 0, 0],
  ];
  for (const [path, version, flags] of FULL_BOXES) {
    it(`${path}: version ${version}, flags ${flags}`, () => {
      const f = fullBox(box(path));
      assert.deepEqual([f.version, f.flags], [version, flags]);
    });
  }

  it('mvhd: timescale 90000, duration 0, next track 2', () => {
    const { body } = fullBox(box('moov/mvhd'));
    assert.deepEqual(u32s(body, 0, 4), [0, 0, 90000, 0]);
    assert.equal(body.readUInt32BE(body.length - 4), 2);
  });

  it('tkhd: track 1, 320x240 as 16.16 from the SPS', () => {
    const { body } = fullBox(box('moov/trak/tkhd'));
    assert.equal(body.readUInt32BE(8), 1);
    assert.deepEqual(u32s(body, body.length - 8, 2), [320 << 16, 240 << 16]);
  });

  it("mdhd: timescale 90000, language 'und'", () => {
    const { body } = fullBox(box('moov/trak/mdia/mdhd'));
    assert.equal(body.readUInt32BE(8), 90000);
    assert.equal(body.readUInt16BE(16), 0x55c4);
  });

  it("hdlr: handler 'vide'", () => {
    assert.equal(fullBox(box('moov/trak/mdia/hdlr')).body.toString('latin1', 4, 8), 'vide');
  });

  it('stsd: one avc1 entry, 320x240, data reference 1, avcC from the SPS/PPS', () => {
    assert.equal(fullBox(box('moov/trak/mdia/minf/stbl/stsd')).body.readUInt32BE(0), 1);
    const avc1 = box('moov/trak/mdia/minf/stbl/stsd/avc1').payload;
    assert.equal(avc1.readUInt16BE(6), 1);
    assert.deepEqual([avc1.readUInt16BE(24), avc1.readUInt16BE(26)], [320, 240]);
    assert.deepEqual([avc1.readUInt16BE(74), avc1.readInt16BE(76)], [24, -1]);
    assert.ok(box('moov/trak/mdia/minf/stbl/stsd/avc1/avcC').payload.equals(avcDecoderConfigurationRecord(clip.parameterSets)));
  });

  it('the sample table is empty: stts, stsc, stco count 0, stsz size 0 count 0', () => {
    for (const t of ['stts', 'stsc', 'stco']) assert.equal(fullBox(box(`moov/trak/mdia/minf/stbl/${t}`)).body.readUInt32BE(0), 0, t);
    assert.deepEqual(u32s(fullBox(box('moov/trak/mdia/minf/stbl/stsz')).body, 0, 2), [0, 0]);
  });

  it('trex: track 1, sample description 1, no default duration, size or flags', () => {
    assert.deepEqual(u32s(fullBox(box('moov/mvex/trex')).body, 0, 5), [1, 1, 0, 0, 0]);
  });

  it('trackId option reaches tkhd, trex and mvhd next_track_ID', () => {
    const b = parseBoxes(initSegment(clip.parameterSets, { trackId: 7 }));
    assert.equal(fullBox(findBox(b, 'moov/trak/tkhd')).body.readUInt32BE(8), 7);
    assert.equal(fullBox(findBox(b, 'moov/mvex/trex')).body.readUInt32BE(0), 7);
    const mvhd = fullBox(findBox(b, 'moov/mvhd')).body;
    assert.equal(mvhd.readUInt32BE(mvhd.length - 4), 8);
  });

  it('refuses a bad track id and bad parameter sets', () => {
    for (const trackId of [0, -1, 1.5, 2 ** 32]) assert.throws(() => initSegment(clip.parameterSets, { trackId }), BadInputError);
    assert.throws(() => initSegment({ sps: clip.parameterSets.pps, pps: clip.parameterSets.pps }), ProtocolError);
  });
});
