/**
 * The live view's viewer queue bounds (src/live/viewer.ts, live-stream.ts), with fake sinks whose
 * unsent bytes the test controls and an injected clock: a viewer joins at a keyframe with the init
 * segment, every viewer is written the same Buffer, a viewer behind by more than viewerQueueBytes
 * skips to a keyframe once it has drained and never holds more than the bound plus one fragment,
 * one stuck for viewerStuckMs is closed, and nobody else notices any of it.
 */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { LiveStream, type ViewerEvent } from '../../src/live/live-stream';
import { LiveViewer, type LiveFrame, type ViewerSink } from '../../src/live/viewer';
import type { ParameterSets } from '../../src/media/types';
import { loadClip } from '../helpers/clip';
import { FakeSource } from '../helpers/fake-source';
import { findBox, parseBoxes } from '../helpers/mp4-boxes';

/** A socket stand-in: written chunks pile up in `pending` until drain(). */
class FakeSink implements ViewerSink {
  readonly written: Buffer[] = [];
  pending = 0;
  maxPending = 0;
  destroyed = false;
  /** false: the "network" sends everything at once (pending stays 0). */
  constructor(private readonly slow = false) {}
  write(chunk: Buffer): void {
    this.written.push(chunk);
    if (this.slow) this.pending += chunk.length;
    this.maxPending = Math.max(this.maxPending, this.pending);
  }
  get writableLength(): number {
    return this.pending;
  }
  destroy(): void {
    this.destroyed = true;
  }
  drain(bytes = Infinity): void {
    this.pending = Math.max(0, this.pending - bytes);
  }
}

function frame(keyframe: boolean, bytes = 1000, initVersion = 1): LiveFrame {
  return { fragment: Buffer.alloc(bytes), keyframe, init: Buffer.from('init'), initVersion };
}

describe('live/viewer: the per-viewer queue', () => {
  const limits = { queueBytes: 10_000, stuckMs: 30_000 };

  it('waits for a keyframe, then writes the init segment once and a fragment per frame', () => {
    const sink = new FakeSink();
    const viewer = new LiveViewer('1', 'here', sink, limits);
    assert.equal(viewer.offer(frame(false), 0), 'skipped');
    assert.equal(viewer.state, 'waiting');
    assert.equal(viewer.offer(frame(true), 0), 'sent');
    assert.equal(viewer.offer(frame(false), 0), 'sent');
    assert.deepEqual(sink.written.map((b) => b.length), [4, 1000, 1000]);
    assert.deepEqual(viewer.stats, { framesSent: 2, framesSkipped: 1, bytesSent: 2004, skips: 0 });
  });

  it('skips when the queue would pass the bound and comes back at a keyframe once below half', () => {
    const sink = new FakeSink(true);
    const viewer = new LiveViewer('1', 'here', sink, limits);
    viewer.offer(frame(true), 0);
    for (let i = 0; i < 30; i++) viewer.offer(frame(i % 15 === 14), i);
    assert.equal(viewer.state, 'skipping');
    assert.ok(sink.maxPending <= limits.queueBytes, `queued ${sink.maxPending} bytes`);
    sink.drain(2000); // still above half: a keyframe is not enough
    assert.equal(viewer.offer(frame(true), 40), 'skipped');
    sink.drain(); // caught up: the next non-keyframe is still skipped, the keyframe is sent
    assert.equal(viewer.offer(frame(false), 41), 'skipped');
    assert.equal(viewer.offer(frame(true), 42), 'sent');
    assert.equal(viewer.state, 'playing');
    assert.equal(viewer.stats.skips, 1);
  });

  it('is closed when it has not drained for stuckMs (checked as frames arrive, no timer)', () => {
    const sink = new FakeSink(true);
    const viewer = new LiveViewer('1', 'here', sink, limits);
    viewer.offer(frame(true, 20_000), 0); // one huge first frame fills the queue
    assert.equal(viewer.offer(frame(false), 1), 'skipped');
    assert.equal(viewer.state, 'skipping');
    assert.equal(viewer.offer(frame(true), 29_999), 'skipped');
    assert.equal(viewer.offer(frame(true), 30_001), 'stuck');
    assert.equal(viewer.state, 'closed');
    assert.equal(sink.destroyed, true);
  });

  it('on new parameter sets waits for a keyframe and writes the new init segment before it', () => {
    const sink = new FakeSink();
    const viewer = new LiveViewer('1', 'here', sink, limits);
    viewer.offer(frame(true), 0);
    assert.equal(viewer.offer(frame(false, 1000, 2), 1), 'skipped');
    assert.equal(viewer.offer(frame(true, 1000, 2), 2), 'sent');
    assert.deepEqual(sink.written.map((b) => b.length), [4, 1000, 4, 1000]);
  });
});

