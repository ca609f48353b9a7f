import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors';
import { FileListCollector, type FileListLimits } from '../../src/protocol/file-list-collector';
import { parseFileList, type FileListPart } from '../../src/protocol/file-list';
import { seededBytes } from '../helpers/random';

const ROOMY: FileListLimits = { maxBytes: 1 << 20, maxEntries: 10_000 };
const CAMERA = 'camera 192.168.100.1:6666';

/** `text` cut at the given offsets into parts of one list. */
function cut(text: string, offsets: number[]): FileListPart[] {
  const bounds = [0, ...offsets, text.length];
  const total = bounds.length - 1;
  return Array.from({ length: total }, (_, index) => ({ total, index, text: text.slice(bounds[index], bounds[index + 1]) }));
}

function collect(parts: FileListPart[], limits = ROOMY): FileListCollector {
  const collector = new FileListCollector(limits, CAMERA);
  parts.forEach((part, i) => assert.equal(collector.add(part), i === parts.length - 1, `complete after part ${i}`));
  return collector;
}

describe('protocol: FileListCollector (docs/PROTOCOL.md §2.7.1, issue 10 finding 1)', () => {
  const fixtures: Array<[string, string]> = [
    ['plain', '/DCIM/A.MP4:123456;/DCIM/B.JPG:2345;'],
    ['missing trailing ;', '/DCIM/A.MP4:1;/DCIM/B.JPG:2'],
    ['empty entries', ';;/A.MP4:1;;'],
    ['colon in the path', '/mnt/2019-01-01 12:00:00.MP4:77;/B.JPG:1;'],
    ['size 0 and no size', '/A.MP4:0;/B.MP4;'],
    ['NUL padding and line breaks', '/A.MP4:5;\r\n\0\0'],
    ['empty', ''],
  ];
  for (const [name, text] of fixtures) {
    it(`equals parseFileList of the joined text, split at every offset: ${name}`, () => {
      for (let at = 0; at <= text.length; at++) {
        assert.deepEqual(collect(cut(text, [at])).entries(), parseFileList(text), `split at ${at}`);
      }
      assert.deepEqual(collect(cut(text, [])).entries(), parseFileList(text));
    });
  }

  it('equals parseFileList for random lists cut into random parts', () => {
    const rnd = seededBytes(7);
    for (let round = 0; round < 200; round++) {
      const alphabet = '/A.:;1\0 ';
      const text = [...rnd(rnd(1)[0])].map((b) => alphabet[b % alphabet.length]).join('');
      const offsets = [...rnd(rnd(1)[0] % 6)].map((b) => b % (text.length + 1)).sort((a, b) => a - b);
      assert.deepEqual(collect(cut(text, offsets)).entries(), parseFileList(text), JSON.stringify({ text, offsets }));
    }
  });

  it('parses parts in index order whatever the arrival order, and as soon as they can be', () => {
    const text = '/DCIM/A.MP4:1;/DCIM/B.JPG:2;/DCIM/C.MP4:3;';
    const [p0, p1, p2] = cut(text, [10, 25]);
    const collector = new FileListCollector(ROOMY, CAMERA);
    assert.equal(collector.add(p2), false);
    assert.equal(collector.parsed, 0, 'a part that came early waits for its predecessors');
    assert.equal(collector.add(p0), false);
    assert.equal(collector.parsed, 0, '"/DCIM/A.M" is not an entry yet');
    assert.equal(collector.add(p1), true);
    assert.deepEqual(collector.entries(), parseFileList(text));
  });

  it('parses each part as it arrives: no string of the whole list is built', () => {
    const collector = new FileListCollector(ROOMY, CAMERA);
    collector.add({ total: 3, index: 0, text: '/A.JPG:1;/B.JPG:2;/C.J' });
    assert.equal(collector.parsed, 2);
    collector.add({ total: 3, index: 1, text: 'PG:3;' });
    assert.deepEqual(collector.entries().map((e) => e.path), ['/A.JPG', '/B.JPG', '/C.JPG']);
  });

  it('restarts when the part count changes; a repeated part keeps the first copy', () => {
    const collector = new FileListCollector(ROOMY, CAMERA);
    collector.add({ total: 2, index: 0, text: '/OLD.JPG:1;' });
    assert.equal(collector.add({ total: 2, index: 0, text: '/REPEAT.JPG:1;' }), false);
    assert.equal(collector.add({ total: 1, index: 0, text: '/A.MP4:1;' }), true);
    assert.deepEqual(collector.entries().map((e) => e.path), ['/A.MP4']);
  });

  it('refuses more bytes than maxBytes, counting repeats and restarts, with an error naming the camera and the cap', () => {
    const collector = new FileListCollector({ maxBytes: 100, maxEntries: 1000 }, CAMERA);
    collector.add({ total: 3, index: 0, text: 'x'.repeat(40) });
    collector.add({ total: 3, index: 0, text: 'x'.repeat(40) }); // a repeat still costs its bytes
    assert.throws(
      () => collector.add({ total: 2, index: 0, text: 'x'.repeat(21) }),
      (err: unknown) =>
        err instanceof ProtocolError &&
        err.message === `${CAMERA} sent a file list of more than 100 bytes, the cap (a real card's list is far smaller): the list was refused`,
    );
  });

  it('accepts exactly maxBytes and maxEntries', () => {
    const text = '/A.JPG:1;'.repeat(10);
    assert.equal(collect(cut(text, [45]), { maxBytes: text.length, maxEntries: 10 }).entries().length, 10);
  });

  it('refuses more entries than maxEntries, counted as the parts are parsed', () => {
    const collector = new FileListCollector({ maxBytes: 1 << 20, maxEntries: 3 }, CAMERA);
    collector.add({ total: 2, index: 0, text: '/A:1;/B:1;/C:1;' });
    assert.throws(
      () => collector.add({ total: 2, index: 1, text: '/D:1;' }),
      (err: unknown) => err instanceof ProtocolError && err.message.startsWith(`${CAMERA} sent a file list of more than 3 entries, the cap`),
    );
  });

  it('an entry longer than a part (no ";" for several parts) is joined once', () => {
    const long = `/${'d'.repeat(200)}/F.MP4`;
    const text = `${long}:9;/B.JPG:1;`;
    assert.deepEqual(collect(cut(text, [50, 100, 150])).entries(), parseFileList(text));
  });
});
