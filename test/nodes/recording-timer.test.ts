import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { RecordingTimer } from '../../nodes/lib/recording-timer';

describe('RecordingTimer (record node clock)', () => {
  let clock: sinon.SinonFakeTimers;
  let ticks: number[];
  let expired: number;
  let timer: RecordingTimer;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    ticks = [];
    expired = 0;
    timer = new RecordingTimer({ tick: (s) => ticks.push(s), expire: () => expired++ });
  });

  afterEach(() => {
    timer.stop();
    clock.restore();
  });

  it('ticks every second with the elapsed seconds and expires after the duration', () => {
    timer.recording(3000);
    assert.deepEqual(ticks, [0]);
    clock.tick(2999);
    assert.deepEqual(ticks, [0, 1, 2]);
    assert.equal(expired, 0);
    clock.tick(1);
    assert.equal(expired, 1);
  });

  it('a new start pushes the auto-stop back but keeps counting from the first start', () => {
    timer.recording(30_000);
    clock.tick(20_000);
    timer.recording(30_000); // now ends at 50 s
    clock.tick(29_999);
    assert.equal(expired, 0);
    assert.equal(ticks.at(-1), 49);
    clock.tick(1);
    assert.equal(expired, 1);
  });

  it('duration 0 records until stopped and cancels an earlier auto-stop', () => {
    timer.recording(5000);
    timer.recording(0);
    clock.tick(60_000);
    assert.equal(expired, 0);
    assert.equal(timer.running, true);
  });

  it('stop() clears both timers', () => {
    timer.recording(5000);
    timer.stop();
    assert.equal(clock.countTimers(), 0);
    clock.tick(10_000);
    assert.deepEqual(ticks, [0]);
    assert.equal(expired, 0);
    assert.equal(timer.running, false);
  });
});
