/**
 * The live fragmenter's duration rule (live-fragmenter.ts): every frame becomes one fragment at
 * once; tfdt is the exact unwrapped decode time, the duration is the step that led to the frame
 * (nominal for the first, the last good step after a restart); sequence numbers count from 1.
 */
import * as assert from 'node:assert/strict';
import { LiveFragmenter } from '../../../src/media/mp4/live-fragmenter';
import { SampleFlags } from '../../../src/media/mp4/media-segment';
import type { AccessUnit } from '../../../src/media/types';
import { loadClip } from '../../helpers/clip';
import { findBox, fullBox, parseBoxes, u32s } from '../../helpers/mp4-boxes';

interface Fragment {
  sequence: number;
  decodeTime: number;
  duration: number;
  flags: number;
}

function read(fragment: Buffer): Fragment {
  const boxes = parseBoxes(fragment);
  const trun = fullBox(findBox(boxes, 'moof/traf/trun')).body;
  const [, , duration, , flags] = u32s(trun, 0, 5);
  return {
    sequence: fullBox(findBox(boxes, 'moof/mfhd')).body.readUInt32BE(0),
    decodeTime: Number(fullBox(findBox(boxes, 'moof/traf/tfdt')).body.readBigUInt64BE(0)),
    duration,
    flags,
  };
}

const TABLE: Array<{ name: string; timestamps: number[]; decodeTimes: number[]; durations: number[] }> = [
  { name: 'steady 15 fps', timestamps: [0, 6000, 12000], decodeTimes: [0, 6000, 12000], durations: [6000, 6000, 6000] },
  { name: 'jitter: each frame gets the step before it', timestamps: [0, 6000, 12500, 18500], decodeTimes: [0, 6000, 12500, 18500], durations: [6000, 6000, 6500, 6000] },
  { name: '30 fps: nominal first, then the real step', timestamps: [0, 3000, 6000], decodeTimes: [0, 3000, 6000], durations: [6000, 3000, 3000] },
  { name: 'across 2^32', timestamps: [2 ** 32 - 3000, 0, 3000], decodeTimes: [0, 3000, 6000], durations: [6000, 3000, 3000] },
  { name: 'a restart keeps the timeline going one frame on', timestamps: [0, 3000, 6000, 0, 3000], decodeTimes: [0, 3000, 6000, 9000, 12000], durations: [6000, 3000, 3000, 3000, 3000] },
];

describe('media/mp4/live-fragmenter', () => {
  const nalus = loadClip().accessUnits[1].nalus;

  for (const c of TABLE) {
    it(c.name, () => {
      const f = new LiveFragmenter();
      const out = c.timestamps.map((timestamp, i) => read(f.push({ nalus, timestamp, keyframe: i === 0 })));
      assert.deepEqual(out.map((o) => o.decodeTime), c.decodeTimes);
      assert.deepEqual(out.map((o) => o.duration), c.durations);
      assert.deepEqual(out.map((o) => o.sequence), c.timestamps.map((_, i) => i + 1));
      assert.deepEqual(out.map((o) => o.flags), c.timestamps.map((_, i) => (i === 0 ? SampleFlags.keyframe : SampleFlags.other)));
      assert.equal(f.sequenceNumber, c.timestamps.length);
      assert.equal(f.decodeTime, c.decodeTimes[c.decodeTimes.length - 1]);
    });
  }

  it('nominalFrameTicks and trackId options', () => {
    const f = new LiveFragmenter({ nominalFrameTicks: 3750, trackId: 3 });
    const fragment = f.push({ nalus, timestamp: 42, keyframe: false });
    assert.equal(read(fragment).duration, 3750);
    assert.equal(fullBox(findBox(parseBoxes(fragment), 'moof/traf/tfhd')).body.readUInt32BE(0), 3);
  });

  it('the whole clip: 60 fragments whose decode times advance by 6000 and match the clip', () => {
    const f = new LiveFragmenter();
    const clip = loadClip();
    clip.accessUnits.forEach((au: AccessUnit, i) => {
      const o = read(f.push(au));
      assert.equal(o.decodeTime, i * 6000);
      assert.equal(o.flags === SampleFlags.keyframe, au.keyframe);
    });
    assert.equal(f.restarts, 0);
  });

  it('a bad timestamp throws and leaves the sequence where it was', () => {
    const f = new LiveFragmenter();
    f.push({ nalus, timestamp: 0, keyframe: true });
    assert.throws(() => f.push({ nalus, timestamp: -1, keyframe: false }));
    assert.equal(read(f.push({ nalus, timestamp: 6000, keyframe: false })).sequence, 2);
  });
});
