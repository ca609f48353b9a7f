/**
 * Annex-B splitting (H.264 B.1/B.2): one case table drives splitAnnexB and AnnexBSplitter, each
 * case also fed split at every byte offset and byte by byte; the real clip fed in pieces.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { AnnexBSplitter, splitAnnexB } from '../../../src/media/h264/annexb';
import { loadClip } from '../../helpers/clip';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (nalus: Buffer[]): string[] => nalus.map((n) => n.toString('hex'));

interface Case {
  name: string;
  stream: string;
  nalus: string[];
}

const CASES: Case[] = [
  { name: '4-byte start codes', stream: '00000001 6742 00000001 68ce 00000001 6588', nalus: ['6742', '68ce', '6588'] },
  { name: '3-byte start codes', stream: '000001 6742 000001 68ce', nalus: ['6742', '68ce'] },
  { name: 'mixed 3- and 4-byte start codes', stream: '000001 09f0 00000001 6742 000001 4101', nalus: ['09f0', '6742', '4101'] },
  { name: 'leading garbage is ignored', stream: 'ffee0001 0203 00000001 6742', nalus: ['6742'] },
  { name: 'trailing_zero_8bits are stripped', stream: '00000001 6742 0000 00000001 68ce 000000', nalus: ['6742', '68ce'] },
  { name: 'empty NAL units are skipped', stream: '00000001 00000001 000001 6742', nalus: ['6742'] },
  { name: 'emulation prevention stays in the NAL', stream: '000001 670000030001 000001 68', nalus: ['670000030001', '68'] },
  { name: 'interior zeros are kept', stream: '000001 6500000204 0000 0001 41', nalus: ['6500000204', '41'] },
  { name: 'no start code at all', stream: '6742c01e', nalus: [] },
  { name: 'only a start code', stream: '00000001', nalus: [] },
  { name: 'empty input', stream: '', nalus: [] },
];

function feed(splitter: AnnexBSplitter, pieces: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const piece of pieces) out.push(...splitter.push(piece));
  out.push(...splitter.flush());
  return out;
}

describe('media/h264/annexb', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const stream = hex(c.stream);

      it('splitAnnexB', () => {
        assert.deepEqual(toHex(splitAnnexB(stream)), c.nalus);
      });

      it('AnnexBSplitter, whole and split at every offset', () => {
        assert.deepEqual(toHex(feed(new AnnexBSplitter(), [stream])), c.nalus);
        for (let at = 0; at <= stream.length; at++) {
          const got = feed(new AnnexBSplitter(), [stream.subarray(0, at), stream.subarray(at)]);
          assert.deepEqual(toHex(got), c.nalus, `split at ${at}`);
        }
      });

      it('AnnexBSplitter, byte by byte', () => {
        const bytes = [...stream].map((b) => Buffer.from([b]));
        assert.deepEqual(toHex(feed(new AnnexBSplitter(), bytes)), c.nalus);
      });
    });
  }

  describe('on the committed clip', () => {
    it('finds SPS, PPS, SEI, then one slice per frame', () => {
      const { nalus } = loadClip();
      assert.equal(nalus.length, 63);
      assert.deepEqual(
        nalus.slice(0, 4).map((n) => n[0] & 0x1f),
        [7, 8, 6, 5],
      );
    });

    it('a small prefix split at every offset yields the same NAL units', () => {
      const prefix = loadClip().bytes.subarray(0, 1200); // SPS, PPS, SEI and the start of the IDR
      const expected = toHex(splitAnnexB(prefix));
      assert.equal(expected.length, 4);
      for (let at = 0; at <= prefix.length; at++) {
        const got = feed(new AnnexBSplitter(), [prefix.subarray(0, at), prefix.subarray(at)]);
        assert.deepEqual(toHex(got), expected, `split at ${at}`);
      }
    });

    it('the whole clip in 1000-byte datagrams yields the same NAL units as one buffer', () => {
      const { bytes, nalus } = loadClip();
      const pieces: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += 1000) pieces.push(bytes.subarray(at, at + 1000));
      const splitter = new AnnexBSplitter();
      const got = feed(splitter, pieces);
      assert.equal(got.length, nalus.length);
      got.forEach((nal, i) => assert.ok(nal.equals(nalus[i]), `NAL ${i}`));
      assert.equal(splitter.dropped, 0);
    });

    it('returns copies the caller owns', () => {
      const chunk = hex('00000001 6742 00000001');
      const [nal] = new AnnexBSplitter().push(chunk);
      chunk.fill(0xff);
      assert.equal(nal.toString('hex'), '6742');
    });
  });

  describe('bounded memory', () => {
    it('drops and counts a NAL unit over maxNalSize, keeps the next one', () => {
      const splitter = new AnnexBSplitter({ maxNalSize: 8 });
      const big = Buffer.alloc(20, 0x41);
      const got = feed(splitter, [hex('00000001'), big.subarray(0, 10), big.subarray(10), hex('00000001 6742')]);
      assert.deepEqual(toHex(got), ['6742']);
      assert.equal(splitter.dropped, 1);
    });

    it('keeps a NAL unit of exactly maxNalSize, whatever start code follows', () => {
      const splitter = new AnnexBSplitter({ maxNalSize: 4 });
      const got = feed(splitter, [hex('000001 41010203 00000001 41010203 000001 4101020304 000001 41')]);
      assert.deepEqual(toHex(got), ['41010203', '41010203', '41']);
      assert.equal(splitter.dropped, 1);
    });

    it('holds no more than maxNalSize bytes while an oversized NAL unit streams in', () => {
      const splitter = new AnnexBSplitter({ maxNalSize: 1000 });
      splitter.push(hex('00000001'));
      for (let i = 0; i < 100; i++) {
        splitter.push(Buffer.alloc(100, 0x41));
        assert.ok(splitter.buffered <= 1000 + 2, `buffered ${splitter.buffered}`);
      }
    });

    it('does not store a long run of zero bytes', () => {
      const splitter = new AnnexBSplitter({ maxNalSize: 100 });
      splitter.push(hex('00000001 41'));
      for (let i = 0; i < 100; i++) splitter.push(Buffer.alloc(1000));
      assert.ok(splitter.buffered <= 3);
      assert.deepEqual(toHex(splitter.flush()), ['41']);
    });

    it('rejects a maxNalSize that is not a positive integer', () => {
      assert.throws(() => new AnnexBSplitter({ maxNalSize: 0 }), BadInputError);
      assert.throws(() => new AnnexBSplitter({ maxNalSize: 1.5 }), BadInputError);
    });
  });

  describe('reset and flush', () => {
    it('reset() forgets a partial NAL unit and the bytes until the next start code', () => {
      const splitter = new AnnexBSplitter();
      splitter.push(hex('00000001 6742'));
      splitter.reset();
      assert.equal(splitter.buffered, 0);
      assert.deepEqual(toHex(feed(splitter, [hex('c01e 000001 68ce')])), ['68ce']);
    });

    it('flush() returns the last NAL unit and starts over', () => {
      const splitter = new AnnexBSplitter();
      assert.deepEqual(toHex(splitter.push(hex('000001 6742 00'))), []);
      assert.deepEqual(toHex(splitter.flush()), ['6742']);
      assert.deepEqual(toHex(splitter.flush()), []);
      assert.deepEqual(toHex(feed(splitter, [hex('aabb 000001 41')])), ['41']);
    });
  });
});
