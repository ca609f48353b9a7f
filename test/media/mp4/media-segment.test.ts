/**
 * One movie fragment (ISO/IEC 14496-12 §8.8): a golden vector byte for byte, the layout table of a
 * real keyframe and a real P frame of the committed clip, the data offset landing on the first NAL
 * length, a GOP in one fragment, 64-bit decode times, and the inputs it refuses.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { mediaSegment, moofSize, SampleFlags, type MediaSegmentInput } from '../../../src/media/mp4/media-segment';
import { loadClip } from '../../helpers/clip';
import { findBox, flatten, fullBox, parseBoxes, splitAvcc, u32s } from '../../helpers/mp4-boxes';

const hex = (s: string): string => s.replace(/\s+/g, '');

describe('media/mp4/media-segment', () => {
  const clip = loadClip();

  it('golden vector: one 3-byte keyframe at decode time 2^32 + 2', () => {
    const out = mediaSegment({ sequenceNumber: 1, baseMediaDecodeTime: 2 ** 32 + 2, samples: [{ nalus: [Buffer.from('65aabb', 'hex')], duration: 6000, keyframe: true }] });
    const expected = [
      '00000064 6d6f6f66', // moof, 100 bytes
      '00000010 6d666864 00000000 00000001', // mfhd: sequence_number 1
      '0000004c 74726166', // traf, 76 bytes
      '00000010 74666864 00020000 00000001', // tfhd: default-base-is-moof, track 1
      '00000014 74666474 01000000 00000001 00000002', // tfdt v1: 2^32 + 2
      '00000020 7472756e 00000701 00000001 0000006c', // trun: 1 sample, data_offset 108
      '00001770 00000007 02000000', // duration 6000, size 7, sync sample depends on none
      '0000000f 6d646174 00000003 65aabb', // mdat: length 3 + the NAL unit
    ].join('');
    assert.equal(out.toString('hex'), hex(expected));
  });

  const FRAMES: Array<[string, number, number]> = [
    // name, access unit index, sample flags
    ['keyframe (SPS, PPS, SEI, IDR)', 0, SampleFlags.keyframe],
    ['P frame', 1, SampleFlags.other],
  ];
  for (const [name, index, flags] of FRAMES) {
    it(`clip ${name}: layout, trun fields, data offset at the first NAL length`, () => {
      const au = clip.accessUnits[index];
      const payload = au.nalus.reduce((n, nal) => n + 4 + nal.length, 0);
      const input: MediaSegmentInput = { sequenceNumber: 5 + index, baseMediaDecodeTime: 6000 * index, samples: [{ nalus: au.nalus, duration: 6000, keyframe: au.keyframe }] };
      const out = mediaSegment(input);
      const boxes = parseBoxes(out);
      assert.deepEqual(flatten(boxes).map(({ path, box }) => [path, box.size]), [
        ['moof', 100], ['moof/mfhd', 16], ['moof/traf', 76], ['moof/traf/tfhd', 16],
        ['moof/traf/tfdt', 20], ['moof/traf/trun', 32], ['mdat', 8 + payload],
      ]);
      assert.equal(out.length, moofSize(1) + 8 + payload);
      assert.equal(fullBox(findBox(boxes, 'moof/mfhd')).body.readUInt32BE(0), 5 + index);
      const tfdt = fullBox(findBox(boxes, 'moof/traf/tfdt'));
      assert.equal(tfdt.version, 1);
      assert.equal(Number(tfdt.body.readBigUInt64BE(0)), 6000 * index);
      const trun = fullBox(findBox(boxes, 'moof/traf/trun'));
      assert.equal(trun.flags, 0x000701);
      const [count, dataOffset, duration, size, sampleFlags] = u32s(trun.body, 0, 5);
      assert.deepEqual([count, duration, size, sampleFlags], [1, 6000, payload, flags]);
      // default-base-is-moof: the offset counts from the moof's first byte (0 here)
      assert.equal(dataOffset, findBox(boxes, 'mdat').start + 8);
      assert.equal(out.readUInt32BE(dataOffset), au.nalus[0].length);
      const nalus = splitAvcc(out.subarray(dataOffset, dataOffset + size));
      assert.deepEqual(nalus.map((n) => n.toString('hex')), au.nalus.map((n) => n.toString('hex')));
    });
  }

  it('a GOP in one fragment: 15 trun entries, sizes add up to the mdat, one sync sample', () => {
    const gop = clip.accessUnits.slice(15, 30);
    const out = mediaSegment({ sequenceNumber: 2, baseMediaDecodeTime: 90000, samples: gop.map((au) => ({ nalus: au.nalus, duration: 6000, keyframe: au.keyframe })) });
    const boxes = parseBoxes(out);
    const trun = fullBox(findBox(boxes, 'moof/traf/trun')).body;
    assert.equal(trun.readUInt32BE(0), 15);
    assert.equal(findBox(boxes, 'moof').size, moofSize(15));
    let pos = trun.readUInt32BE(4);
    for (let i = 0; i < 15; i++) {
      const [duration, size, flags] = u32s(trun, 8 + 12 * i, 3);
      assert.equal(duration, 6000);
      assert.equal(flags, i === 0 ? SampleFlags.keyframe : SampleFlags.other);
      assert.deepEqual(splitAvcc(out.subarray(pos, pos + size)), gop[i].nalus);
      pos += size;
    }
    assert.equal(pos, out.length);
  });

  it('decode times up to 2^53 - 1 are written exactly in 64 bits', () => {
    for (const t of [2 ** 32 - 1, 2 ** 32, 2 ** 40 + 123, Number.MAX_SAFE_INTEGER]) {
      const out = mediaSegment({ sequenceNumber: 1, baseMediaDecodeTime: t, samples: [{ nalus: [Buffer.from('41', 'hex')], duration: 1, keyframe: false }] });
      assert.equal(fullBox(findBox(parseBoxes(out), 'moof/traf/tfdt')).body.readBigUInt64BE(0), BigInt(t));
    }
  });

  const ONE = { nalus: [Buffer.from('41', 'hex')], duration: 6000, keyframe: false };
  const BAD: Array<[string, MediaSegmentInput]> = [
    ['no samples', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [] }],
    ['a sample without NAL units', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [{ ...ONE, nalus: [] }] }],
    ['an empty NAL unit', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [{ ...ONE, nalus: [Buffer.alloc(0)] }] }],
    ['sequence number 2^32', { sequenceNumber: 2 ** 32, baseMediaDecodeTime: 0, samples: [ONE] }],
    ['a negative decode time', { sequenceNumber: 1, baseMediaDecodeTime: -1, samples: [ONE] }],
    ['a decode time past 2^53', { sequenceNumber: 1, baseMediaDecodeTime: 2 ** 53, samples: [ONE] }],
    ['a fractional duration', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [{ ...ONE, duration: 0.5 }] }],
    ['a duration of 2^32', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [{ ...ONE, duration: 2 ** 32 }] }],
    ['track id 0', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [ONE], trackId: 0 }],
    ['10001 samples', { sequenceNumber: 1, baseMediaDecodeTime: 0, samples: new Array(10001).fill(ONE) }],
  ];
  for (const [name, input] of BAD) {
    it(`refuses ${name} with BadInputError`, () => {
      assert.throws(() => mediaSegment(input), BadInputError);
    });
  }
});
