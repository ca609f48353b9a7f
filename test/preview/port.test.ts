/**
 * The process's preview ports (src/preview/port.ts) and the receiver's source filter: one UDP socket
 * per port shared by every camera that sends to it, datagrams routed by source address, and within a
 * camera's address only the source port its stream settled on (issue 10 finding 5: a neighbour who
 * can send from the camera's address must not splice frames, strays or time packets into the stream).
 */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as sinon from 'sinon';
import { ActionCamError, BadInputError } from '../../src/errors';
import type { AccessUnit } from '../../src/media/types';
import { PreviewPorts } from '../../src/preview/port';
import { PreviewReceiver, type PreviewReceiverOptions } from '../../src/preview/receiver';
import { PreviewType } from '../../src/protocol/constants';
import { encodePreviewDatagram, encodeTimePayload } from '../../src/protocol/preview';
import { freeUdpPortPair } from '../helpers/udp-ports';
import { cameraDatagrams, clipFrames } from './camera-datagrams';
import { waitUntil } from '../helpers/node-red';

async function socketOn(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return socket;
}

/** Sends one at a time, giving the receiver a turn in between (loopback receive buffers are small). */
async function send(socket: dgram.Socket, port: number, datagrams: readonly Buffer[]): Promise<void> {
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) => socket.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function collect(receiver: PreviewReceiver): AccessUnit[] {
  const units: AccessUnit[] = [];
  receiver.on('accessUnit', (au: AccessUnit) => units.push(au));
  return units;
}

describe('preview: one shared UDP port per process, routed by camera', function () {
  this.timeout(20000);
  const frames = clipFrames();
  const receivers: PreviewReceiver[] = [];
  const sockets: dgram.Socket[] = [];
  let ports: PreviewPorts;
  let port: number;

  beforeEach(async () => {
    ports = new PreviewPorts();
    port = await freeUdpPortPair();
  });

  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.stop();
    for (const s of sockets.splice(0)) s.close();
    assert.equal(ports.size, 0, 'every socket closed');
  });

  async function receiver(opts: PreviewReceiverOptions): Promise<PreviewReceiver> {
    const r = new PreviewReceiver({ host: '127.0.0.1', port, ports, ...opts });
    receivers.push(r);
    await r.start();
    return r;
  }

  async function camera(address: string): Promise<dgram.Socket> {
    const s = await socketOn(address);
    sockets.push(s);
    return s;
  }

  it('routes each camera datagram to that camera\'s receiver; an unknown address is counted and dropped', async () => {
    const a = await receiver({ cameraHost: '127.0.0.2' });
    const b = await receiver({ cameraHost: '127.0.0.3' });
    assert.equal(ports.size, 1, 'one socket for both');
    assert.deepEqual(a.address, b.address);
    const fromA = collect(a);
    const fromB = collect(b);
    await send(await camera('127.0.0.2'), port, cameraDatagrams(frames.slice(0, 16)));
    await send(await camera('127.0.0.3'), port, cameraDatagrams(frames.slice(15, 31), { firstSeq: 500 }));
    await send(await camera('127.0.0.4'), port, cameraDatagrams(frames.slice(0, 16)));
    await waitUntil(() => fromA.length === 16 && fromB.length === 16, 5000, 'both streams');
    assert.ok(fromA.every((au, i) => au.keyframe === (i === 0 || i === 15)), 'camera A: its own frames 0-15');
    assert.ok(fromB.every((au, i) => au.keyframe === (i === 0 || i === 15)), 'camera B: its own frames 15-30');
    assert.equal(a.stats.foreign, b.stats.foreign);
    assert.ok(a.stats.foreign > 0, 'the third camera\'s datagrams were counted');
    await a.stop();
    assert.equal(ports.size, 1, 'still open for B');
    await b.stop();
    assert.equal(ports.size, 0, 'closed after the last one left');
  });

  it('refuses a second receiver for the same camera on the same port, clearly', async () => {
    await receiver({ cameraHost: '127.0.0.2' });
    const twin = new PreviewReceiver({ host: '127.0.0.1', port, ports, cameraHost: '127.0.0.2' });
    await assert.rejects(twin.start(), (err: unknown) => err instanceof BadInputError && /already received on UDP port/.test(err.message));
    assert.equal(twin.state, 'stopped');
  });

  it('a port another program holds is a typed error that names it', async () => {
    const holder = await socketOn('127.0.0.1');
    sockets.push(holder);
    const taken = holder.address().port;
    const r = new PreviewReceiver({ host: '127.0.0.1', port: taken, ports, cameraHost: '127.0.0.2' });
    await assert.rejects(r.start(), (err: unknown) => err instanceof ActionCamError && new RegExp(`UDP 127.0.0.1:${taken}.*EADDRINUSE`).test(err.message));
  });

  it('datagrams from the camera\'s address but another source port inject nothing (finding 5)', async () => {
    const r = await receiver({ cameraHost: '127.0.0.2' });
    const units = collect(r);
    const real = await camera('127.0.0.2');
    const intruder = await camera('127.0.0.2');
    const wire = cameraDatagrams(frames.slice(0, 20));
    await send(real, port, wire.slice(0, 3)); // the stream settles on the real camera's port
    // The attack of the finding: datagrams, strays with far-off sequence numbers and time packets.
    const forged = [
      ...cameraDatagrams([frames[15]], { firstSeq: 3 }),
      encodePreviewDatagram(40000, PreviewType.H264, frames[16].subarray(0, 100)),
      encodePreviewDatagram(4, PreviewType.TIME, encodeTimePayload(3_600_000)),
    ];
    await send(intruder, port, forged);
    await send(real, port, wire.slice(3));
    await waitUntil(() => units.length === 20, 5000, 'the real stream');
    assert.equal(units.length, 20, 'not one frame more');
    assert.equal(r.stats.foreign, forged.length);
    assert.equal(r.stats.implausibleTime, 0, 'no forged time packet reached the clock');
    for (let i = 1; i < units.length; i++) assert.equal(units[i].timestamp - units[i - 1].timestamp, Math.round(1000 / 15 * i) * 90 - Math.round(1000 / 15 * (i - 1)) * 90);
  });

  it('relearn() follows a camera that sends from a new port after a new login; a stall does too', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const r = await receiver({ cameraHost: '127.0.0.2', stallAfterMs: 3000, now: () => clock.now });
      const units = collect(r);
      const first = await camera('127.0.0.2');
      const second = await camera('127.0.0.2');
      const opening = cameraDatagrams(frames.slice(0, 2));
      await send(first, port, opening);
      await waitUntil(() => units.length === 2, 5000, 'two frames');
      // The same stream continued from a new port (as after a new login): refused until relearn().
      const moved = cameraDatagrams(frames.slice(15, 17), { firstSeq: opening.length });
      await send(second, port, moved);
      assert.equal(units.length, 2, 'a new port is not believed by itself');
      r.relearn();
      await send(second, port, moved);
      await waitUntil(() => units.length === 4, 5000, 'the new port after relearn()');
      clock.tick(3000); // silence: stalled, and the next datagram may come from anywhere on the camera
      assert.equal(r.state, 'stalled');
      await send(first, port, cameraDatagrams(frames.slice(30, 31), { firstSeq: 300 }));
      await waitUntil(() => units.length === 5, 5000, 'the old port after the stall');
    } finally {
      clock.restore();
    }
  });
});

