import assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { RawCommandError, hexToBuffer, parseRawCommand, parseReplyOption, typeHex } from '../../src/protocol/raw-command';
import type { RawCommandPart } from '../../src/protocol/raw-command';
import { seededBytes } from '../helpers/random';

describe('protocol: raw command (docs/PROTOCOL.md §2.7.6)', () => {
  const good: Array<[string, unknown, number, string]> = [
    ['hex, type only', 'a034', 0xa034, ''],
    ['hex with payload', 'a03a01000000', 0xa03a, '01000000'],
    ['upper case with spaces', 'A03A 01 00 00 00', 0xa03a, '01000000'],
    ['separators and 0x', '0xA0 3A:01-00,00 00', 0xa03a, '01000000'],
    ['underscores', 'a0_38', 0xa038, ''],
    ['Buffer', Buffer.from([0xa0, 0x38]), 0xa038, ''],
    ['object, numeric type', { type: 0xa034 }, 0xa034, ''],
    ['object, hex type and payload', { type: '0xA03A', payload: '01 00 00 00' }, 0xa03a, '01000000'],
    ['object, byte array payload', { type: 'a03a', payload: [1, 0, 0, 0] }, 0xa03a, '01000000'],
    ['object, Buffer payload', { type: 0x01ff, payload: Buffer.alloc(8) }, 0x01ff, '0000000000000000'],
  ];
  for (const [name, input, type, payload] of good) {
    it(`parses ${name}`, () => {
      const command = parseRawCommand(input);
      assert.equal(command.type, type);
      assert.equal(command.payload.toString('hex'), payload);
    });
  }

  const bad: Array<[string, unknown, RawCommandPart, RegExp]> = [
    ['non-hex', 'zz12', 'command', /^the command must be hex digits, got 'zz12'$/],
    ['nothing', '  ', 'command', /must be hex digits/],
    ['odd digit count', 'a03', 'command', /^the command must be whole bytes \(an even number of hex digits\), got 'a03'$/],
    ['one byte', 'a0', 'command', /^the command needs at least two bytes \(the message type\), got 'a0'$/],
    ['a one-byte Buffer', Buffer.from([0xa0]), 'command', /at least two bytes/],
    ['a number', 42, 'command', /hex string, a Buffer or \{type, payload\}/],
    ['an array', [1, 2], 'command', /hex string/],
    ['bad object type', { type: 'xyz' }, 'type', /command type/],
    ['negative type', { type: -1 }, 'type', /command type/],
    ['type above 32 bits', { type: 2 ** 32 }, 'type', /command type/],
    ['bad payload', { type: 1, payload: [300] }, 'payload', /payload must be a Buffer, hex digits or an array of bytes/],
    ['odd payload hex', { type: 1, payload: 'abc' }, 'payload', /payload/],
  ];
  for (const [name, input, part, message] of bad) {
    it(`rejects ${name}: a BadInputError about the ${part}`, () => {
      assert.throws(
        () => parseRawCommand(input),
        (err: unknown) => err instanceof RawCommandError && err instanceof BadInputError && err.part === part && message.test(err.message),
      );
    });
  }

  it('names the rejected value: the whole input, or the part of {type, payload}', () => {
    const valueOf = (input: unknown): unknown => {
      try {
        parseRawCommand(input);
      } catch (err) {
        return (err as RawCommandError).value;
      }
      return 'accepted';
    };
    assert.equal(valueOf('zz'), 'zz');
    assert.equal(valueOf({ type: 'xyz' }), 'xyz');
    assert.deepEqual(valueOf({ type: 1, payload: [300] }), [300]);
  });

  it('copies the payload out of a Buffer command', () => {
    const input = Buffer.from([0xa0, 0x3a, 1, 0, 0, 0]);
    const command = parseRawCommand(input);
    input[2] = 9;
    assert.equal(command.payload.toString('hex'), '01000000');
  });

  it('never throws anything but a RawCommandError on random text', () => {
    const random = seededBytes(0x5eed);
    for (let i = 0; i < 500; i++) {
      const text = random(1 + (i % 24)).toString('latin1');
      try {
        parseRawCommand(text);
      } catch (err) {
        assert.ok(err instanceof RawCommandError, String(err));
      }
    }
  });

  describe('reply option', () => {
    const cases: Array<[string | undefined, number | null | undefined]> = [
      ['auto', undefined],
      ['AUTO', undefined],
      ['', undefined],
      [undefined, undefined],
      ['none', null],
      [' None ', null],
      ['A039', 0xa039],
      ['0xa039', 0xa039],
      ['1', 1],
    ];
    for (const [text, expected] of cases) {
      it(`${JSON.stringify(text)} -> ${String(expected)}`, () => assert.equal(parseReplyOption(text), expected));
    }

    it('rejects anything else, naming the option as the caller calls it', () => {
      for (const text of ['soon', 'a0 39', '123456789', '0x']) {
        assert.throws(() => parseReplyOption(text), (err: unknown) => err instanceof RawCommandError && err.part === 'reply' && err.value === text);
      }
      assert.throws(() => parseReplyOption('xyz', '--reply'), /^RawCommandError: --reply must be 'auto', 'none' or a message type in hex \(e\.g\. a039\), got 'xyz'$/);
    });
  });

  it('formats types and reads hex', () => {
    assert.equal(typeHex(0x111), '0111');
    assert.equal(typeHex(0xa035), 'a035');
    assert.deepEqual(hexToBuffer('0x'), Buffer.alloc(0));
    assert.equal(hexToBuffer('x'), undefined);
    assert.deepEqual(hexToBuffer('ab cd'), Buffer.from([0xab, 0xcd]));
    assert.equal(hexToBuffer('abc'), undefined);
  });
});
