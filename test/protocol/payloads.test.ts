import assert from 'node:assert/strict';
import { BadInputError, ProtocolError } from '../../src/errors';
import {
  decodeFileListPart,
  encodeFileListPart,
  FileListAssembler,
  fileTypeOf,
  formatFileList,
  parseFileList,
} from '../../src/protocol/file-list';
import { encodeFirmware, parseFirmware } from '../../src/protocol/firmware';
import { decodeRecordPayload, encodeLoginPayload, encodeRecordPayload } from '../../src/protocol/payloads';
import { encodeDiscoveryRequest, isDiscoveryRequest, parseDiscoveryReply } from '../../src/protocol/discovery';
import { seededBytes } from '../helpers/random';

const XPRO2_WORDS = [1, 0, 0, 1, 1, 4, 0, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 8, 0, 0];

describe('protocol: payloads', () => {
  describe('login (docs/PROTOCOL.md §2.4)', () => {
    it('puts the username at 0 and the password at 64, NUL padded', () => {
      const p = encodeLoginPayload('admin', '12345');
      assert.equal(p.length, 128);
      assert.equal(p.subarray(0, 5).toString(), 'admin');
      assert.equal(p.subarray(64, 69).toString(), '12345');
      assert.ok(p.subarray(5, 64).every((b) => b === 0));
      assert.ok(p.subarray(69).every((b) => b === 0));
    });
    it('accepts 64-character fields and rejects longer or non-ASCII ones', () => {
      assert.equal(encodeLoginPayload('u'.repeat(64), 'p'.repeat(64)).length, 128);
      assert.throws(() => encodeLoginPayload('u'.repeat(65), ''), /username is longer than 64/);
      assert.throws(() => encodeLoginPayload('admin', 'pässword'), BadInputError);
    });
  });

  it('record payload round-trips and rejects other values (§2.7.4)', () => {
    assert.equal(decodeRecordPayload(encodeRecordPayload(true)), true);
    assert.equal(decodeRecordPayload(encodeRecordPayload(false)), false);
    assert.equal(decodeRecordPayload(Buffer.from([2, 0, 0, 0])), undefined);
    assert.equal(decodeRecordPayload(Buffer.alloc(2)), undefined);
  });

  describe('file list (§2.7.1)', () => {
    const cases: Array<{ name: string; text: string; expect: Array<[string, number]> }> = [
      { name: 'plain', text: '/DCIM/A.MP4:123456;/DCIM/B.JPG:2345;', expect: [['/DCIM/A.MP4', 123456], ['/DCIM/B.JPG', 2345]] },
      { name: 'missing trailing ;', text: '/DCIM/A.MP4:1;/DCIM/B.JPG:2', expect: [['/DCIM/A.MP4', 1], ['/DCIM/B.JPG', 2]] },
      { name: 'empty entries', text: ';;/A.MP4:1;;', expect: [['/A.MP4', 1]] },
      { name: 'colon in the path', text: '/mnt/2019-01-01 12:00:00.MP4:77;', expect: [['/mnt/2019-01-01 12:00:00.MP4', 77]] },
      { name: 'size 0 kept', text: '/A.MP4:0;', expect: [['/A.MP4', 0]] },
      { name: 'no size', text: '/A.MP4;', expect: [['/A.MP4', 0]] },
      { name: 'NUL padding and line breaks', text: '/A.MP4:5;\r\n\0\0', expect: [['/A.MP4', 5]] },
      { name: 'empty', text: '', expect: [] },
    ];
    for (const c of cases) {
      it(`parses: ${c.name}`, () => {
        assert.deepEqual(parseFileList(c.text).map((e) => [e.path, e.size]), c.expect);
      });
    }
    it('derives name and type', () => {
      assert.deepEqual(parseFileList('/DCIM/MOVIE/VID_0001.MP4:9;/DCIM/PHOTO/IMG_1.jpg:3;/x/log.txt:1;'), [
        { path: '/DCIM/MOVIE/VID_0001.MP4', name: 'VID_0001.MP4', size: 9, type: 'video' },
        { path: '/DCIM/PHOTO/IMG_1.jpg', name: 'IMG_1.jpg', size: 3, type: 'photo' },
        { path: '/x/log.txt', name: 'log.txt', size: 1, type: 'other' },
      ]);
      assert.equal(fileTypeOf('a.MOV'), 'video');
    });
    it('formats what it parses', () => {
      const text = '/A.MP4:1;/B.JPG:2;';
      assert.equal(formatFileList(parseFileList(text)), text);
    });
    it('assembles parts by index, not arrival order', () => {
      const text = '/DCIM/A.MP4:1;/DCIM/B.JPG:2;/DCIM/C.MP4:3;';
      const parts = [text.slice(0, 10), text.slice(10, 25), text.slice(25)].map((t, index) =>
        decodeFileListPart(encodeFileListPart({ total: 3, index, text: t })),
      );
      const asm = new FileListAssembler();
      assert.equal(asm.add(parts[2]), false);
      assert.equal(asm.add(parts[0]), false);
      assert.equal(asm.add(parts[1]), true);
      assert.equal(asm.text(), text);
    });
    it('restarts when the part count changes', () => {
      const asm = new FileListAssembler();
      asm.add({ total: 2, index: 0, text: 'old' });
      assert.equal(asm.add({ total: 1, index: 0, text: '/A.MP4:1;' }), true);
      assert.equal(asm.text(), '/A.MP4:1;');
    });
    it('rejects impossible part headers with ProtocolError', () => {
      assert.throws(() => decodeFileListPart(Buffer.alloc(7)), ProtocolError);
      assert.throws(() => decodeFileListPart(encodeFileListPart({ total: 0, index: 0, text: '' })), /part count 0/);
      assert.throws(() => decodeFileListPart(encodeFileListPart({ total: 2, index: 2, text: '' })), /index 2/);
      assert.throws(() => decodeFileListPart(encodeFileListPart({ total: 1e6, index: 0, text: '' })), ProtocolError);
    });
  });

  describe('firmware (§2.7.2)', () => {
    it('parses the XPro2 block: 20 words then the version at offset 80', () => {
      const payload = encodeFirmware('v1.0 rc5', XPRO2_WORDS);
      assert.equal(payload.length, 112);
      const info = parseFirmware(payload);
      assert.equal(info.version, 'v1.0 rc5');
      assert.deepEqual(info.words, XPRO2_WORDS);
      assert.equal(info.raw, payload.toString('hex'));
    });
    it('falls back to printable text for other layouts', () => {
      const info = parseFirmware(Buffer.concat([Buffer.from([1, 0, 0, 0, 9]), Buffer.from('FW-2.3.1'), Buffer.from([0, 7])]));
      assert.equal(info.version, 'FW-2.3.1');
      assert.deepEqual(info.words, [1, 0x2d574609, 0x2e332e32]);
    });
    it('returns an empty version rather than garbage', () => {
      assert.equal(parseFirmware(Buffer.from([0, 1, 2, 0x41, 0x42, 3])).version, '');
      assert.equal(parseFirmware(Buffer.alloc(0)).version, '');
    });
  });

  describe('discovery (§3)', () => {
    it('builds the documented request and recognises it', () => {
      assert.equal(encodeDiscoveryRequest().toString('hex'), 'abcd000000000114');
      assert.ok(isDiscoveryRequest(encodeDiscoveryRequest()));
      assert.ok(!isDiscoveryRequest(Buffer.from('abcd000000000115', 'hex')));
    });
    it('reports type, a printable serial and the raw hex of a reply', () => {
      const reply = Buffer.concat([Buffer.from('abcd001000000115', 'hex'), Buffer.from('SIMCAM-0a1b2c'), Buffer.from([0, 1, 2, 3])]);
      assert.deepEqual(parseDiscoveryReply(reply), { type: 0x0115, serial: 'SIMCAM-0a1b2c', raw: reply.toString('hex') });
    });
    it('tolerates replies without a header or serial', () => {
      assert.deepEqual(parseDiscoveryReply(Buffer.from([1, 2, 3])), { raw: '010203' });
    });
  });

  it('random payloads never throw anything but ProtocolError', () => {
    const rnd = seededBytes(42);
    for (let i = 0; i < 2000; i++) {
      const p = rnd(rnd(1)[0]);
      parseFirmware(p);
      parseDiscoveryReply(p);
      parseFileList(p.toString('latin1'));
      try {
        decodeFileListPart(p);
      } catch (err) {
        assert.ok(err instanceof ProtocolError, String(err));
      }
    }
  });
});
