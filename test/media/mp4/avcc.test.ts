/**
 * avcC (ISO/IEC 14496-15 §5.3.3.1) from real parameter sets: the committed clip's exact bytes,
 * x264 High-profile SPS that add chroma format and bit depths, the RFC 6381 codecs string, and
 * the parameter sets it refuses.
 */
import * as assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/errors';
import { avcDecoderConfigurationRecord, codecString } from '../../../src/media/mp4/avcc';
import { loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const PPS = hex('68cb8cb2');

describe('media/mp4/avcc', () => {
  it("the clip's avcC, field by field", () => {
    const { sps, pps } = loadClip().parameterSets;
    const expected = [
      '01', // configurationVersion
      '42 c0 1e', // profile 66 (Baseline), constraint_set0+1 (Constrained), level 3.0: SPS bytes 1..3
      'ff', // '111111' + lengthSizeMinusOne 3
      'e1', // '111' + one SPS
      '0018', sps.toString('hex'),
      '01', // one PPS
      '0004', pps.toString('hex'),
    ].join('');
    assert.equal(avcDecoderConfigurationRecord({ sps, pps }).toString('hex'), hex(expected).toString('hex'));
    assert.equal(sps.length, 0x18);
    assert.equal(pps.toString('hex'), '68cb8cb2');
  });

  const HIGH: Array<[string, string, string]> = [
    // name, SPS (x264, as in test/media/h264/sps.test.ts), extension bytes after the PPS
    ['High 4:2:0 8-bit', '67640020acd94056061e6f011000000300100000030320f1831960', 'fd f8 f8 00'],
    ['High 4:2:2 8-bit', '677a001ebcd940a03db011000003000100000300320f162d96', 'fe f8 f8 00'],
  ];
  for (const [name, spsHex, ext] of HIGH) {
    it(`${name}: chroma_format and bit depths follow the PPS (§5.3.3.1.2)`, () => {
      const sps = hex(spsHex);
      const record = avcDecoderConfigurationRecord({ sps, pps: PPS });
      assert.equal(record.length, 6 + 2 + sps.length + 1 + 2 + PPS.length + 4);
      assert.equal(record.subarray(-4).toString('hex'), hex(ext).toString('hex'));
      assert.equal(record[1], sps[1]);
    });
  }

  it('High 4:4:4 (profile 244) has no extension fields in avcC', () => {
    const sps = hex('67f4000b919b28589f7780880000030008000003019078a14cb0');
    assert.equal(avcDecoderConfigurationRecord({ sps, pps: PPS }).length, 6 + 2 + sps.length + 1 + 2 + PPS.length);
  });

  it('codecString is avc1. + profile, constraints, level in hex (RFC 6381 §3.3)', () => {
    assert.equal(codecString(loadClip().parameterSets.sps), 'avc1.42c01e');
    assert.equal(codecString(hex('67640020acd94056')), 'avc1.640020');
  });

  const BAD: Array<[string, string, string]> = [
    ['a PPS as the SPS', '68cb8cb2', '68cb8cb2'],
    ['an SPS as the PPS', '6742c01ed9', '6742c01ed9'],
    ['a truncated SPS', '6742c0', '68cb8cb2'],
    ['an empty PPS', '6742c01ed9', ''],
  ];
  for (const [name, sps, pps] of BAD) {
    it(`refuses ${name} with ProtocolError`, () => {
      assert.throws(() => avcDecoderConfigurationRecord({ sps: hex(sps), pps: hex(pps) }), ProtocolError);
    });
  }

  it('refuses a parameter set longer than the 16-bit length field', () => {
    const sps = Buffer.concat([hex('6742c01e'), Buffer.alloc(0x10000)]);
    assert.throws(() => avcDecoderConfigurationRecord({ sps, pps: PPS }), /16-bit length/);
    assert.throws(() => codecString(hex('68')), ProtocolError);
  });
});
