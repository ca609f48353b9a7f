import assert from 'node:assert/strict';
import { PreviewClock } from '../../src/preview/clock';
import { RateMeter } from '../../src/preview/rate';
import { SequenceTracker, SequenceVerdict } from '../../src/preview/sequence';

describe('preview: SequenceTracker (RFC 3550 A.1 rules on the 16-bit preview sequence)', () => {
  const cases: Array<{ name: string; seqs: number[]; want: Array<SequenceVerdict['kind'] | `gap ${number}`> }> = [
    { name: 'in order', seqs: [5, 6, 7], want: ['first', 'next', 'next'] },
    { name: 'wrap at 65535', seqs: [65534, 65535, 0, 1], want: ['first', 'next', 'next', 'next'] },
    { name: 'gap', seqs: [10, 11, 14], want: ['first', 'next', 'gap 2'] },
    { name: 'gap across the wrap', seqs: [65535, 2], want: ['first', 'gap 2'] },
    { name: 'late and duplicate', seqs: [10, 12, 11, 12], want: ['first', 'gap 1', 'late', 'late'] },
    { name: 'late across the wrap', seqs: [0, 65535], want: ['first', 'late'] },
    { name: 'restart confirmed by the next', seqs: [40000, 40001, 0, 1, 2], want: ['first', 'next', 'jump', 'restart', 'next'] },
    { name: 'a stray jump is discarded', seqs: [100, 101, 9000, 102], want: ['first', 'next', 'jump', 'next'] },
    { name: 'largest gap that is loss', seqs: [0, 3000], want: ['first', 'gap 2999'] },
    { name: 'one further is a jump', seqs: [0, 3001], want: ['first', 'jump'] },
    { name: 'furthest behind that is late', seqs: [200, 101], want: ['first', 'late'] },
    { name: 'one further is a jump too', seqs: [200, 100], want: ['first', 'jump'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = new SequenceTracker();
      const got = c.seqs.map((s) => {
        const v = t.track(s);
        return v.kind === 'gap' ? `gap ${v.lost}` : v.kind;
      });
      assert.deepEqual(got, c.want);
    });
  }

  it('reset() starts over', () => {
    const t = new SequenceTracker();
    t.track(1);
    t.reset();
    assert.equal(t.track(500).kind, 'first');
  });
});

describe('preview: PreviewClock (elapsed ms -> 90 kHz, docs/PROTOCOL.md §4.3)', () => {
  it('is (elapsed * 90) mod 2^32 exactly', () => {
    const table: Array<[number, number]> = [
      [0, 0],
      [67, 6030],
      [47721858, 4294967220],
      [47721859, 14], // 4294967310 - 2^32: the wrap that crashed xpro-rtp after 13.3 h
      [2 ** 32 - 1, 2 ** 32 - 90],
    ];
    for (const [ms, ticks] of table) assert.equal(new PreviewClock().toTicks(ms), ticks, `${ms} ms`);
  });

  it('runs on seamlessly through both wraps (2^32/90 ms and the camera counter at 2^32 ms)', () => {
    for (const [elapsed, ticks] of [
      [[47721800, 47721858, 47721900], [4294962000, 4294967220, 3704]],
      [[2 ** 32 - 50, 2 ** 32 - 1, 0, 49], [2 ** 32 - 4500, 2 ** 32 - 90, 0, 4410]],
    ]) {
      const clock = new PreviewClock();
      assert.deepEqual(elapsed.map((ms) => clock.toTicks(ms)), ticks);
      assert.equal(clock.rebases, 0, 'wrapping forward is not a restart');
    }
  });

  it('rebases when the camera clock goes backwards, continuing one frame after the last stamp', () => {
    const clock = new PreviewClock();
    assert.equal(clock.toTicks(1000), 90000);
    assert.equal(clock.toTicks(1100), 99000);
    assert.equal(clock.toTicks(0), 108000, 'one 100 ms frame later');
    assert.equal(clock.toTicks(100), 117000);
    assert.equal(clock.rebases, 1);
  });

  it('uses the nominal frame duration when no spacing was seen, and ignores outage-sized gaps', () => {
    const clock = new PreviewClock(6000);
    const first = clock.toTicks(5000);
    assert.equal(clock.toTicks(0), first + 6000);
    const afterOutage = clock.toTicks(60000); // a 60 s gap is an outage, not a frame duration
    assert.equal(clock.toTicks(0), afterOutage + 6000);
    assert.equal(clock.rebases, 2);
  });
});

describe('preview: RateMeter', () => {
  it('counts events in the last window', () => {
    const m = new RateMeter(1000, 8);
    assert.equal(m.rate(0), 0);
    for (let t = 0; t < 1000; t += 200) m.mark(t);
    assert.equal(m.rate(999), 5);
    assert.equal(m.rate(1100), 4);
    assert.equal(m.rate(5000), 0);
  });

  it('is bounded by its capacity', () => {
    const m = new RateMeter(1000, 4);
    for (let t = 0; t < 100; t++) m.mark(t);
    assert.equal(m.rate(100), 4);
  });
});
