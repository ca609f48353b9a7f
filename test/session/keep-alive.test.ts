import assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import { KeepAlive } from '../../src/session/keep-alive';
import { useFakeTimers } from './util';

describe('session/KeepAlive', () => {
  let clock: sinon.SinonFakeTimers;
  let pings: number;
  let dead: number[];
  let keepAlive: KeepAlive;

  beforeEach(() => {
    clock = useFakeTimers();
    pings = 0;
    dead = [];
    keepAlive = new KeepAlive({ intervalMs: 5000, deadAfterMs: 15000, ping: () => pings++, onDead: (ms) => dead.push(ms) });
  });
  afterEach(() => {
    keepAlive.stop();
    clock.restore();
  });

  it('pings every interval', () => {
    keepAlive.start();
    clock.tick(4999);
    assert.equal(pings, 0);
    clock.tick(1);
    assert.equal(pings, 1);
    clock.tick(5000);
    assert.equal(pings, 2);
  });

  it('declares the link dead once after deadAfterMs without inbound bytes, then stops', () => {
    keepAlive.start();
    clock.tick(14999);
    assert.deepEqual(dead, []);
    clock.tick(1);
    assert.deepEqual(dead, [15000]);
    assert.equal(keepAlive.running, false);
    const pingsAtDeath = pings;
    clock.tick(60000);
    assert.deepEqual(dead, [15000]);
    assert.equal(pings, pingsAtDeath, 'no ping after the link was declared dead');
    assert.equal(clock.countTimers(), 0);
  });

  it('touch() re-arms the watchdog', () => {
    keepAlive.start();
    for (let i = 0; i < 10; i++) {
      clock.tick(10000);
      keepAlive.touch();
    }
    assert.deepEqual(dead, []);
    clock.tick(15000);
    assert.equal(dead.length, 1);
  });

  it('touch() before start() arms nothing', () => {
    keepAlive.touch();
    assert.equal(clock.countTimers(), 0);
  });

  it('stop() clears every timer and is idempotent', () => {
    keepAlive.start();
    assert.equal(clock.countTimers(), 2);
    keepAlive.stop();
    keepAlive.stop();
    assert.equal(clock.countTimers(), 0);
  });

  it('start() twice does not leak the first timers', () => {
    keepAlive.start();
    keepAlive.start();
    assert.equal(clock.countTimers(), 2);
  });
});
