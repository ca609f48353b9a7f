import assert from 'node:assert/strict';
import { BadInputError, ProtocolError } from '../../src/errors';
import { MessageType, messageName } from '../../src/protocol/constants';
import { CLOCK_PAYLOAD_SIZE, clockOf, dateOfClock, decodeClockPayload, encodeClockPayload, formatClock, type CameraClock } from '../../src/protocol/clock';
import { decodeMessage, encodeMessage } from '../../src/protocol/message';
import { XPROHACKS_A011_CLOCK, XPROHACKS_A011_FRAME } from '../fixtures/xprohacks-a011';
import { seededBytes } from '../helpers/random';

const hex = (s: string): string => s.replace(/\s+/g, '').toLowerCase();
/** Nine u32 LE words as hex. */
const words = (...values: number[]): string =>
  values.map((v) => Buffer.from([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]).toString('hex')).join('');

describe('protocol: SET_CLOCK A011 (docs/PROTOCOL.md §10)', () => {
  // One table drives encode and decode: every field at its low and high end, and the capture.
  const cases: Array<{ name: string; clock: CameraClock; payload: string }> = [
    { name: 'the captured date', clock: { ...XPROHACKS_A011_CLOCK }, payload: words(40, 3, 19, 18, 3, 2017, 0, 0, 0) },
    { name: 'every field at its lowest', clock: { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, payload: words(0, 0, 0, 1, 1, 1970, 0, 0, 0) },
    { name: 'every field at its highest', clock: { year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59 }, payload: words(59, 59, 23, 31, 12, 9999, 0, 0, 0) },
    { name: 'second is word 0', clock: { year: 2024, month: 5, day: 1, hour: 0, minute: 0, second: 7 }, payload: words(7, 0, 0, 1, 5, 2024, 0, 0, 0) },
    { name: 'minute is word 1', clock: { year: 2024, month: 5, day: 1, hour: 0, minute: 7, second: 0 }, payload: words(0, 7, 0, 1, 5, 2024, 0, 0, 0) },
    { name: 'hour is word 2', clock: { year: 2024, month: 5, day: 1, hour: 7, minute: 0, second: 0 }, payload: words(0, 0, 7, 1, 5, 2024, 0, 0, 0) },
    { name: 'day is word 3', clock: { year: 2024, month: 5, day: 7, hour: 0, minute: 0, second: 0 }, payload: words(0, 0, 0, 7, 5, 2024, 0, 0, 0) },
    { name: 'month is word 4, 1-based', clock: { year: 2024, month: 7, day: 1, hour: 0, minute: 0, second: 0 }, payload: words(0, 0, 0, 1, 7, 2024, 0, 0, 0) },
    { name: 'year is word 5, the full year', clock: { year: 2107, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, payload: words(0, 0, 0, 1, 1, 2107, 0, 0, 0) },
  ];
  for (const c of cases) {
    it(`encodes ${c.name}`, () => {
      const payload = encodeClockPayload(c.clock);
      assert.equal(payload.length, CLOCK_PAYLOAD_SIZE);
      assert.equal(payload.toString('hex'), c.payload);
    });
    it(`decodes ${c.name}`, () => {
      assert.deepEqual(decodeClockPayload(Buffer.from(c.payload, 'hex')), c.clock);
    });
  }

  it('the captured frame (nonzod/XproHacks 582b620) decodes to 2017-03-18 19:03:40 and is re-encoded byte for byte', () => {
    const message = decodeMessage(Buffer.from(hex(XPROHACKS_A011_FRAME), 'hex'));
    assert.equal(message.type, MessageType.SET_CLOCK);
    assert.equal(messageName(message.type), 'SET_CLOCK');
    const clock = decodeClockPayload(message.payload);
    assert.deepEqual(clock, XPROHACKS_A011_CLOCK);
    assert.equal(formatClock(clock), '2017-03-18 19:03:40');
    assert.equal(encodeMessage(MessageType.SET_CLOCK, encodeClockPayload(clock)).toString('hex'), hex(XPROHACKS_A011_FRAME));
  });

  const badFields: Array<[keyof CameraClock, number]> = [
    ['second', 60],
    ['minute', -1],
    ['hour', 24],
    ['day', 0],
    ['day', 32],
    ['month', 0],
    ['month', 13],
    ['year', 1969],
    ['year', 10000],
    ['second', 1.5],
    ['year', Number.NaN],
  ];
  for (const [field, value] of badFields) {
    it(`refuses to encode ${field} ${value}`, () => {
      const clock = { ...XPROHACKS_A011_CLOCK, [field]: value };
      assert.throws(() => encodeClockPayload(clock), (err: Error) => err instanceof BadInputError && err.message.includes(field));
    });
    if (Number.isInteger(value) && value >= 0) {
      it(`refuses to decode ${field} ${value}`, () => {
        const payload = encodeClockPayload(XPROHACKS_A011_CLOCK);
        payload.writeUInt32LE(value, ['second', 'minute', 'hour', 'day', 'month', 'year'].indexOf(field) * 4);
        assert.throws(() => decodeClockPayload(payload), ProtocolError);
      });
    }
  }

  it('decodes the six time words of a payload without the trailing zeros, refuses a shorter one', () => {
    const full = encodeClockPayload(XPROHACKS_A011_CLOCK);
    assert.deepEqual(decodeClockPayload(full.subarray(0, 24)), XPROHACKS_A011_CLOCK);
    assert.throws(() => decodeClockPayload(full.subarray(0, 23)), ProtocolError);
  });

  it('random payloads either decode or throw ProtocolError, nothing else', () => {
    const random = seededBytes(0xa011);
    for (let i = 0; i < 2000; i++) {
      const bytes = random(i % 40);
      try {
        decodeClockPayload(bytes);
      } catch (err) {
        assert.ok(err instanceof ProtocolError, String(err));
      }
    }
  });

  it('clockOf takes the local wall-clock fields; dateOfClock gives them back', () => {
    const date = new Date(2024, 4, 1, 12, 34, 56, 789);
    const clock = clockOf(date);
    assert.deepEqual(clock, { year: 2024, month: 5, day: 1, hour: 12, minute: 34, second: 56 });
    assert.equal(dateOfClock(clock).getTime(), new Date(2024, 4, 1, 12, 34, 56).getTime());
    assert.throws(() => clockOf(new Date(Number.NaN)), BadInputError);
  });
});
