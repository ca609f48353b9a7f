import { strict as assert } from 'node:assert';
import { RtspError } from '../../src/errors';
import { Admission, addressKey, RefusalLog } from '../../src/rtsp/admission';

describe('rtsp/admission', () => {
  const KEYS: Array<[string, string]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:192.168.1.20', '192.168.1.20'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:0:1:a:b:c:d', '2001:db8:0:1::/64'],
    ['2001:DB8:0:1::7', '2001:db8:0:1::/64'],
    ['2001:0db8:0000:0001:ffff::1', '2001:db8:0:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['not-an-address', 'not-an-address'],
    ['1::2::3', '1::2::3'],
  ];
  for (const [address, key] of KEYS) {
    it(`counts ${address} as ${key}`, () => assert.equal(addressKey(address), key));
  }

  it('puts every address of one IPv6 /64 in one group, and another /64 in another', () => {
    assert.equal(addressKey('2001:db8:0:1::1'), addressKey('2001:db8:0:1:ffff:ffff:ffff:ffff'));
    assert.notEqual(addressKey('2001:db8:0:1::1'), addressKey('2001:db8:0:2::1'));
  });

  it('logs a refusal at most once per interval, counting the ones folded in', () => {
    const lines: string[] = [];
    const log = new RefusalLog(60_000, { warn: (line: string) => lines.push(line) });
    assert.equal(log.note('full', 0), true);
    for (let t = 1; t <= 500; t++) assert.equal(log.note('full', t * 100), false);
    log.note('full', 60_000);
    log.note('full', 200_000);
    assert.deepEqual(lines, ['full', 'full (and 500 more refused since the last report)', 'full']);
  });

  it('refuses beyond the total and the per-address cap, but reaps before it refuses', () => {
    const lines: string[] = [];
    const limits = { maxConnections: 4, maxConnectionsPerAddress: 2, maxSessions: 3, maxSessionsPerAddress: 1 };
    const admission = new Admission(limits, { warn: (line: string) => lines.push(line) }, 60_000, () => 0);
    let open = ['10.0.0.1', '10.0.0.1', '10.0.0.2'];
    let reaped = 0;
    const view = { holders: () => open, reap: () => void reaped++ };
    assert.equal(admission.connection('10.0.0.2', view), undefined);
    assert.match(admission.connection('10.0.0.1', view) ?? '', /already 2 connections for 10\.0\.0\.1 \(maxConnectionsPerAddress 2\)/);
    assert.equal(reaped, 1, 'the reaper ran before the refusal');
    const reaping = { holders: () => open, reap: () => void (open = ['10.0.0.2']) };
    assert.equal(admission.connection('10.0.0.1', reaping), undefined, 'a slot freed by the reaper is given');
    open = ['a', 'b', 'c', 'd'];
    assert.match(admission.connection('e', view) ?? '', /^already 4 connections$/);
    open = ['10.0.0.1'];
    assert.throws(() => admission.session('10.0.0.1', '10.0.0.1:5000', view), (e: unknown) => e instanceof RtspError && e.status === 503);
    assert.equal(lines.length, 1, 'refusals within a minute fold into one log line');
  });
});
