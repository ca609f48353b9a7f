/**
 * What bench/mp4-bench.ts measures: one function per (muxer, path) that muxes a timeline of access
 * units and reports what came out. Every subject gets the same pre-built frames and pays for the
 * same AVCC conversion (sample-data.ts), so the differences are the muxers'. Output bytes are
 * counted and dropped (no file I/O in any subject).
 *
 * mediabunny and mp4-muxer are optional: they are not dependencies of the package. Install them
 * next to it for a comparison run (`npm install --no-save mediabunny@1.61.0 mp4-muxer@5.2.2`,
 * docs/MP4.md); subjects whose library is missing are reported as such.
 */
import type { AccessUnit, ParameterSets } from '../src/media/types';
import { avcDecoderConfigurationRecord, codecString } from '../src/media/mp4/avcc';
import { ClipIndex } from '../src/media/mp4/clip-index';
import { initSegment } from '../src/media/mp4/init-segment';
import { LiveFragmenter } from '../src/media/mp4/live-fragmenter';
import { progressiveHeader } from '../src/media/mp4/progressive';
import { avccSample } from '../src/media/mp4/sample-data';
import { parseSps } from '../src/media/h264/sps';

export type Mp4Path = 'fragment' | 'clip';

export interface SubjectOutput {
  /** Bytes the muxer produced. */
  bytes: number;
  /** Separate outputs (fragments, writes) it produced. */
  outputs: number;
  /** Most frames pushed in a row without any new output byte: how long a frame waits to be sent. */
  maxFramesWaiting: number;
  /**
   * Most JS heap + ArrayBuffer memory the muxer kept alive during the run (bytes), sampled after a
   * full GC every MEMORY_SAMPLE_FRAMES frames; only in the untimed memory pass (setMemoryPass(true)).
   */
  peakRetained: number;
}

/** Frames between memory samples in the memory pass. */
const MEMORY_SAMPLE_FRAMES = 500;
let memoryPass = false;

/** Memory pass: sample retained memory (with forced GCs, so never in a timed run). Needs --expose-gc. */
export function setMemoryPass(on: boolean): void {
  memoryPass = on;
}

