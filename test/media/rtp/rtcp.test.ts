/** RTCP SR + SDES CNAME (RFC 3550 §6.4.1, §6.5.1), BYE (§6.6) against hand-computed bytes. */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { decodeRtcpPacketTypes, encodeBye, encodeSenderReport, RtcpPacketType } from '../../../src/media/rtp/rtcp';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const SR = {
  ssrc: 0x11223344,
  ntpTimeMs: 1700000000500, // 2023-11-14T22:13:20.5Z
  rtpTimestamp: 0xdeadbeef,
  packetCount: 1000,
  octetCount: 1234567,
  cname: 'cam@host',
};

describe('media/rtp/rtcp', () => {
  it('encodes SR + SDES CNAME as one compound packet (hand-computed)', () => {
    const expected = [
      // SR: V=2 RC=0 | PT 200 | length 6
      '80 c8 0006', '11223344',
      'e8fe6f80', // NTP seconds: 1700000000 + 2208988800 = 3908988800
      '80000000', // NTP fraction: 0.5 s
      'deadbeef', '000003e8', '0012d687',
      // SDES: V=2 SC=1 | PT 202 | length 4 (20 bytes)
      '81 ca 0004', '11223344',
      '01 08 63616d40686f7374', // CNAME, 8 bytes, "cam@host"
      '0000', // END + padding to 32 bits
    ].join('');
    assert.equal(encodeSenderReport(SR).toString('hex'), hex(expected).toString('hex'));
  });

  it('pads the SDES chunk with at least one null octet', () => {
    // 4 + 2 + 10 = 16 bytes: a whole extra word for the END octet
    const sr = encodeSenderReport({ ...SR, cname: 'abcdefghij' });
    assert.equal(sr.length, 28 + 4 + 20);
    assert.equal(sr.readUInt16BE(30), 5);
    assert.deepEqual([...sr.subarray(sr.length - 4)], [0, 0, 0, 0]);
  });

  it('converts Unix milliseconds to NTP, including fractions and the 2036 era wrap', () => {
    const at = (ntpTimeMs: number): string => encodeSenderReport({ ...SR, ntpTimeMs }).subarray(8, 16).toString('hex');
    assert.equal(at(0), '83aa7e80' + '00000000');
    assert.equal(at(0.25), '83aa7e80' + '0010624d'); // floor(0.00025 * 2^32) = 1073741
    assert.equal(at((2 ** 32 - 2208988800) * 1000), '00000000' + '00000000'); // 2036-02-07T06:28:16Z
  });

  it('wraps packet and octet counts modulo 2^32', () => {
    const sr = encodeSenderReport({ ...SR, packetCount: 2 ** 32 + 1, octetCount: 2 ** 33 + 2 });
    assert.equal(sr.readUInt32BE(20), 1);
    assert.equal(sr.readUInt32BE(24), 2);
  });

  it('encodes BYE behind an empty RR (§6.1)', () => {
    assert.equal(encodeBye(0x11223344).toString('hex'), '80c90001' + '11223344' + '81cb0001' + '11223344');
  });

  const invalid: Array<[string, object]> = [
    ['an empty CNAME', { cname: '' }],
    ['a CNAME over 255 bytes', { cname: 'x'.repeat(256) }],
    ['an SSRC above 32 bits', { ssrc: 2 ** 32 }],
    ['a fractional RTP timestamp', { rtpTimestamp: 1.5 }],
    ['a negative NTP time', { ntpTimeMs: -1 }],
  ];
  for (const [name, patch] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => encodeSenderReport({ ...SR, ...patch }), BadInputError);
    });
  }

  describe('decodeRtcpPacketTypes', () => {
    const cases: Array<[string, Buffer, number[]]> = [
      ['our SR + SDES', encodeSenderReport(SR), [RtcpPacketType.SR, RtcpPacketType.SDES]],
      ['our BYE', encodeBye(1), [RtcpPacketType.RR, RtcpPacketType.BYE]],
      ['a receiver report with one block', hex('81c90007 00000001' + '00'.repeat(24)), [201]],
      ['a compound packet cut in the second packet', encodeSenderReport(SR).subarray(0, 40), [200]],
      ['an RTP packet', hex('80601234deadbeef01020304aabb'), []],
      ['version 1', hex('40c80000'), []],
      ['empty', Buffer.alloc(0), []],
      ['three bytes', hex('80c800'), []],
    ];
    for (const [name, bytes, expected] of cases) {
      it(name, () => {
        assert.deepEqual(decodeRtcpPacketTypes(bytes), expected);
      });
    }
  });
});
