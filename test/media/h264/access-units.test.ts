/** Access-unit grouping (H.264 7.4.1.2.3) on hand-made NAL sequences and on the committed clip. */
import * as assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/errors';
import { firstMbInSlice, splitAccessUnits } from '../../../src/media/h264/access-units';
import { CLIP_FRAMES, CLIP_FRAME_TICKS, CLIP_IDR_FRAMES, loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// first_mb_in_slice is the first ue(v) after the header: 0x88 = '1...' -> 0, 0x40 = '010' -> 1.
const SPS = '6742';
const PPS = '68ce';
const SEI = '0605';
const AUD = '09f0';
const IDR0 = '6588'; // IDR, first_mb_in_slice 0
const P0 = '4188'; // non-IDR, first_mb_in_slice 0
const P1 = '4140'; // non-IDR, first_mb_in_slice 1 (second slice of a picture)
const EOSEQ = '0a';
const FILLER = '0cff';

const CASES: Array<[string, string[], string[][]]> = [
  ['one NAL unit per picture', [IDR0, P0, P0], [[IDR0], [P0], [P0]]],
  ['parameter sets and SEI open the picture they precede', [SPS, PPS, SEI, IDR0, P0, SPS, PPS, IDR0],
    [[SPS, PPS, SEI, IDR0], [P0], [SPS, PPS, IDR0]]],
  ['a second slice stays in its picture', [IDR0, P1, P0, P1], [[IDR0, P1], [P0, P1]]],
  ['AUD opens a picture', [AUD, IDR0, AUD, P0], [[AUD, IDR0], [AUD, P0]]],
  ['end of sequence and filler trail their picture', [IDR0, FILLER, EOSEQ, P0], [[IDR0, FILLER, EOSEQ], [P0]]],
  ['trailing non-VCL NAL units join the last picture', [IDR0, P0, SPS], [[IDR0], [P0, SPS]]],
  ['no picture at all', [SPS, PPS], [[SPS, PPS]]],
  ['empty input and empty buffers', ['', ''], []],
];

describe('media/h264/access-units', () => {
  for (const [name, input, expected] of CASES) {
    it(name, () => {
      const got = splitAccessUnits(input.map(hex)).map((au) => au.map((n) => n.toString('hex')));
      assert.deepEqual(got, expected);
    });
  }

  it('firstMbInSlice reads ue(v) after the header, through emulation prevention', () => {
    assert.equal(firstMbInSlice(hex('6588')), 0);
    assert.equal(firstMbInSlice(hex('4140')), 1);
    // RBSP 00 00 02 80 00 00: 22 zeros, '1', then 22 bits 0100..0; the encoder escaped 00 00 02.
    assert.equal(firstMbInSlice(hex('4100000302800000ff')), 2 ** 22 - 1 + 2 ** 20);
    assert.throws(() => firstMbInSlice(hex('41')), ProtocolError);
    assert.throws(() => firstMbInSlice(hex('410000')), ProtocolError);
  });

  it('the committed clip has 60 frames, IDRs at 0, 15, 30, 45, parameter sets only in the first', () => {
    const { accessUnits } = loadClip();
    assert.equal(accessUnits.length, CLIP_FRAMES);
    assert.deepEqual(
      accessUnits.flatMap((au, i) => (au.keyframe ? [i] : [])),
      CLIP_IDR_FRAMES,
    );
    assert.deepEqual(accessUnits[0].nalus.map((n) => n[0] & 0x1f), [7, 8, 6, 5]);
    for (const au of accessUnits.slice(1)) assert.equal(au.nalus.length, 1);
    accessUnits.forEach((au, i) => assert.equal(au.timestamp, i * CLIP_FRAME_TICKS));
  });
});
