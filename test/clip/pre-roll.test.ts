/**
 * The pre-roll ring (src/clip/pre-roll.ts) from tables of frame patterns: it starts at a keyframe,
 * keeps the last keyframe at or before (end − N s), drops whole GOPs for the byte bound and the GOP
 * length bound, empties on clear(), works across the 2^32 wrap, and stores each frame as an exactly
 * sized MP4 sample of its own.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { avccSample } from '../../src/media/mp4/sample-data';
import { clipFrame, PreRollRing, type ClipFrame } from '../../src/clip/pre-roll';
import { CLIP_FRAME_TICKS, loadClip } from '../helpers/clip';

const TICKS = CLIP_FRAME_TICKS; // 6000: 15 fps

/**
 * Frames from a pattern: 'K' keyframe, 'p' other frame; each `bytes` long, TICKS apart from `first`.
 * The frame's index in the pattern is its receivedAt, so a test can read back which frames are held.
 */
function frames(pattern: string, bytes = 100, first = 0): ClipFrame[] {
  return [...pattern.replace(/\s+/g, '')].map((c, i) => ({
    sample: Buffer.alloc(bytes, i & 0xff),
    timestamp: (first + i * TICKS) % 2 ** 32,
    keyframe: c === 'K',
    receivedAt: i,
  }));
}

function fill(ring: PreRollRing, list: ClipFrame[]): number[] {
  for (const f of list) ring.push(f);
  return ring.frames().map((f) => f.receivedAt);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** 15 fps with a keyframe every second (the committed clip's structure). */
const gops = (seconds: number, extra = 0): string => `${'Kpppppppppppppp'.repeat(seconds)}${'K' + 'p'.repeat(Math.max(0, extra - 1))}`.slice(0, seconds * 15 + extra);

describe('clip/pre-roll: PreRollRing', () => {
  const CASES: Array<{ name: string; seconds: number; pattern: string; held: number[]; span?: number }> = [
    { name: 'frames before the first keyframe are dropped', seconds: 5, pattern: 'ppp Kpp', held: [3, 4, 5], span: 0.2 },
    { name: 'less than the window: everything from the first keyframe', seconds: 5, pattern: gops(2), held: range(0, 29), span: 2 },
    { name: '4 s at 1 s window: the last full second', seconds: 1, pattern: gops(4), held: range(45, 59), span: 1 },
    { name: 'mid-GOP: back to the keyframe at or before end − N', seconds: 1, pattern: gops(3, 6), held: range(30, 50), span: 21 / 15 },
    { name: 'window 0 keeps the GOP in progress', seconds: 0, pattern: gops(3, 4), held: range(45, 48) },
    { name: 'a window of exactly two GOPs', seconds: 2, pattern: gops(5), held: range(45, 74), span: 2 },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const ring = new PreRollRing({ seconds: c.seconds });
      assert.deepEqual(fill(ring, frames(c.pattern)), c.held);
      assert.equal(ring.length, c.held.length);
      assert.equal(ring.bytes, c.held.length * 100);
      assert.equal(ring.frames()[0].keyframe, true, 'starts at a keyframe');
      if (c.span !== undefined) assert.ok(Math.abs(ring.seconds - c.span) < 1e-9, `span ${ring.seconds}`);
    });
  }

  it('the byte bound drops whole GOPs from the front', () => {
    const ring = new PreRollRing({ seconds: 10, maxBytes: 15 * 100 * 2 + 50 });
    assert.deepEqual(fill(ring, frames(gops(4))), range(30, 59));
    assert.ok(ring.bytes <= ring.maxBytes);
    assert.equal(ring.stats.overflows, 0);
  });

  it('one GOP over the byte bound empties the ring until the next keyframe', () => {
    const ring = new PreRollRing({ seconds: 10, maxBytes: 1000 });
    const list = frames(`K${'p'.repeat(14)}Kpp`);
    for (const f of list.slice(0, 10)) ring.push(f); // 1000 bytes: fits
    assert.equal(ring.length, 10);
    assert.equal(ring.push(list[10]), false, 'the 11th frame breaks the bound');
    assert.equal(ring.length, 0);
    assert.equal(ring.stats.overflows, 1);
    for (const f of list.slice(11, 15)) assert.equal(ring.push(f), false, 'waits for a keyframe');
    assert.deepEqual(fill(ring, list.slice(15)), [15, 16, 17]);
    assert.equal(ring.stats.waitingForKeyframe, 4);
  });

  it('a GOP longer than maxGopSeconds is dropped: the ring spans at most N + maxGop', () => {
    const ring = new PreRollRing({ seconds: 1, maxGopSeconds: 2 });
    const list = frames(`K${'p'.repeat(60)}`); // one keyframe, then 4 s of frames
    fill(ring, list.slice(0, 46)); // the newest frame starts 3 s (N + maxGop) after the keyframe: still kept
    assert.equal(ring.length, 46);
    ring.push(list[46]);
    assert.equal(ring.length, 0);
    assert.equal(ring.stats.overflows, 1);
  });

  it('a long GOP with a newer keyframe behind it drops only the old GOP', () => {
    const ring = new PreRollRing({ seconds: 1, maxGopSeconds: 1 });
    // keyframe 0, then 30 frames (2 s) to the next keyframe at 30, then 5 frames
    assert.deepEqual(fill(ring, frames(`K${'p'.repeat(29)}Kpppp`)), range(30, 34));
  });

  it('clear() forgets everything and the next frames wait for a keyframe', () => {
    const ring = new PreRollRing({ seconds: 5 });
    const list = frames(gops(2, 3));
    fill(ring, list.slice(0, 20));
    ring.clear();
    assert.deepEqual([ring.length, ring.bytes, ring.seconds], [0, 0, 0]);
    assert.deepEqual(fill(ring, list.slice(20)), range(30, 32));
  });

  it('measures time across the 2^32 wrap of the 90 kHz stamps', () => {
    const ring = new PreRollRing({ seconds: 1 });
    assert.deepEqual(fill(ring, frames(gops(4), 100, 2 ** 32 - 20 * TICKS)), range(45, 59));
    assert.ok(Math.abs(ring.seconds - 1) < 1e-9);
  });

  it('refuses a pre-roll outside 0..60 s', () => {
    for (const seconds of [-1, 61, NaN, Infinity]) assert.throws(() => new PreRollRing({ seconds }), BadInputError);
  });

  it('clipFrame: the MP4 sample of the access unit in a buffer of its own, parameter sets on keyframes only', () => {
    const clip = loadClip();
    for (const au of clip.accessUnits.slice(0, 20)) {
      const frame = clipFrame(au, 1234, clip.parameterSets);
      assert.deepEqual(frame.sample, avccSample(au.nalus));
      assert.equal(frame.sample.byteOffset, 0);
      assert.equal(frame.sample.buffer.byteLength, frame.sample.length, 'not a slice of a pool slab');
      assert.equal(frame.params, au.keyframe ? clip.parameterSets : undefined);
      assert.equal(frame.receivedAt, 1234);
    }
  });
});
