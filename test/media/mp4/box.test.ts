/**
 * Box primitives (ISO/IEC 14496-12 §4.2): the header table across the 32-bit limit (largesize),
 * full boxes, 64-bit fields without BigInt, and the exact-size guard of ByteWriter.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { ByteWriter, box, boxHeader, boxHeaderSize, fields, fullBox } from '../../../src/media/mp4/box';

const hex = (s: string): string => s.replace(/\s+/g, '');

describe('media/mp4/box', () => {
  const HEADERS: Array<[string, string, number, string]> = [
    ['empty mdat', 'mdat', 0, '00000008 6d646174'],
    ['small payload', 'free', 4, '0000000c 66726565'],
    ['largest 32-bit size', 'mdat', 2 ** 32 - 9, 'ffffffff 6d646174'],
    ['first largesize', 'mdat', 2 ** 32 - 8, '00000001 6d646174 0000000100000008'],
    ['5 GB payload', 'mdat', 5e9, '00000001 6d646174 000000012a05f210'],
    ['2^53 - 17 bytes', 'mdat', 2 ** 53 - 17, '00000001 6d646174 001fffffffffffff'],
  ];
  for (const [name, type, payloadSize, bytes] of HEADERS) {
    it(`header: ${name}`, () => {
      const h = boxHeader(type, payloadSize);
      assert.equal(h.toString('hex'), hex(bytes));
      assert.equal(boxHeaderSize(payloadSize), h.length);
    });
  }

  for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
    it(`header: payload size ${bad} is BadInputError`, () => {
      assert.throws(() => boxHeader('mdat', bad), BadInputError);
    });
  }

  it('box and fullBox: size, type, version and flags before the payload', () => {
    assert.equal(box('abcd', Buffer.from('0102', 'hex'), Buffer.from('03', 'hex')).toString('hex'), hex('0000000b 61626364 010203'));
    assert.equal(fullBox('trun', 1, 0x000701, Buffer.from('ff', 'hex')).toString('hex'), hex('0000000d 7472756e 01 000701 ff'));
  });

  it('ByteWriter writes every width big-endian, u64 beyond 2^32 exactly', () => {
    const out = fields(1 + 2 + 3 + 4 + 8 + 4 + 2 + 2, (w) => {
      w.u8(0x01).u16(0x0203).u24(0x040506).u32(0x0708090a).u64(2 ** 40 + 0x0b).fourcc('moov').bytes(Buffer.from('cafe', 'hex')).zeros(2);
    });
    assert.equal(out.toString('hex'), hex('01 0203 040506 0708090a 000001000000000b 6d6f6f76 cafe 0000'));
  });

  it('ByteWriter.done() throws when a size was miscounted', () => {
    assert.throws(() => fields(5, (w) => w.u32(1)), /wrote 4 bytes into a 5-byte buffer/);
    const w = new ByteWriter(Buffer.alloc(2));
    assert.throws(() => w.u32(1), RangeError);
  });
});
