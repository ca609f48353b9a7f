/**
 * discover() against simulator discovery responders and hand-made UDP peers, all on 127.0.0.x
 * (never a broadcast address) and ephemeral ports.
 */
import assert from 'node:assert/strict';
import * as dgram from 'dgram';
import * as sinon from 'sinon';
import { discover } from '../../src/discovery';
import { compareAddresses, discoveryTargets, subnetBroadcasts } from '../../src/discovery/targets';
import { CameraSimulator } from '../../src/simulator';
import type { Logger } from '../../src/logger';

/** Short windows: every peer is on loopback. */
const FAST = { bindPort: 0, timeoutMs: 400, intervalMs: 100, attempts: 3 };

describe('discovery', function () {
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async function () {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    sinon.restore();
  });

  async function simulator(host = '127.0.0.1', discoveryPorts = [0]): Promise<{ sim: CameraSimulator; ports: number[] }> {
    const sim = new CameraSimulator({ host, discoveryPorts });
    cleanups.push(() => sim.stop());
    const addr = await sim.start();
    return { sim, ports: addr.discoveryPorts };
  }

  /** A UDP peer on 127.0.0.1 that does `onMessage` with each datagram. */
  async function peer(onMessage: (socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<number> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => onMessage(socket, msg, rinfo));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => void socket.close());
    return socket.address().port;
  }

  it('finds the simulator with its serial and the raw reply', async function () {
    const { sim, ports } = await simulator();
    const cameras = await discover({ ...FAST, address: '127.0.0.1', ports });
    assert.equal(cameras.length, 1);
    assert.equal(cameras[0].address, '127.0.0.1');
    assert.equal(cameras[0].port, ports[0]);
    assert.equal(cameras[0].serial, sim.serial);
    assert.match(sim.serial, /^SIMCAM-[0-9A-F]{6}$/);
    assert.match(cameras[0].raw, /^abcd[0-9a-f]{4}00000115/);
  });

  it('keeps one entry per address when a camera answers on several ports and attempts', async function () {
    const { sim, ports } = await simulator('127.0.0.1', [0, 0]);
    const cameras = await discover({ ...FAST, address: '127.0.0.1', ports });
    assert.equal(cameras.length, 1);
    assert.ok(ports.includes(cameras[0].port));
    assert.ok(sim.stats.discoveryReplies >= 2, 'every request got a reply');
  });

  it('collects every camera, sorted by address (two simulators on 127.0.0.1 and 127.0.0.2)', async function () {
    let second: { ports: number[] };
    try {
      second = await simulator('127.0.0.2');
    } catch {
      this.skip(); // 127.0.0.2 is not a loopback address on this OS (macOS)
    }
    const first = await simulator('127.0.0.1');
    const cameras = await discover({ ...FAST, address: ['127.0.0.2', '127.0.0.1'], ports: [...first.ports, ...second.ports] });
    assert.deepEqual(
      cameras.map((c) => c.address),
      ['127.0.0.1', '127.0.0.2'],
    );
  });

  it('resolves [] when nobody answers, after sending every attempt', async function () {
    let requests = 0;
    const silent = await peer(() => requests++);
    const cameras = await discover({ ...FAST, address: '127.0.0.1', ports: [silent] });
    assert.deepEqual(cameras, []);
    assert.equal(requests, FAST.attempts);
  });

  it('ignores its own request echoed back, and reports replies it cannot parse', async function () {
    const echo = await peer((socket, msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
    const odd = await peer((socket, _msg, rinfo) => socket.send(Buffer.from('hello camera\0\x01'), rinfo.port, rinfo.address));
    const echoOnly = await discover({ ...FAST, attempts: 1, address: '127.0.0.1', ports: [echo] });
    assert.deepEqual(echoOnly, []);
    const cameras = await discover({ ...FAST, attempts: 1, address: '127.0.0.1', ports: [odd] });
    assert.equal(cameras.length, 1);
    assert.equal(cameras[0].serial, 'hello');
    assert.equal(cameras[0].raw, Buffer.from('hello camera\0\x01').toString('hex'));
  });

  it('rejects with AbortedError when aborted, and at once when already aborted', async function () {
    const { ports } = await simulator();
    const controller = new AbortController();
    const pending = discover({ ...FAST, timeoutMs: 10_000, address: '127.0.0.1', ports, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: 'AbortedError', code: 'EABORTED' });
    await assert.rejects(discover({ ...FAST, address: '127.0.0.1', ports, signal: AbortSignal.abort() }), { code: 'EABORTED' });
  });

  it('falls back to an ephemeral port when the bind port is busy, and says so', async function () {
    const { ports } = await simulator();
    const busy = dgram.createSocket('udp4');
    busy.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      busy.once('listening', resolve);
      busy.once('error', () => resolve()); // already taken by someone else: just as good
      busy.bind(22601);
    });
    cleanups.push(() => {
      try {
        busy.close();
      } catch {
        // never bound
      }
    });
    const messages: string[] = [];
    const logger: Logger = { debug: () => undefined, info: (m) => messages.push(m), warn: (m) => messages.push(m) };
    const cameras = await discover({ ...FAST, bindPort: 22601, address: '127.0.0.1', ports, logger });
    assert.equal(cameras.length, 1);
    assert.ok(messages.some((m) => /22601 is busy/.test(m)), messages.join('\n'));
  });

  it('rejects with a clear error when the request cannot be sent', async function () {
    sinon.stub(dgram.Socket.prototype, 'send').callsFake(function (this: dgram.Socket, ...args: unknown[]) {
      const cb = args[args.length - 1];
      const err = Object.assign(new Error('send EACCES'), { code: 'EACCES' });
      if (typeof cb === 'function') setImmediate(() => cb(err));
    });
    await assert.rejects(discover({ ...FAST, address: '127.0.0.1', ports: [9] }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'EUNREACHABLE');
      assert.match(err.message, /127\.0\.0\.1:9.*EACCES/);
      return true;
    });
  });

  const badInput: Array<[string, Parameters<typeof discover>[0]]> = [
    ['no ports', { ports: [] }],
    ['port out of range', { ports: [70000] }],
    ['IPv6 target', { address: '::1' }],
    ['zero attempts', { attempts: 0 }],
    ['negative timeout', { timeoutMs: -1 }],
  ];
  for (const [what, opts] of badInput) {
    it(`rejects bad input: ${what}`, async function () {
      await assert.rejects(discover({ ...FAST, ...opts }), { code: 'EINPUT' });
    });
  }
});

