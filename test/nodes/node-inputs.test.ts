import assert from 'node:assert/strict';
import type { NodeAPI } from 'node-red';
import { BadInputError } from '../../src/errors';
import type { FileEntry } from '../../src/protocol';
import { contentTypeOf, selectFiles } from '../../nodes/lib/files';
import { createTranslator, NAMESPACE } from '../../nodes/lib/i18n';
import { parseCommand, parseReply } from '../../nodes/lib/raw-command-input';
import { resolveAction, resolveDuration } from '../../nodes/lib/record-input';
import { newFiles } from '../../src/session/still';

/** A RED whose `_` echoes the key, as the test helper's does: texts come from the en-US catalogue. */
const t = createTranslator({ _: (key: string) => key } as unknown as NodeAPI);

describe('node input parsing', () => {
  describe('raw command (parsed by src/protocol/raw-command.ts, tested in test/protocol; worded here)', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['non-hex', 'zz', /hex string of at least 2 bytes.*got "zz"/],
      ['odd digit count', 'a03', /got "a03"/],
      ['one byte', 'a0', /at least 2 bytes/],
      ['a number', 42, /got 42/],
      ['an array', [1, 2], /got an array/],
      ['bad object type', { type: 'xyz' }, /command type must be a number or hex digits.*got "xyz"/],
      ['negative type', { type: -1 }, /command type/],
      ['bad payload', { type: 1, payload: [300] }, /payload must be a Buffer, hex digits or an array of bytes/],
    ];
    for (const [name, input, message] of bad) {
      it(`rejects ${name} with a BadInputError`, () => {
        assert.throws(() => parseCommand(input, t), (err: unknown) => err instanceof BadInputError && message.test(err.message));
      });
    }

    it('resolves the reply type', () => {
      assert.equal(parseReply('auto', 0xa034, t), 0xa035);
      assert.equal(parseReply('', 0xa034, t), 0xa035);
      assert.equal(parseReply(undefined, 0xa034, t), 0xa035);
      assert.equal(parseReply('none', 0xa034, t), null);
      assert.equal(parseReply('A039', 0xa038, t), 0xa039);
      assert.throws(() => parseReply('soon', 1, t), /reply type must be "auto", "none" or hex digits/);
    });

    it('parses with the shared parser', () => {
      assert.deepEqual(parseCommand('0xA0 3A:01-00,00 00', t), { type: 0xa03a, payload: Buffer.from('01000000', 'hex') });
      assert.deepEqual(parseCommand({ type: 'a03a', payload: [1, 0, 0, 0] }, t), { type: 0xa03a, payload: Buffer.from('01000000', 'hex') });
    });
  });

  describe('record', () => {
    it('takes the fixed action over the payload', () => {
      assert.equal(resolveAction('stop', 'start', t), 'stop');
      assert.equal(resolveAction('toggle', undefined, t), 'toggle');
    });

    it('reads msg.payload words and booleans, forgiving case and spaces', () => {
      assert.equal(resolveAction('msg', ' Start ', t), 'start');
      assert.equal(resolveAction('msg', 'STOP', t), 'stop');
      assert.equal(resolveAction('msg', 'toggle', t), 'toggle');
      assert.equal(resolveAction('msg', true, t), 'start');
      assert.equal(resolveAction(undefined, false, t), 'stop');
      assert.throws(() => resolveAction('msg', 1, t), /msg\.payload must be "start", "stop", "toggle", true or false; got 1/);
      assert.throws(() => resolveAction('msg', {}, t), /got an object/);
    });

    it('reads durations in seconds, 0 and empty meaning none', () => {
      assert.equal(resolveDuration(30, t), 30);
      assert.equal(resolveDuration(' 2.5 ', t), 2.5);
      assert.equal(resolveDuration('', t), 0);
      assert.equal(resolveDuration(undefined, t), 0);
      assert.throws(() => resolveDuration(-1, t), /duration must be a number of seconds, 0 or more/);
      assert.throws(() => resolveDuration('soon', t), /got "soon"/);
      assert.throws(() => resolveDuration(Infinity, t), BadInputError);
    });
  });

  describe('files', () => {
    const entry = (path: string, type: FileEntry['type']): FileEntry => ({ path, name: path.slice(path.lastIndexOf('/') + 1), size: 1, type });
    const card = [entry('/V/1.MP4', 'video'), entry('/P/1.JPG', 'photo'), entry('/P/2.JPG', 'photo'), entry('/X/log.txt', 'other')];

    it('filters, orders newest first (camera order reversed) and limits', () => {
      assert.deepEqual(selectFiles(card, 'all', true, 0).map((e) => e.path), ['/X/log.txt', '/P/2.JPG', '/P/1.JPG', '/V/1.MP4']);
      assert.deepEqual(selectFiles(card, 'photo', false, 0).map((e) => e.path), ['/P/1.JPG', '/P/2.JPG']);
      assert.deepEqual(selectFiles(card, 'photo', true, 1).map((e) => e.path), ['/P/2.JPG']);
      assert.equal(card[0].path, '/V/1.MP4', 'the input is not reordered');
    });

    it('finds new files and names content types', () => {
      assert.deepEqual(newFiles(card.slice(0, 2), card).map((e) => e.path), ['/P/2.JPG', '/X/log.txt']);
      assert.equal(contentTypeOf('A.JPG'), 'image/jpeg');
      assert.equal(contentTypeOf('a.mp4'), 'video/mp4');
      assert.equal(contentTypeOf('a.bin'), 'application/octet-stream');
    });
  });

  describe('i18n', () => {
    it('uses the runtime catalogue under the explicit namespace when it has the key', () => {
      const seen: string[] = [];
      const translate = createTranslator({ _: (key: string) => (seen.push(key), 'bereit') } as unknown as NodeAPI);
      assert.equal(translate('status.ready'), 'bereit');
      assert.deepEqual(seen, [`${NAMESPACE}:status.ready`]);
    });

    it('falls back to the bundled en-US text, filling __placeholders__', () => {
      assert.equal(t('status.recording', { seconds: 12 }), 'recording 12 s');
      assert.equal(t('status.downloading', { percent: 45 }), 'downloading 45 %');
      assert.equal(t('no.such.key'), 'no.such.key');
    });
  });
});
