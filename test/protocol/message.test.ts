import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { ActionCamError, BadInputError, ProtocolError } from '../../src/errors';
import { decodeMessage, encodeMessage, type ControlMessage } from '../../src/protocol/message';
import { FrameReader } from '../../src/protocol/frame-reader';
import { messageName, MessageType } from '../../src/protocol/constants';
import { VECTORS } from './vectors';
import { seededBytes } from '../helpers/random';

describe('protocol: control messages (docs/PROTOCOL.md §2.1, §8)', () => {
  for (const v of VECTORS) {
    describe(v.name, () => {
      it('encodes to the documented bytes', () => {
        assert.equal(encodeMessage(v.type, v.payload).toString('hex'), v.wire);
      });
      it('decodes the documented bytes', () => {
        const m = decodeMessage(Buffer.from(v.wire, 'hex'));
        assert.equal(m.type, v.type);
        assert.deepEqual(m.payload, v.payload);
      });
      it('is framed identically when fed split at every byte offset', () => {
        const wire = Buffer.from(v.wire, 'hex');
        for (let cut = 0; cut <= wire.length; cut++) {
          const reader = new FrameReader();
          const a = reader.push(wire.subarray(0, cut));
          const b = reader.push(wire.subarray(cut));
          const all = [...a.messages, ...b.messages];
          assert.equal(all.length, 1, `cut at ${cut}`);
          assert.equal(all[0].type, v.type);
          assert.deepEqual(all[0].payload, v.payload);
          assert.equal(reader.buffered, 0);
          assert.deepEqual([...a.skipped, ...b.skipped], []);
        }
      });
    });
  }

  it('frames every vector from one coalesced read, in order', () => {
    const wire = Buffer.concat(VECTORS.map((v) => Buffer.from(v.wire, 'hex')));
    const { messages, skipped } = new FrameReader().push(wire);
    assert.deepEqual(messages.map((m) => m.type), VECTORS.map((v) => v.type));
    assert.deepEqual(skipped, []);
  });

  it('frames the coalesced stream fed one byte at a time', () => {
    const wire = Buffer.concat(VECTORS.map((v) => Buffer.from(v.wire, 'hex')));
    const reader = new FrameReader();
    const types: number[] = [];
    for (const byte of wire) types.push(...reader.push(Buffer.from([byte])).messages.map((m) => m.type));
    assert.deepEqual(types, VECTORS.map((v) => v.type));
  });

  it('resynchronises on the magic after garbage and reports the skipped bytes', () => {
    const reader = new FrameReader();
    const garbage = Buffer.from('00ff12ab34', 'hex');
    const alive = encodeMessage(MessageType.ALIVE_REQUEST);
    const { messages, skipped } = reader.push(Buffer.concat([garbage, alive, Buffer.from('deadbeef', 'hex'), alive]));
    assert.deepEqual(messages.map((m) => m.type), [MessageType.ALIVE_REQUEST, MessageType.ALIVE_REQUEST]);
    assert.deepEqual(skipped.map((s) => s.toString('hex')), ['00ff12ab34', 'deadbeef']);
  });

  it('keeps a lone trailing 0xAB as a possible half magic', () => {
    const reader = new FrameReader();
    const alive = encodeMessage(MessageType.ALIVE_RESPONSE);
    const first = reader.push(Buffer.concat([Buffer.from([0x11]), alive.subarray(0, 1)]));
    assert.deepEqual(first.skipped.map((s) => s.toString('hex')), ['11']);
    assert.equal(reader.buffered, 1);
    const second = reader.push(alive.subarray(1));
    assert.equal(second.messages[0].type, MessageType.ALIVE_RESPONSE);
  });

  it('holds at most one maximal frame while waiting for its payload', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from('abcdffff0000a026', 'hex'));
    reader.push(Buffer.alloc(65534));
    assert.equal(reader.buffered, 8 + 65534);
    const { messages } = reader.push(Buffer.alloc(1));
    assert.equal(messages[0].payload.length, 65535);
    assert.equal(reader.buffered, 0);
  });

  it('joins a frame dripped byte by byte once, not once per byte (no quadratic copying)', () => {
    const reader = new FrameReader();
    const frame = encodeMessage(MessageType.FILE_LIST_CONTENT, Buffer.alloc(65535, 0x41));
    const concat = sinon.spy(Buffer, 'concat');
    try {
      let messages: ControlMessage[] = [];
      for (let i = 0; i < frame.length; i++) messages = messages.concat(reader.push(frame.subarray(i, i + 1)).messages);
      assert.equal(messages.length, 1);
      assert.deepEqual(messages[0].payload, frame.subarray(8));
      assert.ok(concat.callCount <= 8, `${concat.callCount} joins for one frame`);
    } finally {
      concat.restore();
    }
  });

  it('reset() drops a partial frame', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from('abcd0004', 'hex'));
    reader.reset();
    assert.equal(reader.buffered, 0);
    assert.equal(reader.push(encodeMessage(MessageType.TAKE_PICTURE)).messages.length, 1);
  });

  it('keeps a non-zero upper type half instead of dropping the message', () => {
    const m = new FrameReader().push(Buffer.from('abcd000012340112', 'hex')).messages[0];
    assert.equal(m.type, 0x12340112);
    assert.equal(messageName(m.type), '0x12340112');
  });

  it('names known and unknown types', () => {
    assert.equal(messageName(MessageType.LOGIN_ACCEPT), 'LOGIN_ACCEPT');
    assert.equal(messageName(0xa0ff), '0xA0FF');
  });

  it('rejects payloads the u16 length cannot express instead of truncating (S1 bug §7.12)', () => {
    assert.throws(() => encodeMessage(MessageType.LOGIN, Buffer.alloc(65536)), BadInputError);
    assert.throws(() => encodeMessage(-1), BadInputError);
    assert.throws(() => encodeMessage(2 ** 32), BadInputError);
  });

  it('decodeMessage rejects short, bad-magic and length-mismatched input with ProtocolError', () => {
    assert.throws(() => decodeMessage(Buffer.from('abcd00', 'hex')), ProtocolError);
    assert.throws(() => decodeMessage(Buffer.from('abce000000000112', 'hex')), /bad control magic 0xabce/);
    assert.throws(() => decodeMessage(Buffer.from('abcd000400000112', 'hex')), /says 4 payload bytes but 0/);
  });

  it('random bytes never throw from the reader, and only ProtocolError from decodeMessage', () => {
    const rnd = seededBytes(0xc0ffee);
    const reader = new FrameReader();
    for (let i = 0; i < 2000; i++) {
      const chunk = rnd(Math.floor(rnd(1)[0] / 2));
      reader.push(chunk);
      try {
        decodeMessage(chunk);
      } catch (err) {
        assert.ok(err instanceof ProtocolError && err instanceof ActionCamError, String(err));
      }
    }
  });
});
