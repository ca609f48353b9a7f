import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { sameParameterSets, waitForParameterSets } from '../../src/media/source';
import { FakeSource } from '../helpers/fake-source';

describe('rtsp/source waitForParameterSets', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('resolves at once when the source knows them', async () => {
    const source = new FakeSource();
    assert.ok(await waitForParameterSets(source, 5000));
  });

  it('resolves with the first access unit that brings them, and removes its listener and timer', async () => {
    const source = new FakeSource({ parameterSetsAfterFirstKeyframe: true, startIndex: 1 });
    const pending = waitForParameterSets(source, 5000);
    source.step(14); // P frames: still nothing
    await clock.tickAsync(1000);
    source.step(); // frame 15 is an IDR
    assert.ok(await pending);
    assert.equal(source.listenerCount('accessUnit'), 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('resolves undefined after the timeout or on abort', async () => {
    const source = new FakeSource({ parameterSets: null });
    const timedOut = waitForParameterSets(source, 5000);
    await clock.tickAsync(5000);
    assert.equal(await timedOut, undefined);
    const abort = new AbortController();
    const aborted = waitForParameterSets(source, 5000, abort.signal);
    abort.abort();
    assert.equal(await aborted, undefined);
    assert.equal(source.listenerCount('accessUnit'), 0);
    assert.equal(clock.countTimers(), 0);
  });
});

describe('media/source sameParameterSets', () => {
  const sets = (sps: number[], pps: number[]) => ({ sps: Buffer.from(sps), pps: Buffer.from(pps) });

  it('compares bytes, not objects; a missing set equals only a missing one', () => {
    const a = sets([0x67, 1, 2], [0x68, 3]);
    assert.equal(sameParameterSets(a, a), true);
    assert.equal(sameParameterSets(a, sets([0x67, 1, 2], [0x68, 3])), true);
    assert.equal(sameParameterSets(a, sets([0x67, 1, 9], [0x68, 3])), false);
    assert.equal(sameParameterSets(a, sets([0x67, 1, 2], [0x68, 4])), false);
    assert.equal(sameParameterSets(a, undefined), false);
    assert.equal(sameParameterSets(undefined, a), false);
    assert.equal(sameParameterSets(undefined, undefined), true);
  });
});
