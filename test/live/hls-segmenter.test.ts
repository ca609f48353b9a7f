/**
 * The HLS segmenter and playlist (src/live/hls-segmenter.ts, playlist.ts): where segments end (a
 * keyframe after the target, the maximum without one, a gap, new parameter sets, the byte bound),
 * their exact durations, the bounded window, discontinuities and EXT-X-MAP, and the playlist text.
 * Pure: frames are made by hand with 90 kHz decode times.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { HlsSegmenter, type HlsFrame, type HlsSegment } from '../../src/live/hls-segmenter';
import { parseMediaName, renderPlaylist } from '../../src/live/playlist';

const MS = 90;

/** `count` frames `stepMs` apart from `startMs`, a keyframe every `gop` frames (first one included). */
function frames(count: number, opts: { stepMs?: number; gop?: number; startMs?: number; initVersion?: number; bytes?: number } = {}): HlsFrame[] {
  const { stepMs = 1000 / 15, gop = 15, startMs = 0, initVersion = 1, bytes = 100 } = opts;
  return Array.from({ length: count }, (_, i) => ({
    fragment: Buffer.alloc(bytes, i & 0xff),
    decodeTime: Math.round((startMs + i * stepMs) * MS),
    keyframe: i % gop === 0,
    initVersion,
  }));
}

function feed(seg: HlsSegmenter, input: HlsFrame[]): HlsSegment[] {
  const out: HlsSegment[] = [];
  for (const f of input) {
    const done = seg.add(f);
    if (done) out.push(done);
  }
  return out;
}

describe('live/hls-segmenter', () => {
  it('rejects an option that is not a positive number with a BadInputError naming it', () => {
    for (const [name, value] of [['segmentTargetMs', 0], ['segmentMaxMs', -1], ['maxFrameGapMs', NaN], ['playlistSegments', Infinity], ['maxSegmentBytes', 0]] as const) {
      assert.throws(() => new HlsSegmenter({ [name]: value }), (err: unknown) => err instanceof BadInputError && err.message === `hls: ${name} must be a positive number, got ${value}`);
    }
  });

  it('cuts 1 s segments at the keyframes of a 1 s GOP, each with its exact duration and fragments', () => {
    const seg = new HlsSegmenter();
    const done = feed(seg, frames(61));
    assert.equal(done.length, 4);
    for (const [i, s] of done.entries()) {
      assert.equal(s.sequence, i);
      assert.equal(s.fragments.length, 15);
      assert.equal(s.bytes, 1500);
      assert.equal(s.duration, 90000);
      assert.equal(s.startTime, i * 90000);
      assert.equal(s.independent, true);
      assert.equal(s.discontinuity, false);
    }
    assert.equal(seg.targetDuration, 1);
  });

  it('waits for the keyframe after the target: a 1.2 s GOP gives 1.2 s segments', () => {
    const seg = new HlsSegmenter();
    const done = feed(seg, frames(18 * 3 + 1, { gop: 18 }));
    assert.deepEqual(done.map((s) => s.duration), [108000, 108000, 108000]);
    assert.ok(done.every((s) => s.independent));
  });

  it('cuts a long GOP before segmentMaxMs, so no segment rounds above TARGETDURATION 1', () => {
    const seg = new HlsSegmenter();
    const done = feed(seg, frames(15 * 6 + 1, { gop: 30 })); // an IDR every 2 s
    assert.ok(done.length >= 4);
    for (const s of done) assert.ok(s.duration <= 1400 * MS, `segment ${s.sequence} lasts ${s.duration / MS} ms`);
    assert.ok(done.some((s) => !s.independent), 'some segments start without a keyframe');
    assert.equal(done[0].independent, true);
  });

  it('ends a segment at a gap with a one-step last duration and marks the next one discontinuous', () => {
    const seg = new HlsSegmenter();
    const before = frames(10);
    const after = frames(31, { startMs: 10 * (1000 / 15) + 3000 }); // 3 s of silence
    const done = feed(seg, [...before, ...after]);
    assert.equal(done[0].fragments.length, 10);
    assert.equal(done[0].duration, 10 * 6000);
    assert.equal(done[1].discontinuity, true);
    assert.equal(done[1].discontinuities, 1);
    assert.equal(done[1].startTime, after[0].decodeTime);
    assert.equal(done[2].discontinuity, false);
  });

  it('starts a new segment, discontinuous, when the init segment changes', () => {
    const seg = new HlsSegmenter();
    const done = feed(seg, [...frames(8), ...frames(31, { startMs: 8 * (1000 / 15), initVersion: 2 })]);
    assert.equal(done[0].initVersion, 1);
    assert.equal(done[0].fragments.length, 8);
    assert.equal(done[1].initVersion, 2);
    assert.equal(done[1].discontinuity, true);
    assert.deepEqual([...seg.initVersionsInUse()].sort(), [1, 2]);
  });

  it('never lets a segment pass maxSegmentBytes', () => {
    const seg = new HlsSegmenter({ maxSegmentBytes: 1000 });
    const done = feed(seg, frames(40, { bytes: 300 }));
    assert.ok(done.every((s) => s.bytes <= 1000));
    assert.ok(done.length >= 12);
  });

  it('keeps playlistSegments + retainedSegments finished segments and finds them by sequence', () => {
    const seg = new HlsSegmenter({ playlistSegments: 3, retainedSegments: 2 });
    feed(seg, frames(15 * 20 + 1));
    assert.equal(seg.segments.length, 5);
    assert.deepEqual(seg.segments.map((s) => s.sequence), [15, 16, 17, 18, 19]);
    assert.deepEqual(seg.listed().map((s) => s.sequence), [17, 18, 19]);
    assert.equal(seg.segment(14), undefined, 'out of the retained window');
    assert.equal(seg.segment(15)?.sequence, 15);
    assert.equal(seg.segment(20), undefined, 'not finished yet');
  });

  it('flush() finishes the segment being built (the camera stalled) and the next is discontinuous', () => {
    const seg = new HlsSegmenter();
    feed(seg, frames(5));
    const flushed = seg.flush();
    assert.equal(flushed?.fragments.length, 5);
    assert.equal(flushed?.duration, 5 * 6000);
    assert.equal(seg.flush(), undefined);
    const done = feed(seg, frames(16, { startMs: 60_000 }));
    assert.equal(done[0].discontinuity, true);
  });

  it('refuses a maximum below the target', () => {
    assert.throws(() => new HlsSegmenter({ segmentTargetMs: 2000, segmentMaxMs: 1000 }), /below/);
  });
});

