import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { closeUdpSocket, SEND_PROBE_EVERY, SendProbe } from '../../src/net/udp-socket';
import { waitUntil } from '../helpers/wait';

describe('net: UDP socket helpers', () => {
  it('SendProbe hands out the completion callback for one send in `every`', () => {
    const done = (): void => undefined;
    const probe = new SendProbe(done, 4);
    const got = Array.from({ length: 12 }, () => probe.next());
    assert.deepEqual(
      got.map((cb) => cb === done),
      [false, false, false, true, false, false, false, true, false, false, false, true],
    );
    const byDefault = new SendProbe(done);
    const first = Array.from({ length: SEND_PROBE_EVERY }, () => byDefault.next());
    assert.equal(first.filter((cb) => cb === done).length, 1);
    assert.equal(first[SEND_PROBE_EVERY - 1], done);
  });

  it('a probed send reports its completion; the sends between arrive without one', async () => {
    const sink = dgram.createSocket('udp4');
    const sender = dgram.createSocket('udp4');
    try {
      sink.bind(0, '127.0.0.1');
      await once(sink, 'listening');
      const received: Buffer[] = [];
      sink.on('message', (m: Buffer) => received.push(m));
      const results: (Error | null)[] = [];
      const probe = new SendProbe((err) => results.push(err), 3);
      const port = sink.address().port;
      for (let i = 0; i < 6; i++) sender.send(Buffer.from([i]), port, '127.0.0.1', probe.next());
      await waitUntil(() => received.length === 6 && results.length === 2, 2000, 'six datagrams and two completions');
      assert.deepEqual(received.map((m) => m[0]), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(results, [null, null]);
    } finally {
      await Promise.all([closeUdpSocket(sink), closeUdpSocket(sender)]);
    }
  });
});
