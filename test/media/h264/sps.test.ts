/**
 * SPS parsing (H.264 7.3.2.1.1), Exp-Golomb (9.1), emulation prevention (7.4.1), NAL header (7.3.1)
 * and the RFC 6184 §8.1 SDP values. Real SPS bytes from x264 at several profiles, plus SPS built
 * from a field table to reach the branches x264 never emits (scaling lists, POC type 1, 4:2:2 crop).
 */
import * as assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/errors';
import { BitReader, removeEmulationPrevention } from '../../../src/media/h264/bit-reader';
import { NalType, containsIdr, isVcl, nalType } from '../../../src/media/h264/nal';
import { parseSps, profileLevelId, spropParameterSets, type SpsInfo } from '../../../src/media/h264/sps';
import { loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('media/h264/nal', () => {
  const table: Array<[string, number, boolean]> = [
    ['41', NalType.NON_IDR, true],
    ['65', NalType.IDR, true],
    ['06', NalType.SEI, false],
    ['67', NalType.SPS, false],
    ['68', NalType.PPS, false],
    ['09', NalType.AUD, false],
    ['7c', NalType.FU_A, false],
    ['78', NalType.STAP_A, false],
    ['02', 2, true], // slice data partition A
  ];
  for (const [byte, type, vcl] of table) {
    it(`header ${byte} is type ${type}, ${vcl ? '' : 'not '}VCL`, () => {
      assert.equal(nalType(hex(byte)), type);
      assert.equal(isVcl(hex(byte)), vcl);
      assert.equal(isVcl(type), vcl);
    });
  }

  it('an empty NAL unit throws ProtocolError', () => {
    assert.throws(() => nalType(Buffer.alloc(0)), ProtocolError);
  });

  it('containsIdr finds an IDR slice', () => {
    assert.equal(containsIdr([hex('67'), hex('65aa')]), true);
    assert.equal(containsIdr([hex('41aa'), Buffer.alloc(0)]), false);
  });
});

describe('media/h264/bit-reader', () => {
  const epb: Array<[string, string]> = [
    ['000003', '0000'],
    ['00000301', '000001'],
    ['0000030000030001', '000000000001'],
    ['00000303', '000003'], // only the first 03 after 00 00 is emulation prevention
    ['000300', '000300'],
    ['67640028', '67640028'],
  ];
  for (const [input, rbsp] of epb) {
    it(`removeEmulationPrevention ${input} -> ${rbsp}`, () => {
      assert.equal(removeEmulationPrevention(hex(input)).toString('hex'), rbsp);
    });
  }

  /** Packs a string of 0/1 into bytes, padding with 1s so a trailing ue(v) cannot be misread. */
  const bits = (s: string): Buffer => {
    const padded = s.padEnd(Math.ceil(s.length / 8) * 8, '1');
    return Buffer.from(padded.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  };
  const ue: Array<[string, number]> = [
    ['1', 0],
    ['010', 1],
    ['011', 2],
    ['00100', 3],
    ['00111', 6],
    ['0001000', 7],
    ['000000001000000000', 255],
    [`${'0'.repeat(31)}1${'1'.repeat(31)}`, 2 ** 32 - 2],
  ];
  for (const [code, value] of ue) {
    it(`ue(v) ${code.length > 20 ? `${code.length} bits` : code} = ${value}`, () => {
      assert.equal(new BitReader(bits(code)).readUe(), value);
    });
  }
  const se: Array<[string, number]> = [
    ['1', 0],
    ['010', 1],
    ['011', -1],
    ['00100', 2],
    ['00101', -2],
  ];
  for (const [code, value] of se) {
    it(`se(v) ${code} = ${value}`, () => {
      assert.equal(new BitReader(bits(code)).readSe(), value);
    });
  }

  it('a code longer than 32 bits or past the end throws ProtocolError', () => {
    assert.throws(() => new BitReader(Buffer.alloc(8)).readUe(), ProtocolError);
    assert.throws(() => new BitReader(hex('00')).readUe(), ProtocolError);
    assert.throws(() => new BitReader(hex('ff')).readBits(9), ProtocolError);
    assert.throws(() => new BitReader(hex('ff')).skipBits(9), ProtocolError);
  });
});

/** Minimal bit writer: the encode half of the SPS table below. */
class BitWriter {
  private readonly bitsOut: number[] = [];
  u(n: number, value: number): this {
    for (let i = n - 1; i >= 0; i--) this.bitsOut.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }
  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    return this.u(length, 0).u(length + 1, code);
  }
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }
  /** rbsp_trailing_bits, then emulation prevention as an encoder would insert it. */
  nal(header: number): Buffer {
    this.u(1, 1);
    while (this.bitsOut.length % 8 !== 0) this.bitsOut.push(0);
    const rbsp: number[] = [];
    for (let i = 0; i < this.bitsOut.length; i += 8) rbsp.push(parseInt(this.bitsOut.slice(i, i + 8).join(''), 2));
    const out = [header];
    let zeros = 0;
    for (const byte of rbsp) {
      if (zeros >= 2 && byte <= 3) {
        out.push(3);
        zeros = 0;
      }
      out.push(byte);
      zeros = byte === 0 ? zeros + 1 : 0;
    }
    return Buffer.from(out);
  }
}