describe('live/playlist', () => {
  it('lists the window with MAP, EXTINF, DISCONTINUITY and the sequence numbers (RFC 8216)', () => {
    const seg = new HlsSegmenter({ playlistSegments: 3 });
    feed(seg, [...frames(30), ...frames(46, { startMs: 2000, initVersion: 2 })]);
    const text = renderPlaylist(seg.targetDuration, seg.listed());
    assert.equal(
      text,
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:1',
        '#EXT-X-MEDIA-SEQUENCE:2',
        '#EXT-X-DISCONTINUITY-SEQUENCE:1',
        '#EXT-X-MAP:URI="init-2.mp4"',
        '#EXTINF:1.000,',
        'seg-2.m4s',
        '#EXTINF:1.000,',
        'seg-3.m4s',
        '#EXTINF:1.000,',
        'seg-4.m4s',
        '',
      ].join('\n'),
    );
  });

  it('repeats EXT-X-MAP after a discontinuity with new parameter sets', () => {
    const seg = new HlsSegmenter({ playlistSegments: 6 });
    feed(seg, [...frames(30), ...frames(31, { startMs: 2000, initVersion: 2 })]);
    const text = renderPlaylist(seg.targetDuration, seg.listed());
    assert.match(text, /#EXT-X-MAP:URI="init-1.mp4"\n#EXTINF:1.000,\nseg-0.m4s\n#EXTINF:1.000,\nseg-1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-2.mp4"\n#EXTINF:1.000,\nseg-2.m4s/);
    assert.doesNotMatch(text, /DISCONTINUITY-SEQUENCE/);
  });

  it('is a valid empty live playlist before the first segment', () => {
    assert.equal(renderPlaylist(1, []), '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n');
  });

  it('parses only its own media names', () => {
    assert.deepEqual(parseMediaName('init-3.mp4'), { kind: 'init', number: 3 });
    assert.deepEqual(parseMediaName('seg-42.m4s'), { kind: 'segment', number: 42 });
    for (const bad of ['seg-1.mp4', 'init-1.m4s', 'seg-.m4s', '../seg-1.m4s', 'seg-1.m4s?x', 'seg-1234567890123456.m4s']) {
      assert.equal(parseMediaName(bad), undefined, bad);
    }
  });
});
