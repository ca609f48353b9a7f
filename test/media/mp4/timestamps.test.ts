/**
 * The 90 kHz unwrapper (timestamps.ts): one table of input sequences and the decode times they must
 * give, across the 2^32 wrap, with jitter, stalls, restarts backwards and forwards, duplicates.
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../../src/errors';
import { TimestampUnwrapper, type TimestampUnwrapperOptions } from '../../../src/media/mp4/timestamps';

const WRAP = 2 ** 32;

interface Case {
  name: string;
  opts?: TimestampUnwrapperOptions;
  inputs: number[];
  outputs: number[];
  restarts: number;
}

const CASES: Case[] = [
  { name: 'steady 15 fps', inputs: [0, 6000, 12000], outputs: [0, 6000, 12000], restarts: 0 },
  { name: 'any first timestamp maps to 0', inputs: [123456789, 123462789], outputs: [0, 6000], restarts: 0 },
  { name: 'across the wrap', inputs: [WRAP - 6000, 0, 6000], outputs: [0, 6000, 12000], restarts: 0 },
  { name: 'across the wrap mid-frame', inputs: [WRAP - 3000, 3000, 9000], outputs: [0, 6000, 12000], restarts: 0 },
  { name: 'last value before the wrap', inputs: [WRAP - 2, WRAP - 1, 0], outputs: [0, 1, 2], restarts: 0 },
  { name: 'jitter keeps its exact steps', inputs: [0, 5990, 12010, 18000], outputs: [0, 5990, 12010, 18000], restarts: 0 },
  { name: 'a 3 s stall keeps its length', inputs: [0, 6000, 276000], outputs: [0, 6000, 276000], restarts: 0 },
  { name: 'a step of exactly maxForwardTicks is time', inputs: [0, 900000], outputs: [0, 900000], restarts: 0 },
  { name: 'a jump beyond maxForwardTicks is a restart: one frame on', inputs: [0, 6000, 906001, 912001], outputs: [0, 6000, 12000, 18000], restarts: 1 },
  { name: 'backwards (camera restarted at 0): one frame on, then follow', inputs: [0, 5000, 10000, 0, 5000], outputs: [0, 5000, 10000, 15000, 20000], restarts: 1 },
  { name: 'restart before any step uses the nominal frame', inputs: [500000, 0, 6000], outputs: [0, 6000, 12000], restarts: 1 },
  { name: 'a duplicate timestamp is pushed one frame on', inputs: [0, 3000, 3000, 6000], outputs: [0, 3000, 6000, 9000], restarts: 1 },
  { name: 'half a wrap backwards is a restart, not 13 hours on', inputs: [0, 6000, 6000 + 2 ** 31], outputs: [0, 6000, 12000], restarts: 1 },
  { name: 'start option offsets everything', opts: { start: 2 ** 40 }, inputs: [7, 6007], outputs: [2 ** 40, 2 ** 40 + 6000], restarts: 0 },
  { name: 'nominalFrameTicks option', opts: { nominalFrameTicks: 3000 }, inputs: [10, 0, 3000], outputs: [0, 3000, 6000], restarts: 1 },
  { name: 'maxForwardTicks option', opts: { maxForwardTicks: 10000 }, inputs: [0, 6000, 16001], outputs: [0, 6000, 12000], restarts: 1 },
];

describe('media/mp4/timestamps', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const u = new TimestampUnwrapper(c.opts);
      assert.deepEqual(c.inputs.map((t) => u.unwrap(t)), c.outputs);
      assert.equal(u.restarts, c.restarts);
    });
  }

  it('many wraps: output grows past 2^32 exactly (53-bit safe)', () => {
    const step = 2 ** 31 - 1;
    const u = new TimestampUnwrapper({ maxForwardTicks: step });
    let input = WRAP - 5;
    u.unwrap(input);
    for (let i = 1; i <= 20; i++) {
      input = (input + step) % WRAP;
      assert.equal(u.unwrap(input), i * step);
    }
    assert.ok(20 * step > 4 * WRAP);
  });

  it('lastStep is the step that led to the last output, nominal before the second input', () => {
    const u = new TimestampUnwrapper();
    u.unwrap(100);
    assert.equal(u.lastStep, 6000);
    u.unwrap(3700);
    assert.equal(u.lastStep, 3600);
    u.unwrap(0); // restart: keeps the last good step
    assert.equal(u.lastStep, 3600);
  });

  it('reset() starts over at start', () => {
    const u = new TimestampUnwrapper();
    u.unwrap(0);
    u.unwrap(6000);
    u.reset();
    assert.deepEqual([u.unwrap(999), u.unwrap(1999), u.restarts], [0, 1000, 0]);
  });

  for (const bad of [-1, WRAP, 1.5, Number.NaN]) {
    it(`refuses timestamp ${bad} with BadInputError`, () => {
      assert.throws(() => new TimestampUnwrapper().unwrap(bad), BadInputError);
    });
  }

  const BAD_OPTIONS: TimestampUnwrapperOptions[] = [{ nominalFrameTicks: 0 }, { maxForwardTicks: 2 ** 31 }, { maxForwardTicks: -5 }, { start: -1 }, { start: 0.5 }];
  for (const opts of BAD_OPTIONS) {
    it(`refuses options ${JSON.stringify(opts)} with BadInputError`, () => {
      assert.throws(() => new TimestampUnwrapper(opts), BadInputError);
    });
  }
});
