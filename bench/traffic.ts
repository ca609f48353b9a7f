/**
 * The camera and the player of the UDP benchmark, in the parent process: it sends the camera's
 * datagrams to the path under test (127.0.0.1) as fast as the path takes them, and a sink socket
 * receives what comes out. Flow control instead of a fixed rate: at most `window` frames are in
 * flight; the sink's sight of a frame's end (frame-ends.ts) frees a slot, so the kernel never drops
 * for want of buffer and the rate found is the path's (or this process's, whichever is slower: the
 * report shows the subject's CPU share to tell which).
 *
 * Latency of a frame = from just before its last camera datagram (the time packet, which completes
 * the frame in both paths) is sent to the moment the sink receives the datagram that ends it.
 * A frame whose end never arrives is lost: it is written off when a later frame ends first, or
 * when nothing arrives for STALL_MS. Every phase ends by itself (deadline, stall).
 */
import * as dgram from 'node:dgram';
import type { CameraFeed } from './camera-feed';
import type { FrameEnd } from './frame-ends';

/** Nothing from the sink for this long while frames are in flight: they are lost. */
const STALL_MS = 250;
const SINK_BUFFER_BYTES = 4 * 1024 * 1024;

export interface PhaseResult {
  /** Frames sent. */
  frames: number;
  /** Frames whose end reached the sink. */
  delivered: number;
  lost: number;
  wallMs: number;
  /** H.264 bytes and datagrams sent by the camera. */
  payloadBytes: number;
  datagramsIn: number;
  /** Datagrams and bytes the sink received. */
  datagramsOut: number;
  bytesOut: number;
  /** Latency (ms) of each delivered frame, in delivery order. */
  latencies: Float64Array;
  /** The phase stopped at its deadline before sending every frame. */
  cutShort: boolean;
}

export interface PhaseSpec {
  frames: number;
  window: number;
  deadlineMs: number;
}

export class TrafficDriver {
  private readonly camera = dgram.createSocket('udp4');
  private readonly sink = dgram.createSocket('udp4');
  /** The next frame of the whole run (phases continue the stream). */
  private nextFrame = 0;
  private onSinkDatagram: (datagram: Buffer) => void = () => undefined;

  private constructor(private readonly feed: CameraFeed, private readonly frameEnd: FrameEnd) {
    this.camera.on('error', () => undefined); // ECONNREFUSED while the subject is not yet listening
    this.sink.on('error', () => undefined);
    this.sink.on('message', (datagram) => this.onSinkDatagram(datagram));
  }

  /** Binds the sink on 127.0.0.1 (an ephemeral port). */
  static async open(feed: CameraFeed, frameEnd: FrameEnd): Promise<TrafficDriver> {
    const driver = new TrafficDriver(feed, frameEnd);
    await new Promise<void>((resolve, reject) => {
      driver.sink.once('error', reject);
      driver.sink.bind(0, '127.0.0.1', () => {
        driver.sink.removeListener('error', reject);
        resolve();
      });
    });
    try {
      driver.sink.setRecvBufferSize(SINK_BUFFER_BYTES);
    } catch {
      // capped by the OS; the window keeps the backlog small anyway
    }
    return driver;
  }

  get sinkPort(): number {
    return this.sink.address().port;
  }

  /** Points the camera at the path under test. */
  connect(port: number): Promise<void> {
    return new Promise((resolve) => this.camera.connect(port, '127.0.0.1', () => resolve()));
  }

  run(spec: PhaseSpec): Promise<PhaseResult> {
    const first = this.nextFrame;
    let end = first + spec.frames;
    const sentAt = new Float64Array(spec.frames);
    const latencies = new Float64Array(spec.frames);
    const result: PhaseResult = {
      frames: 0, delivered: 0, lost: 0, wallMs: 0, payloadBytes: 0, datagramsIn: 0, datagramsOut: 0, bytesOut: 0,
      latencies, cutShort: false,
    };
    /** Every frame below `settled` was delivered or written off. */
    let settled = first;
    let lastProgress = performance.now();
    const started = lastProgress;
    const deadline = started + spec.deadlineMs;

    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearInterval(watchdog);
        this.onSinkDatagram = () => undefined;
        result.wallMs = performance.now() - started;
        result.latencies = latencies.subarray(0, result.delivered);
        resolve(result);
      };
      const pump = (): void => {
        while (this.nextFrame < end && this.nextFrame - settled < spec.window) {
          const index = this.nextFrame++;
          const datagrams = this.feed.datagramsOf(index);
          const last = datagrams.length - 1;
          for (let i = 0; i < last; i++) this.camera.send(datagrams[i]);
          sentAt[index - first] = performance.now();
          this.camera.send(datagrams[last]);
          result.frames++;
          result.datagramsIn += datagrams.length;
          result.payloadBytes += this.feed.payloadOf(index);
        }
        if (settled >= end) finish();
      };
      this.onSinkDatagram = (datagram) => {
        if (done) return;
        result.datagramsOut++;
        result.bytesOut += datagram.length;
        const index = this.frameEnd(datagram);
        if (index === undefined || index < settled || index >= this.nextFrame) return; // not a frame end of this phase
        const now = performance.now();
        latencies[result.delivered++] = now - sentAt[index - first];
        result.lost += index - settled; // earlier frames in flight whose ends never came
        settled = index + 1;
        lastProgress = now;
        pump();
      };
      const watchdog = setInterval(() => {
        const now = performance.now();
        if (now >= deadline && end > this.nextFrame) {
          end = this.nextFrame; // send nothing more; finish once the frames in flight settle
          result.cutShort = true;
          if (settled >= end) return finish();
        }
        if (now - lastProgress >= STALL_MS && settled < this.nextFrame) {
          result.lost += this.nextFrame - settled;
          settled = this.nextFrame;
          lastProgress = now;
          pump();
        }
      }, 50);
      pump();
    });
  }

  close(): Promise<void> {
    const closing = [this.camera, this.sink].map(
      (socket) =>
        new Promise<void>((resolve) => {
          try {
            socket.close(() => resolve());
          } catch {
            resolve();
          }
        }),
    );
    return Promise.all(closing).then(() => undefined);
  }
}