describe('live/live-stream: one muxer, many viewers', () => {
  const clip = loadClip();
  let clock = 0;
  const now = (): number => clock;

  function setup(opts: { maxViewers?: number; viewerQueueBytes?: number } = {}): { source: FakeSource; stream: LiveStream; events: ViewerEvent[] } {
    clock = 0;
    const source = new FakeSource();
    const stream = new LiveStream({ source, now, ...opts });
    const events: ViewerEvent[] = [];
    stream.on('viewer', (e: ViewerEvent) => events.push(e));
    stream.start();
    return { source, stream, events };
  }

  it('writes the same fragment Buffer to every viewer, each starting with init + a keyframe', () => {
    const { source, stream } = setup();
    const a = new FakeSink();
    const b = new FakeSink();
    source.step(3);
    stream.addViewer(a, 'a');
    source.step(3); // a joined after a keyframe: nothing yet
    assert.equal(a.written.length, 0);
    stream.addViewer(b, 'b');
    source.step(30);
    assert.equal(a.written.length, 1 + 21, 'init + frames from the keyframe at 15');
    assert.equal(b.written.length, 22);
    for (let i = 0; i < a.written.length; i++) assert.equal(a.written[i], b.written[i], `chunk ${i} is one Buffer`);
    const init = parseBoxes(a.written[0]);
    assert.deepEqual(init.map((x) => x.type), ['ftyp', 'moov']);
    assert.ok(findBox(init, 'moov/trak/mdia/minf/stbl/stsd/avc1/avcC'));
    assert.deepEqual(parseBoxes(a.written[1]).map((x) => x.type), ['moof', 'mdat']);
    assert.equal(stream.stats.fragments, 36);
    assert.equal(stream.codec, 'avc1.42c01e');
  });

  it('a slow viewer skips ahead, bounded, while a fast one gets every frame', () => {
    const queue = 64 * 1024;
    const { source, stream, events } = setup({ viewerQueueBytes: queue });
    const fast = new FakeSink();
    const slow = new FakeSink(true);
    source.stepToKeyframe();
    stream.addViewer(fast, 'fast');
    stream.addViewer(slow, 'slow');
    for (let i = 0; i < 300; i++) {
      clock += 66;
      source.step();
      if (i % 40 === 39) slow.drain(); // the slow one catches up now and then
    }
    assert.equal(fast.written.length, 301, 'init + every frame');
    const largestFragment = Math.max(...fast.written.map((b) => b.length));
    assert.ok(slow.maxPending <= queue + largestFragment, `slow viewer held ${slow.maxPending} bytes`);
    assert.ok(slow.written.length < fast.written.length);
    assert.ok(stream.stats.framesSkipped > 0);
    assert.equal(slow.destroyed, false);
    assert.deepEqual(events.map((e) => e.change), ['joined', 'joined']);
  });

  it('closes a viewer stuck for viewerStuckMs and reports it; the others go on', () => {
    const { source, stream, events } = setup({ viewerQueueBytes: 16 * 1024 });
    const ok = new FakeSink();
    const stuck = new FakeSink(true);
    source.stepToKeyframe();
    stream.addViewer(ok, 'ok');
    stream.addViewer(stuck, 'stuck');
    for (let i = 0; i < 600 && !stuck.destroyed; i++) {
      clock += 66;
      source.step();
    }
    assert.equal(stuck.destroyed, true);
    assert.ok(clock >= 30_000 && clock < 32_000, `closed after ${clock} ms`);
    assert.equal(stream.viewerCount, 1);
    assert.deepEqual(events.at(-1), { change: 'left', id: '2', remote: 'stuck', reason: 'stuck', viewers: 1 });
    assert.equal(stream.stats.stuckViewers, 1);
    const before = ok.written.length;
    source.step(5);
    assert.equal(ok.written.length, before + 5);
  });

  it('refuses viewers beyond maxViewers, and closes them all on stop', () => {
    const { stream, events } = setup({ maxViewers: 2 });
    const sinks = [new FakeSink(), new FakeSink(), new FakeSink()];
    assert.ok(stream.addViewer(sinks[0], 'a'));
    assert.ok(stream.addViewer(sinks[1], 'b'));
    assert.equal(stream.addViewer(sinks[2], 'c'), undefined);
    stream.stop();
    assert.deepEqual(sinks.map((s) => s.destroyed), [true, true, false]);
    assert.deepEqual(events.filter((e) => e.change === 'left').map((e) => e.reason), ['stopped', 'stopped']);
    assert.equal(stream.addViewer(new FakeSink(), 'd'), undefined, 'a stopped stream takes no viewer');
  });

  it('makes a new init segment when the parameter sets change and gives it to viewers before the next keyframe', () => {
    const source = new (class extends FakeSource {
      current: ParameterSets = clip.parameterSets;
      override parameterSets(): ParameterSets {
        return this.current;
      }
    })();
    const stream = new LiveStream({ source, now });
    stream.start();
    const sink = new FakeSink();
    stream.addViewer(sink, 'a');
    source.step(20);
    // Same SPS, another object with a changed PPS id byte: a new version of the init segment.
    source.current = { sps: clip.parameterSets.sps, pps: Buffer.from(clip.parameterSets.pps) };
    source.step(20);
    const inits = sink.written.filter((b) => b.toString('latin1', 4, 8) === 'ftyp');
    assert.equal(inits.length, 2);
    const second = sink.written.indexOf(inits[1]);
    assert.equal(second, 21, 'init + 20 frames, then frames 20-29 skipped and the new init before keyframe 30');
    assert.equal(stream.initSegment(2), inits[1]);
    stream.stop();
  });

  it('listens to nothing after stop()', () => {
    const { source, stream } = setup();
    stream.stop();
    assert.equal(source.listenerCount('accessUnit'), 0);
    assert.equal((source as EventEmitter).listenerCount('stalled'), 0);
  });
});