describe('preview: time packets that jump are not believed alone (finding 5)', () => {
  const frames = clipFrames();

  it('a forged far-ahead or backward time packet is counted and its frame stamped one frame on; a real restart is followed', async () => {
    const { PreviewAssembler } = await import('../../src/preview/assembler');
    const asm = new PreviewAssembler();
    const stream = cameraDatagrams(frames.slice(0, 30), { frameMs: 100 });
    // Replace the time packet of frame 10 with one an hour ahead, and that of frame 20 with one far back.
    const timeIndexes = stream.flatMap((d, i) => (d.readUInt16BE(6) === PreviewType.TIME ? [i] : []));
    const forge = (index: number, elapsedMs: number): void => {
      const seq = stream[index].readUInt16BE(4);
      stream[index] = encodePreviewDatagram(seq, PreviewType.TIME, encodeTimePayload(elapsedMs));
    };
    forge(timeIndexes[10], 3_600_000);
    forge(timeIndexes[20], 5);
    const units = stream.flatMap((d) => asm.pushDatagram(d));
    assert.equal(units.length, 30);
    const steps = units.slice(1).map((au, i) => au.timestamp - units[i].timestamp);
    assert.ok(steps.every((s) => s === 9000), `every step one 100 ms frame: ${steps.join(',')}`);
    assert.equal(asm.stats.implausibleTime, 2);

    // A camera whose clock really restarts: the first stamp is doubted, the second confirms it.
    const restarted = cameraDatagrams(frames.slice(30, 40), { firstSeq: stream.length, firstElapsedMs: 0, frameMs: 100 });
    const more = restarted.flatMap((d) => asm.pushDatagram(d));
    const all = [...units, ...more];
    const allSteps = all.slice(1).map((au, i) => au.timestamp - all[i].timestamp);
    assert.ok(allSteps.every((s) => s === 9000), `monotonic through the restart: ${allSteps.join(',')}`);
    assert.equal(asm.stats.implausibleTime, 3, 'only the first stamp after the restart was doubted');
  });
});
