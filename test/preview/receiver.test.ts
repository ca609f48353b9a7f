import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import * as sinon from 'sinon';
import { ActionCamError, BadInputError } from '../../src/errors';
import { AccessUnit } from '../../src/media/types';
import { PreviewReceiver, PreviewReceiverOptions } from '../../src/preview/receiver';
import { cameraDatagrams, clipAccessUnits, clipFrames } from './camera-datagrams';

const LOOPBACK = '127.0.0.1';

async function udpSender(address = LOOPBACK): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return socket;
}

function send(socket: dgram.Socket, port: number, datagrams: readonly Buffer[]): Promise<void> {
  return datagrams.reduce<Promise<void>>(
    (prev, d) => prev.then(() => new Promise<void>((resolve, reject) => socket.send(d, port, LOOPBACK, (err) => (err ? reject(err) : resolve())))),
    Promise.resolve(),
  );
}

function collect(receiver: PreviewReceiver, count: number): Promise<AccessUnit[]> {
  const aus: AccessUnit[] = [];
  return new Promise((resolve) => {
    const on = (au: AccessUnit): void => {
      aus.push(au);
      if (aus.length === count) {
        receiver.removeListener('accessUnit', on);
        resolve(aus);
      }
    };
    receiver.on('accessUnit', on);
  });
}

describe('preview: PreviewReceiver options', () => {
  it('rejects a period that is not a positive number with a BadInputError naming it', () => {
    for (const name of ['stallAfterMs', 'rateWindowMs', 'statsIntervalMs'] as const) {
      for (const value of [0, -5, NaN, Infinity]) {
        assert.throws(() => new PreviewReceiver({ [name]: value }), (err: unknown) => err instanceof BadInputError && err.message === `${name} must be a positive number, got ${value}`);
      }
    }
  });
});

describe('preview: PreviewReceiver on 127.0.0.1 (UDP)', () => {
  const frames = clipFrames();
  const wire = cameraDatagrams(frames);
  let receiver: PreviewReceiver | undefined;
  const senders: dgram.Socket[] = [];
  let clock: sinon.SinonFakeTimers | undefined;

  async function start(opts: PreviewReceiverOptions = {}): Promise<{ r: PreviewReceiver; port: number }> {
    receiver = new PreviewReceiver({ host: LOOPBACK, port: 0, ...opts });
    const { port } = await receiver.start();
    return { r: receiver, port };
  }

  async function sender(address = LOOPBACK): Promise<dgram.Socket> {
    const s = await udpSender(address);
    senders.push(s);
    return s;
  }

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await receiver?.stop();
    receiver = undefined;
    for (const s of senders.splice(0)) s.close();
  });

  it('receives the clip from a local sender as 60 access units', async () => {
    const { r, port } = await start();
    const got = collect(r, 60);
    const flowing = once(r, 'flowing');
    await send(await sender(), port, wire);
    await flowing;
    const aus = await got;
    const expected = clipAccessUnits();
    aus.forEach((au, i) => assert.deepEqual(au.nalus, expected[i]));
    assert.ok(r.parameterSets());
    const stats = r.stats;
    assert.equal(stats.frames, 60);
    assert.equal(stats.datagrams, wire.length);
    assert.equal(stats.lost + stats.malformed + stats.foreign, 0);
    assert.ok(r.fps > 0, 'frames were counted for the fps estimate');
    assert.equal(r.state, 'flowing');
  });

  it('counts malformed datagrams and keeps going', async () => {
    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const { r, port } = await start({ logger: { debug: log, info: log, warn: log } });
    const got = collect(r, 2);
    await send(await sender(), port, [Buffer.from('garbage'), Buffer.from('bcde0010000000020000', 'hex'), ...cameraDatagrams(frames.slice(0, 2))]);
    await got;
    assert.equal(r.stats.malformed, 2);
    assert.ok(lines.some((l) => /bad datagram .*too short/.test(l)));
  });

  it('accepts datagrams only from cameraHost when set', async () => {
    const { r, port } = await start({ cameraHost: '127.0.0.2' });
    await send(await sender(LOOPBACK), port, cameraDatagrams(frames.slice(0, 2)));
    const got = collect(r, 2);
    await send(await sender('127.0.0.2'), port, cameraDatagrams(frames.slice(0, 2)));
    await got;
    assert.equal(r.stats.foreign, cameraDatagrams(frames.slice(0, 2)).length);
    assert.equal(r.stats.frames, 2);
  });

  it("reports 'stalled' after stallAfterMs of silence and 'flowing' when datagrams resume", async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const fake = clock;
    const { r, port } = await start({ stallAfterMs: 3000, now: () => fake.now });
    const events: string[] = [];
    r.on('stalled', () => events.push('stalled'));
    r.on('flowing', () => events.push('flowing'));
    fake.tick(2999);
    assert.deepEqual(events, []);
    fake.tick(1);
    assert.deepEqual(events, ['stalled'], 'nothing ever came');
    assert.equal(r.state, 'stalled');
    const s = await sender();
    const flowing = once(r, 'flowing');
    await send(s, port, wire.slice(0, 1));
    await flowing;
    fake.tick(2000);
    await send(s, port, wire.slice(1, 2));
    while (r.stats.datagrams < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ['stalled', 'flowing'], 'no second flowing while flowing');
    fake.tick(2999);
    assert.deepEqual(events, ['stalled', 'flowing'], 'the timer measures from the last datagram');
    fake.tick(1);
    assert.deepEqual(events, ['stalled', 'flowing', 'stalled']);
  });

  it("emits 'stats' periodically and stop() clears every timer", async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const fake = clock;
    const { r } = await start({ statsIntervalMs: 1000, now: () => fake.now });
    const stats: unknown[] = [];
    r.on('stats', (s) => stats.push(s));
    fake.tick(3000);
    assert.equal(stats.length, 3);
    await r.stop();
    await r.stop(); // idempotent
    assert.equal(fake.countTimers(), 0);
    assert.equal(r.state, 'stopped');
  });

  it('restarts after stop() with fresh counters', async () => {
    const { r } = await start();
    await r.stop();
    const again = await r.start();
    assert.ok(again.port > 0);
    assert.equal(r.state, 'listening');
    assert.equal(r.stats.datagrams, 0);
  });

  it('start() rejects with a typed error when the port is taken, and leaves nothing open', async () => {
    const taken = await sender();
    const port = taken.address().port;
    const r = new PreviewReceiver({ host: LOOPBACK, port });
    await assert.rejects(r.start(), (err: unknown) => err instanceof ActionCamError && err.code === 'EINPUT' && /in use|EADDRINUSE/.test(err.message));
    assert.equal(r.state, 'stopped');
    await r.stop();
  });

  it('stop() while starting settles start() with a rejection', async () => {
    const r = new PreviewReceiver({ host: LOOPBACK, port: 0 });
    const starting = r.start();
    await r.stop();
    await assert.rejects(starting, ActionCamError);
  });

  it('rejects a bad timePacketOffset at construction', () => {
    assert.throws(() => new PreviewReceiver({ timePacketOffset: 99 }), BadInputError);
  });
});
