import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors';
import { decodePreviewDatagram, encodePreviewDatagram, encodeTimePayload } from '../../src/protocol/preview';
import { PreviewType } from '../../src/protocol/constants';
import { seededBytes } from '../helpers/random';

describe('protocol: preview datagrams (docs/PROTOCOL.md §4, §8)', () => {
  it('decodes a 1008-byte data datagram', () => {
    const data = Buffer.concat([Buffer.from('00000001', 'hex'), Buffer.alloc(996, 7)]);
    const wire = encodePreviewDatagram(0x1234, PreviewType.H264, data);
    assert.equal(wire.subarray(0, 8).toString('hex'), 'bcde03e812340001');
    assert.equal(wire.length, 1008);
    const d = decodePreviewDatagram(wire);
    assert.equal(d.kind, 'h264');
    assert.ok(d.kind === 'h264' && d.seq === 0x1234 && d.data.equals(data));
  });

  it('decodes a 24-byte time datagram: elapsed ms u32 LE at payload offset 12', () => {
    const wire = encodePreviewDatagram(7, PreviewType.TIME, encodeTimePayload(0x01020304));
    assert.equal(wire.toString('hex'), 'bcde00100007000200000000000000000000000004030201');
    const d = decodePreviewDatagram(wire);
    assert.ok(d.kind === 'time' && d.elapsedMs === 0x01020304 && d.unknown.length === 12);
  });

  it('reports unknown types (5) instead of throwing', () => {
    const d = decodePreviewDatagram(encodePreviewDatagram(1, PreviewType.UNKNOWN_5, Buffer.from([9, 9])));
    assert.deepEqual(d, { kind: 'unknown', seq: 1, type: 5, payload: Buffer.from([9, 9]) });
  });

  it('ignores bytes past the declared length and rejects a length past the datagram', () => {
    const wire = Buffer.concat([encodePreviewDatagram(1, PreviewType.H264, Buffer.from([1, 2])), Buffer.from([3])]);
    const d = decodePreviewDatagram(wire);
    assert.ok(d.kind === 'h264' && d.data.equals(Buffer.from([1, 2])));
    const lying = Buffer.from('bcde0010000100010102', 'hex');
    assert.throws(() => decodePreviewDatagram(lying), /says 16 payload bytes but carries 2/);
  });

  it('rejects short and bad-magic datagrams and short time packets with ProtocolError (S1/S2 panicked)', () => {
    assert.throws(() => decodePreviewDatagram(Buffer.alloc(5)), ProtocolError);
    assert.throws(() => decodePreviewDatagram(Buffer.from('abcd000000010001', 'hex')), /bad preview magic/);
    assert.throws(() => decodePreviewDatagram(encodePreviewDatagram(1, PreviewType.TIME, Buffer.alloc(4))), /time packet payload is 4 bytes/);
  });

  it('random datagrams never throw anything but ProtocolError', () => {
    const rnd = seededBytes(7);
    for (let i = 0; i < 5000; i++) {
      const d = rnd(rnd(1)[0]);
      if (i % 2 && d.length >= 2) d.writeUInt16BE(0xbcde, 0);
      try {
        decodePreviewDatagram(d);
      } catch (err) {
        assert.ok(err instanceof ProtocolError, String(err));
      }
    }
  });
});
