import assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { Backoff } from '../../src/session/backoff';

describe('session/Backoff', () => {
  const cases: Array<{ random: number; delays: number[] }> = [
    // ceilings 1000, 2000, 4000, 8000, 16000, 30000 (capped), 30000
    { random: 0, delays: [1000, 1000, 1000, 1000, 1000, 1000, 1000] },
    { random: 0.5, delays: [1000, 1500, 2500, 4500, 8500, 15500, 15500] },
    { random: 1, delays: [1000, 2000, 4000, 8000, 16000, 30000, 30000] },
  ];
  for (const { random, delays } of cases) {
    it(`random() = ${random} gives ${delays.join(', ')}`, () => {
      const b = new Backoff({ minMs: 1000, maxMs: 30000, random: () => random });
      assert.deepEqual(
        delays.map(() => b.next()),
        delays,
      );
      assert.equal(b.attempts, delays.length);
    });
  }

  it('stays within [min, ceiling(n)] for any random value, and never above the cap', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const b = new Backoff({ minMs: 250, maxMs: 10000, random });
    for (let n = 0; n < 200; n++) {
      const d = b.next();
      assert.ok(d >= 250 && d <= b.ceiling(n) && d <= 10000, `attempt ${n}: ${d}`);
    }
  });

  it('clamps a random source that leaves [0, 1)', () => {
    const high = new Backoff({ minMs: 100, maxMs: 1000, random: () => 7 });
    const low = new Backoff({ minMs: 100, maxMs: 1000, random: () => -3 });
    high.next();
    low.next();
    assert.equal(high.next(), 200);
    assert.equal(low.next(), 100);
  });

  it('reset() starts again at the minimum', () => {
    const b = new Backoff({ minMs: 1000, maxMs: 30000, random: () => 1 });
    b.next();
    b.next();
    b.next();
    b.reset();
    assert.equal(b.attempts, 0);
    assert.equal(b.next(), 1000);
    assert.equal(b.next(), 2000);
  });

  it('does not overflow after very many attempts', () => {
    const b = new Backoff({ minMs: 1000, maxMs: 30000, random: () => 1 });
    for (let i = 0; i < 2000; i++) b.next();
    assert.equal(b.next(), 30000);
  });

  it('next(capMs) lowers the cap for one delay, never below the minimum nor above the maximum', () => {
    const b = new Backoff({ minMs: 1000, maxMs: 30000, random: () => 1 });
    assert.deepEqual([b.next(2000), b.next(2000), b.next(2000), b.next()], [1000, 2000, 2000, 8000]);
    assert.equal(b.next(500), 1000);
    assert.equal(b.next(60000), 30000);
  });

  it('rejects unusable bounds', () => {
    assert.throws(() => new Backoff({ minMs: 0, maxMs: 10 }), BadInputError);
    assert.throws(() => new Backoff({ minMs: 100, maxMs: 10 }), BadInputError);
    assert.throws(() => new Backoff({ minMs: Number.NaN, maxMs: 10 }), BadInputError);
  });
});
