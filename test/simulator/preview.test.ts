/**
 * The simulator's preview stream (docs/PROTOCOL.md §4) received on a UDP socket on 127.0.0.1, and the
 * streamer's sequence wrap under fake timers.
 */
import assert from 'node:assert/strict';
import * as dgram from 'dgram';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import { CameraSimulator } from '../../src/simulator';
import { splitClipIntoFrames } from '../../src/simulator/clip';
import { PreviewStreamer } from '../../src/simulator/preview-streamer';
import { MessageType, decodePreviewDatagram, encodeStartPreviewPayload } from '../../src/protocol';
import type { PreviewDatagram } from '../../src/protocol';
import { silentLogger } from '../../src/logger';
import { RawClient } from './raw-client';

const CLIP = path.join(__dirname, '..', '..', 'src', 'simulator', 'assets', 'preview.h264');
const CLIP_FRAMES = 60;

describe('simulator: preview stream', function () {
  let sim: CameraSimulator;
  let receiver: dgram.Socket;
  let client: RawClient;
  const datagrams: Buffer[] = [];
  let onDatagram: () => void = () => undefined;

  beforeEach(async function () {
    datagrams.length = 0;
    receiver = dgram.createSocket('udp4');
    receiver.on('message', (msg) => {
      datagrams.push(msg);
      onDatagram();
    });
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    // A fast frame rate so a whole loop of the clip arrives in about a second.
    sim = new CameraSimulator({ previewPort: receiver.address().port, fps: 50 });
    const addr = await sim.start();
    client = await RawClient.connect(addr.controlPort);
    await client.loginAndWait();
  });

  afterEach(async function () {
    client.close();
    await sim.stop();
    receiver.close();
  });

  /** Resolves once `n` time packets have arrived. */
  function timePackets(n: number): Promise<PreviewDatagram[]> {
    return new Promise((resolve) => {
      onDatagram = () => {
        const decoded = datagrams.map(decodePreviewDatagram);
        if (decoded.filter((d) => d.kind === 'time').length >= n) {
          onDatagram = () => undefined;
          resolve(decoded);
        }
      };
    });
  }

  it('streams the clip as 1008-byte data datagrams and 24-byte time packets', async function () {
    const loop = timePackets(CLIP_FRAMES + 2);
    client.send(MessageType.START_PREVIEW, encodeStartPreviewPayload());
    const decoded = await loop;
    const clip = await fs.readFile(CLIP);

    // Sizes: every data datagram is 1008 bytes except a frame's last; time packets are 24 bytes.
    let previous: PreviewDatagram | undefined;
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i];
      if (d.kind === 'time') assert.equal(datagrams[i].length, 24);
      else if (d.kind === 'h264' && decoded[i + 1]?.kind === 'h264') assert.equal(datagrams[i].length, 1008);
      else assert.ok(datagrams[i].length <= 1008);
      if (previous) assert.equal(d.seq, (previous.seq + 1) & 0xffff, 'one sequence number per datagram');
      previous = d;
    }

    // Elapsed time steps by 1000/fps and keeps increasing across the loop boundary.
    const elapsed = decoded.flatMap((d) => (d.kind === 'time' ? [d.elapsedMs] : []));
    for (let i = 1; i < elapsed.length; i++) assert.ok(Math.abs(elapsed[i] - elapsed[i - 1] - 20) <= 1, `step ${i}`);

    // One loop of type-1 payloads (everything before the 60th time packet) is the clip byte for byte.
    const loopEnd = indexOfNth(decoded, (d) => d.kind === 'time', CLIP_FRAMES);
    const payload = Buffer.concat(decoded.slice(0, loopEnd).flatMap((d) => (d.kind === 'h264' ? [d.data] : [])));
    assert.equal(payload.length, clip.length);
    assert.ok(payload.equals(clip));
    assert.deepEqual([...payload.subarray(0, 4)], [0, 0, 0, 1], 'the first slice of a frame starts with a start code');
    assert.ok(sim.stats.previewFrames >= CLIP_FRAMES);
    assert.ok(sim.stats.previewDatagrams >= decoded.length);
  });

  it('stops streaming when the client disconnects', async function () {
    const some = timePackets(3);
    client.send(MessageType.START_PREVIEW);
    await some;
    const closed = new Promise((resolve) => sim.once('clientClosed', resolve));
    client.close();
    await closed;
    const frames = sim.stats.previewFrames;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(sim.stats.previewFrames, frames);
  });
});

describe('simulator: preview clip and streamer', function () {
  it('cuts the clip into 60 frames that lay end to end', async function () {
    const clip = await fs.readFile(CLIP);
    const frames = splitClipIntoFrames(clip);
    assert.equal(frames.length, CLIP_FRAMES);
    assert.ok(Buffer.concat(frames).equals(clip));
    assert.equal(frames[0][4] & 0x1f, 7, 'the first frame carries the SPS');
  });

  it('wraps the 16-bit sequence number and sends data before each time packet', function () {
    const clock = sinon.useFakeTimers();
    try {
      const sent: Buffer[] = [];
      const socket = { send: (d: Buffer) => void sent.push(d) } as unknown as dgram.Socket;
      const counters = { previewDatagrams: 0, previewFrames: 0 };
      const streamer = new PreviewStreamer({
        socket,
        target: { address: '127.0.0.1', port: 9 },
        frames: [Buffer.alloc(10, 1)],
        fps: 1000,
        sliceSize: 1,
        counters,
        logger: silentLogger,
        now: () => clock.now,
      });
      streamer.start();
      clock.tick(6000); // 6001 frames x 11 datagrams > 65536
      streamer.stop();
      streamer.stop();
      const after = sent.length;
      clock.tick(100);
      assert.equal(sent.length, after, 'stop() clears the timer');
      const decoded = sent.map(decodePreviewDatagram);
      assert.ok(decoded.length > 0x10000);
      assert.equal(decoded[0x10000].seq, 0);
      assert.equal(decoded[0xffff].seq, 0xffff);
      assert.deepEqual(decoded.slice(0, 11).map((d) => d.kind), [...Array(10).fill('h264'), 'time']);
      assert.equal(counters.previewFrames, decoded.length / 11);
    } finally {
      clock.restore();
    }
  });
});

function indexOfNth<T>(items: T[], pred: (t: T) => boolean, n: number): number {
  let seen = 0;
  for (let i = 0; i < items.length; i++) if (pred(items[i]) && ++seen === n) return i;
  return -1;
}
