import assert from 'node:assert/strict';
import { RateGate, WatchDefaults, describeMessage } from '../../src/session';

describe('session/message-watch', () => {
  it('describeMessage gives {type, typeHex, name, hex} for known and unknown types', () => {
    assert.deepEqual(describeMessage({ type: 0xa0f0, payload: Buffer.from('0102', 'hex') }), { type: 0xa0f0, typeHex: 'a0f0', name: '0xA0F0', hex: '0102' });
    assert.deepEqual(describeMessage({ type: 0xa011, payload: Buffer.alloc(0) }), { type: 0xa011, typeHex: 'a011', name: 'SET_CLOCK', hex: '' });
  });

  it('RateGate lets maxPerSecond through in each one-second window and reports the drops once the window ends', () => {
    let now = 0;
    const gate = new RateGate(3, () => now);
    const reports: number[] = [];
    const results = Array.from({ length: 5 }, () => gate.allow((d) => reports.push(d)));
    assert.deepEqual(results, [true, true, true, false, false]);
    assert.equal(gate.dropped, 2);
    now = 999;
    assert.equal(gate.allow((d) => reports.push(d)), false, 'still the same window');
    assert.equal(reports.length, 0);
    now = 1000;
    assert.equal(gate.allow((d) => reports.push(d)), true, 'a new window');
    assert.deepEqual(reports, [3]);
    assert.equal(gate.dropped, 0);
    assert.equal(new RateGate().limit, WatchDefaults.maxPerSecond);
  });
});