function memoryInUse(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export interface Mp4Subject {
  name: string;
  path: Mp4Path;
  /** Why it cannot run here (library not installed), else undefined. */
  missing?: string;
  run(frames: readonly AccessUnit[], params: ParameterSets): Promise<SubjectOutput>;
}

const TIMESCALE = 90000;

/** Counts bytes and output calls, and the longest run of pushes that produced nothing. */
class Sink {
  bytes = 0;
  outputs = 0;
  maxFramesWaiting = 0;
  private waiting = 0;
  private seenAtPush = 0;
  private pushes = 0;
  private readonly memoryAtStart = memoryPass ? memoryInUse() : 0;
  private peakMemory = 0;

  private sampleMemory(): void {
    if (!memoryPass) return;
    const growth = memoryInUse() - this.memoryAtStart;
    if (growth > this.peakMemory) this.peakMemory = growth;
  }

  write(n: number): void {
    this.bytes += n;
    this.outputs++;
  }

  /** Call after each frame was handed to the muxer. */
  pushed(): void {
    if (this.outputs === this.seenAtPush) this.waiting++;
    else this.waiting = 0;
    this.seenAtPush = this.outputs;
    if (this.waiting > this.maxFramesWaiting) this.maxFramesWaiting = this.waiting;
    if (++this.pushes % MEMORY_SAMPLE_FRAMES === 0) this.sampleMemory();
  }

  result(): SubjectOutput {
    this.sampleMemory();
    return { bytes: this.bytes, outputs: this.outputs, maxFramesWaiting: this.maxFramesWaiting, peakRetained: this.peakMemory };
  }
}

/** The least any muxer does per frame: the frame's bytes, length-prefixed, in a new buffer. */
const baseline = (path: Mp4Path): Mp4Subject => ({
  name: 'baseline: AVCC copy of the frame',
  path,
  async run(frames) {
    const sink = new Sink();
    for (const au of frames) {
      sink.write(avccSample(au.nalus).length);
      sink.pushed();
    }
    return sink.result();
  },
});

const ours: Mp4Subject[] = [
  {
    name: 'this package: LiveFragmenter.push',
    path: 'fragment',
    async run(frames, params) {
      const sink = new Sink();
      sink.write(initSegment(params).length);
      const fragmenter = new LiveFragmenter();
      for (const au of frames) {
        sink.write(fragmenter.push(au).length);
        sink.pushed();
      }
      return sink.result();
    },
  },
  {
    name: 'this package: avccSample + ClipIndex, progressiveHeader',
    path: 'clip',
    async run(frames, params) {
      const sink = new Sink();
      const index = new ClipIndex();
      for (const au of frames) {
        const bytes = avccSample(au.nalus); // an output appends these to its payload file
        index.add(au.timestamp, bytes.length, au.keyframe);
        sink.write(bytes.length);
        sink.pushed();
      }
      sink.write(progressiveHeader(params, index.samples()).header.length);
      return sink.result();
    },
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function load(name: string): any {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

function decoderConfig(params: ParameterSets): { codec: string; codedWidth: number; codedHeight: number; description: Uint8Array } {
  const { width, height } = parseSps(params.sps);
  return { codec: codecString(params.sps), codedWidth: width, codedHeight: height, description: avcDecoderConfigurationRecord(params) };
}

function mediabunny(path: Mp4Path): Mp4Subject {
  const mb = load('mediabunny');
  return {
    name: path === 'fragment' ? "mediabunny: fastStart 'fragmented', minimumFragmentDuration 0" : "mediabunny: fastStart 'in-memory'",
    path,
    missing: mb ? undefined : 'mediabunny is not installed',
    async run(frames, params) {
      const sink = new Sink();
      const target = path === 'fragment'
        ? new mb.StreamTarget(new WritableStream({ write: (chunk: { data: Uint8Array }) => sink.write(chunk.data.length) }))
        : new mb.BufferTarget();
      const output = new mb.Output({
        format: new mb.Mp4OutputFormat(path === 'fragment' ? { fastStart: 'fragmented', minimumFragmentDuration: 0 } : { fastStart: 'in-memory' }),
        target,
      });
      const source = new mb.EncodedVideoPacketSource('avc');
      output.addVideoTrack(source);
      await output.start();
      const meta = { decoderConfig: decoderConfig(params) };
      const first = frames[0].timestamp;
      for (let i = 0; i < frames.length; i++) {
        const au = frames[i];
        const packet = new mb.EncodedPacket(avccSample(au.nalus), au.keyframe ? 'key' : 'delta', (au.timestamp - first) / TIMESCALE, 6000 / TIMESCALE);
        await source.add(packet, i === 0 ? meta : undefined);
        sink.pushed();
      }
      await output.finalize();
      if (path === 'clip') sink.write(target.buffer.byteLength);
      return sink.result();
    },
  };
}

function mp4Muxer(path: Mp4Path): Mp4Subject {
  const mm = load('mp4-muxer');
  return {
    name: path === 'fragment' ? "mp4-muxer: fastStart 'fragmented', minFragmentDuration 0" : "mp4-muxer: fastStart 'in-memory'",
    path,
    missing: mm ? undefined : 'mp4-muxer is not installed',
    async run(frames, params) {
      const sink = new Sink();
      const { width, height } = parseSps(params.sps);
      const target = path === 'fragment' ? new mm.StreamTarget({ onData: (data: Uint8Array, _position: number) => sink.write(data.length) }) : new mm.ArrayBufferTarget();
      const muxer = new mm.Muxer({
        target,
        video: { codec: 'avc', width, height },
        fastStart: path === 'fragment' ? 'fragmented' : 'in-memory',
        minFragmentDuration: 0,
      });
      const meta = { decoderConfig: decoderConfig(params) };
      const first = frames[0].timestamp;
      for (let i = 0; i < frames.length; i++) {
        const au = frames[i];
        const us = Math.round(((au.timestamp - first) * 1e6) / TIMESCALE);
        muxer.addVideoChunkRaw(avccSample(au.nalus), au.keyframe ? 'key' : 'delta', us, Math.round(6000 * 1e6 / TIMESCALE), i === 0 ? meta : undefined);
        sink.pushed();
      }
      muxer.finalize();
      if (path === 'clip') sink.write(target.buffer.byteLength);
      return sink.result();
    },
  };
}

/** Every subject of a path, the baseline first. */
export function subjects(path: Mp4Path): Mp4Subject[] {
  return [baseline(path), ...ours.filter((s) => s.path === path), mediabunny(path), mp4Muxer(path)];
}