interface SpsFields {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  chromaFormatIdc?: number; // high profiles only
  separateColourPlane?: boolean;
  scalingLists?: number[][]; // high profiles only: per list, the delta_scale values (empty = not present)
  pocType: 0 | 1 | 2;
  pocCycle?: number[];
  widthMbs: number;
  heightMapUnits: number;
  frameMbsOnly: boolean;
  crop?: [number, number, number, number];
}

function encodeSps(f: SpsFields): Buffer {
  const w = new BitWriter().u(8, f.profileIdc).u(8, f.constraintFlags).u(8, f.levelIdc).ue(0);
  if (f.chromaFormatIdc !== undefined) {
    w.ue(f.chromaFormatIdc);
    if (f.chromaFormatIdc === 3) w.u(1, f.separateColourPlane ? 1 : 0);
    w.ue(2).ue(2).u(1, 0); // 10-bit luma and chroma, no transform bypass
    const lists = f.scalingLists ?? [];
    w.u(1, lists.length > 0 ? 1 : 0);
    for (const deltas of lists) {
      w.u(1, deltas.length > 0 ? 1 : 0);
      for (const d of deltas) w.se(d);
    }
  }
  w.ue(0).ue(f.pocType);
  if (f.pocType === 0) w.ue(2);
  if (f.pocType === 1) {
    w.u(1, 0).se(-3).se(5).ue(f.pocCycle!.length);
    for (const offset of f.pocCycle!) w.se(offset);
  }
  w.ue(4).u(1, 0).ue(f.widthMbs - 1).ue(f.heightMapUnits - 1).u(1, f.frameMbsOnly ? 1 : 0);
  if (!f.frameMbsOnly) w.u(1, 1);
  w.u(1, 1).u(1, f.crop ? 1 : 0);
  if (f.crop) f.crop.forEach((c) => w.ue(c));
  w.u(1, 0); // vui_parameters_present_flag
  return w.nal(0x67);
}

/** A delta that ends a list at once (nextScale 0: the default list is used, 7.4.2.1.1.1). */
const EARLY_END = [-8];
const FULL_4X4 = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 3 : -2));
const FULL_8X8 = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 1 : 0));