describe('discovery targets', function () {
  const interfaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: '127.0.0.1/8' }],
    eth0: [
      { address: '192.168.1.23', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.168.1.23/24' },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
    ],
    wlan0: [{ address: '10.1.2.3', netmask: '255.255.0.0', family: 'IPv4', mac: '', internal: false, cidr: '10.1.2.3/16' }],
  } as const;

  it('adds subnet broadcasts of external IPv4 interfaces to the limited broadcast', function () {
    const table = JSON.parse(JSON.stringify(interfaces)) as Parameters<typeof subnetBroadcasts>[0];
    assert.deepEqual(subnetBroadcasts(table), ['192.168.1.255', '10.1.255.255']);
    assert.deepEqual(discoveryTargets(['255.255.255.255'], table), [
      { address: '255.255.255.255', automatic: false },
      { address: '192.168.1.255', automatic: true },
      { address: '10.1.255.255', automatic: true },
    ]);
    assert.deepEqual(discoveryTargets(['127.0.0.1'], table), [{ address: '127.0.0.1', automatic: false }]);
  });

  it('sorts addresses numerically', function () {
    assert.deepEqual(['10.0.0.10', 'cam.local', '10.0.0.9', '2.0.0.1'].sort(compareAddresses), ['2.0.0.1', '10.0.0.9', '10.0.0.10', 'cam.local']);
  });
});
