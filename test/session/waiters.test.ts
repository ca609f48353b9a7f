import assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import { AbortedError, ConnectionClosedError, TimeoutError } from '../../src/errors';
import { Waiters } from '../../src/session/waiters';
import { useFakeTimers } from './util';

describe('session/Waiters', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = useFakeTimers()));
  afterEach(() => clock.restore());

  it('resolveAll() and rejectAll() settle every waiter and clear their timers', async () => {
    const w = new Waiters();
    const a = w.wait({ timeoutMs: 1000 });
    const b = w.wait();
    w.resolveAll();
    await Promise.all([a, b]);
    const c = w.wait({ timeoutMs: 1000 });
    const err = new ConnectionClosedError('closed');
    w.rejectAll(err);
    await assert.rejects(c, (e: unknown) => e === err);
    assert.equal(w.size, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('times out with the error from onTimeout, or a TimeoutError', async () => {
    const w = new Waiters();
    const mine = new ConnectionClosedError('mine');
    const a = w.wait({ timeoutMs: 100, onTimeout: () => mine });
    const b = w.wait({ timeoutMs: 200 });
    clock.tick(200);
    await assert.rejects(a, (e: unknown) => e === mine);
    await assert.rejects(b, TimeoutError);
    assert.equal(w.size, 0);
  });

  it('aborts, also with an already aborted signal', async () => {
    const w = new Waiters();
    const ac = new AbortController();
    const a = w.wait({ signal: ac.signal, timeoutMs: 1000 });
    ac.abort();
    await assert.rejects(a, AbortedError);
    await assert.rejects(w.wait({ signal: AbortSignal.abort() }), AbortedError);
    assert.equal(w.size, 0);
    assert.equal(clock.countTimers(), 0);
  });
});