describe('media/h264/sps', () => {
  const real: Array<[string, string, SpsInfo, string]> = [
    ['the committed clip', loadClip().parameterSets.sps.toString('hex'),
      { profileIdc: 66, constraintFlags: 0xc0, levelIdc: 30, width: 320, height: 240 }, '42c01e'],
    ['x264 1080p High, interlaced (frame_mbs_only 0), cropped', '67640028acd94078044fde0220000003002000000643e2c5b2c0',
      { profileIdc: 100, constraintFlags: 0, levelIdc: 40, width: 1920, height: 1080 }, '640028'],
    ['x264 1080p Constrained Baseline, cropped', '6742c028d900780227e5c044000003000400000300c83c60c920',
      { profileIdc: 66, constraintFlags: 0xc0, levelIdc: 40, width: 1920, height: 1080 }, '42c028'],
    ['x264 720p Main', '674d401feca02802dd80880000030008000003019078c18cb0',
      { profileIdc: 77, constraintFlags: 0x40, levelIdc: 31, width: 1280, height: 720 }, '4d401f'],
    ['x264 1366x768 High, cropped', '67640020acd94056061e6f011000000300100000030320f1831960',
      { profileIdc: 100, constraintFlags: 0, levelIdc: 32, width: 1366, height: 768 }, '640020'],
    ['x264 640x480 High 4:2:2', '677a001ebcd940a03db011000003000100000300320f162d96',
      { profileIdc: 122, constraintFlags: 0, levelIdc: 30, width: 640, height: 480 }, '7a001e'],
    ['x264 174x142 High 4:4:4, odd crop', '67f4000b919b28589f7780880000030008000003019078a14cb0',
      { profileIdc: 244, constraintFlags: 0, levelIdc: 11, width: 174, height: 142 }, 'f4000b'],
    ['x264 854x480 High 4:4:4 interlaced', '67f4001e919b281b0f78bf011000000300100000030321f1429960',
      { profileIdc: 244, constraintFlags: 0, levelIdc: 30, width: 854, height: 480 }, 'f4001e'],
  ];
  for (const [name, sps, info, pli] of real) {
    it(`parses ${name}: ${info.width}x${info.height}, profile-level-id ${pli}`, () => {
      assert.deepEqual(parseSps(hex(sps)), info);
      assert.equal(profileLevelId(hex(sps)), pli);
    });
  }

  const built: Array<[string, SpsFields, number, number]> = [
    ['High with every scaling list present (4:2:0, 8 lists)',
      { profileIdc: 100, constraintFlags: 0, levelIdc: 41, chromaFormatIdc: 1,
        scalingLists: [FULL_4X4, EARLY_END, [], FULL_4X4, [], [], FULL_8X8, EARLY_END],
        pocType: 0, widthMbs: 120, heightMapUnits: 68, frameMbsOnly: true, crop: [0, 0, 0, 4] }, 1920, 1080],
    ['High 4:4:4 with 12 scaling lists and separate colour planes (crop unit 1)',
      { profileIdc: 244, constraintFlags: 0, levelIdc: 30, chromaFormatIdc: 3, separateColourPlane: true,
        scalingLists: [[], [], [], [], [], [], FULL_8X8, [], [], FULL_8X8, [], EARLY_END],
        pocType: 2, widthMbs: 11, heightMapUnits: 9, frameMbsOnly: true, crop: [1, 2, 3, 4] }, 173, 137],
    ['High 4:2:2, interlaced, crop unit 2x2',
      { profileIdc: 122, constraintFlags: 0, levelIdc: 40, chromaFormatIdc: 2,
        pocType: 0, widthMbs: 45, heightMapUnits: 18, frameMbsOnly: false, crop: [1, 1, 1, 1] }, 716, 572],
    ['Main with POC type 1 and a 3-entry cycle',
      { profileIdc: 77, constraintFlags: 0x40, levelIdc: 30, pocType: 1, pocCycle: [2, -4, 7],
        widthMbs: 22, heightMapUnits: 18, frameMbsOnly: true }, 352, 288],
    ['High 4:0:0 (monochrome), crop unit 1x1',
      { profileIdc: 100, constraintFlags: 0, levelIdc: 30, chromaFormatIdc: 0,
        pocType: 2, widthMbs: 20, heightMapUnits: 15, frameMbsOnly: true, crop: [0, 1, 0, 1] }, 319, 239],
  ];
  for (const [name, fields, width, height] of built) {
    it(`parses an SPS built with ${name}: ${width}x${height}`, () => {
      assert.deepEqual(parseSps(encodeSps(fields)), {
        profileIdc: fields.profileIdc, constraintFlags: fields.constraintFlags, levelIdc: fields.levelIdc, width, height,
      });
    });
  }

  it('every truncation of a real SPS throws ProtocolError, never anything else', () => {
    for (const [, sps] of real) {
      const bytes = hex(sps);
      for (let length = 0; length < bytes.length; length++) {
        try {
          parseSps(bytes.subarray(0, length));
        } catch (err) {
          assert.ok(err instanceof ProtocolError, `length ${length}: ${String(err)}`);
        }
      }
    }
  });

  it('rejects NAL units that are not an SPS, and impossible values', () => {
    assert.throws(() => parseSps(hex('68ce3c80')), ProtocolError);
    assert.throws(() => parseSps(hex('67')), ProtocolError);
    assert.throws(() => profileLevelId(hex('68ce3c80')), ProtocolError);
    assert.throws(() => profileLevelId(hex('6742c0')), ProtocolError);
    const badChroma = encodeSps({ profileIdc: 100, constraintFlags: 0, levelIdc: 30, chromaFormatIdc: 4,
      pocType: 2, widthMbs: 1, heightMapUnits: 1, frameMbsOnly: true });
    assert.throws(() => parseSps(badChroma), /chroma_format_idc/);
    const hugeCrop = encodeSps({ profileIdc: 66, constraintFlags: 0, levelIdc: 30, pocType: 2,
      widthMbs: 1, heightMapUnits: 1, frameMbsOnly: true, crop: [8, 0, 0, 0] });
    assert.throws(() => parseSps(hugeCrop), /cropping/);
    const longCycle = encodeSps({ profileIdc: 66, constraintFlags: 0, levelIdc: 30, pocType: 1,
      pocCycle: new Array(256).fill(1), widthMbs: 1, heightMapUnits: 1, frameMbsOnly: true });
    assert.throws(() => parseSps(longCycle), /pic_order_cnt_cycle/);
  });

  it('sprop-parameter-sets is base64 SPS, comma, base64 PPS', () => {
    const ps = loadClip().parameterSets;
    assert.equal(spropParameterSets(ps), 'Z0LAHtkBQfsBEAAAAwAQAAADAeDxYuSA,aMuMsg==');
    const [sps, pps] = spropParameterSets(ps).split(',').map((b) => Buffer.from(b, 'base64'));
    assert.ok(sps.equals(ps.sps) && pps.equals(ps.pps));
  });
});
