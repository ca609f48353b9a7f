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

  describe('measures the camera, not our own stalls (issue 10 finding 1)', () => {
    it('a watchdog that fires late because our event loop was blocked gives the camera a fresh window', () => {
      keepAlive.start();
      clock.tick(5000);
      keepAlive.touch(); // t = 5 s: the last byte; the camera's time is up at 20 s
      // The loop is blocked from 5 s to 28 s (a 23 s freeze): the watchdog due at 20 s fires at 28 s.
      clock.jump(23_000);
      assert.deepEqual(dead, [], 'the camera was blamed for our stall');
      assert.equal(keepAlive.running, true);
      // Its bytes were waiting unread in the socket; now they are read.
      keepAlive.touch();
      clock.tick(14_999);
      assert.deepEqual(dead, []);
      clock.tick(1);
      assert.deepEqual(dead, [15000], 'a camera that stays silent after the stall is still declared dead');
    });

    it('a stall gives one fresh window, not an endless reprieve', () => {
      keepAlive.start();
      clock.jump(20_000); // due at 15 s, fired at 20 s: late
      assert.deepEqual(dead, []);
      clock.tick(15_000); // no byte in the fresh window
      assert.deepEqual(dead, [15000]);
    });

    it('a timer late by less than the tolerance is not a stall', () => {
      keepAlive = new KeepAlive({ intervalMs: 5000, deadAfterMs: 15000, stallToleranceMs: 1000, ping: () => pings++, onDead: (ms) => dead.push(ms) });
      keepAlive.start();
      clock.jump(15_900); // due at 15 s, fired 900 ms late
      assert.deepEqual(dead, [15000]);
    });

    it('touch() moves no timer: a flood of inbound chunks costs a clock read each', () => {
      keepAlive.start();
      for (let i = 0; i < 1000; i++) keepAlive.touch();
      assert.equal(clock.countTimers(), 2);
    });
  });
});
