/**
 * RTP header (RFC 3550 §5.1): one table drives encode and decode, including CSRC lists, the header
 * extension (§5.3.1) and padding; malformed packets throw ProtocolError, bad fields BadInputError.
 */
import * as assert from 'node:assert/strict';
import { BadInputError, ProtocolError } from '../../../src/errors';
import {
  decodeRtpPacket,
  encodeRtpHeader,
  encodeRtpPacket,
  rtpHeaderSize,
  type RtpHeader,
} from '../../../src/media/rtp/header';
import { Sequencer } from '../../../src/media/rtp/sequencer';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface Case {
  name: string;
  header: RtpHeader;
  payload: string;
  padding: number;
  bytes: string;
}

const BASE: RtpHeader = { marker: false, payloadType: 96, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304 };
const FIFTEEN = Array.from({ length: 15 }, (_, i) => i + 1);

const CASES: Case[] = [
  { name: 'minimal', header: BASE, payload: 'aabb', padding: 0, bytes: '80 60 1234 deadbeef 01020304 aabb' },
  {
    name: 'marker, PT 127 and maximal fields',
    header: { marker: true, payloadType: 127, sequenceNumber: 0xffff, timestamp: 0xffffffff, ssrc: 0xffffffff },
    payload: '65',
    padding: 0,
    bytes: '80 ff ffff ffffffff ffffffff 65',
  },
  {
    name: 'two CSRCs',
    header: { ...BASE, csrc: [0x11111111, 0x22222222] },
    payload: 'cc',
    padding: 0,
    bytes: '82 60 1234 deadbeef 01020304 11111111 22222222 cc',
  },
  {
    name: 'header extension',
    header: { ...BASE, marker: true, extension: { profile: 0xbede, data: hex('10ff0000') } },
    payload: 'cc',
    padding: 0,
    bytes: '90 e0 1234 deadbeef 01020304 bede 0001 10ff0000 cc',
  },
  {
    name: 'empty header extension',
    header: { ...BASE, extension: { profile: 0x1000, data: Buffer.alloc(0) } },
    payload: '',
    padding: 0,
    bytes: '90 60 1234 deadbeef 01020304 1000 0000',
  },
  { name: 'padding', header: BASE, payload: 'cc', padding: 3, bytes: 'a0 60 1234 deadbeef 01020304 cc 0000 03' },
  { name: 'padding with no payload', header: BASE, payload: '', padding: 1, bytes: 'a0 60 1234 deadbeef 01020304 01' },
  {
    name: '15 CSRCs, extension and padding together',
    header: { ...BASE, csrc: FIFTEEN, extension: { profile: 1, data: hex('0102030405060708') } },
    payload: 'ddee',
    padding: 2,
    bytes: `bf 60 1234 deadbeef 01020304 ${FIFTEEN.map((n) => n.toString(16).padStart(8, '0')).join('')} 0001 0002 0102030405060708 ddee 0002`,
  },
];

describe('media/rtp/header', () => {
  for (const c of CASES) {
    it(`encodes ${c.name}`, () => {
      assert.equal(encodeRtpPacket(c.header, hex(c.payload), c.padding).toString('hex'), hex(c.bytes).toString('hex'));
      const headerOnly = encodeRtpHeader(c.header, c.padding > 0);
      assert.equal(headerOnly.length, rtpHeaderSize(c.header));
      assert.ok(hex(c.bytes).subarray(0, headerOnly.length).equals(headerOnly));
    });

    it(`decodes ${c.name}`, () => {
      const packet = decodeRtpPacket(hex(c.bytes));
      assert.deepEqual(packet, { header: c.header, payload: hex(c.payload), paddingLength: c.padding });
    });
  }

  const malformed: Array<[string, string]> = [
    ['shorter than 12 bytes', '80 60 1234 deadbeef 010203'],
    ['version 0', '00 60 1234 deadbeef 01020304'],
    ['version 1', '40 60 1234 deadbeef 01020304'],
    ['version 3', 'c0 60 1234 deadbeef 01020304'],
    ['CSRC count beyond the packet', '83 60 1234 deadbeef 01020304 11111111 22222222'],
    ['extension header cut off', '90 60 1234 deadbeef 01020304 bede'],
    ['extension length beyond the packet', '90 60 1234 deadbeef 01020304 bede 0002 00000000'],
    ['padding count 0', 'a0 60 1234 deadbeef 01020304 cc 00'],
    ['padding count beyond the payload', 'a0 60 1234 deadbeef 01020304 cc 03'],
    ['padding bit with nothing after the header', 'a0 60 1234 deadbeef 01020304'],
  ];
  for (const [name, bytes] of malformed) {
    it(`rejects ${name} with ProtocolError`, () => {
      assert.throws(() => decodeRtpPacket(hex(bytes)), ProtocolError);
    });
  }

  const invalid: Array<[string, RtpHeader, number]> = [
    ['payload type 128', { ...BASE, payloadType: 128 }, 0],
    ['sequence number 65536', { ...BASE, sequenceNumber: 65536 }, 0],
    ['negative timestamp', { ...BASE, timestamp: -1 }, 0],
    ['fractional SSRC', { ...BASE, ssrc: 1.5 }, 0],
    ['16 CSRCs', { ...BASE, csrc: [...FIFTEEN, 16] }, 0],
    ['CSRC above 2^32-1', { ...BASE, csrc: [2 ** 32] }, 0],
    ['extension data not a multiple of 4', { ...BASE, extension: { profile: 1, data: hex('010203') } }, 0],
    ['extension profile above 16 bits', { ...BASE, extension: { profile: 0x10000, data: Buffer.alloc(0) } }, 0],
    ['256 padding octets', BASE, 256],
  ];
  for (const [name, header, padding] of invalid) {
    it(`refuses to encode ${name} with BadInputError`, () => {
      assert.throws(() => encodeRtpPacket(header, hex('cc'), padding), BadInputError);
    });
  }
});

describe('media/rtp/sequencer', () => {
  it('counts up from the initial value and wraps modulo 2^16', () => {
    const seq = new Sequencer({ initial: 65534 });
    assert.deepEqual([seq.next(), seq.next(), seq.next(), seq.next()], [65534, 65535, 0, 1]);
    assert.equal(seq.rollOverCount, 1);
    assert.equal(seq.peek, 2);
  });

  it('starts at a value drawn from the injected random source', () => {
    assert.equal(new Sequencer({ random: () => 0.5 }).peek, 32768);
    assert.equal(new Sequencer({ random: () => 0.999999999 }).peek, 65535);
    assert.equal(new Sequencer({ random: () => 1 }).peek, 0); // an out-of-range source still yields 16 bits
  });

  it('rejects an initial value outside 0-65535', () => {
    assert.throws(() => new Sequencer({ initial: 65536 }), BadInputError);
    assert.throws(() => new Sequencer({ initial: -1 }), BadInputError);
  });
});
