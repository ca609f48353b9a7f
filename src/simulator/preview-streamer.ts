/**
 * Streams the preview clip to one client the way the camera does (docs/PROTOCOL.md §4): each frame cut
 * into `sliceSize`-byte type-1 datagrams, then one type-2 time packet carrying the frame's elapsed
 * milliseconds (the simulator's answer to the open ordering question of §4.3: the time packet
 * follows its frame's data). Frames are paced at `fps` against a fixed start time, so timer jitter
 * does not accumulate; the clip loops and elapsed time keeps increasing across loops. The 16-bit
 * sequence number counts every datagram and wraps.
 */
import type * as dgram from 'dgram';
import type { Logger } from '../logger';
import { PreviewType, encodePreviewDatagram, encodeTimePayload } from '../protocol';

export interface PreviewTarget {
  address: string;
  port: number;
}

export interface PreviewCounters {
  previewDatagrams: number;
  previewFrames: number;
}

export interface PreviewStreamerOptions {
  socket: dgram.Socket;
  target: PreviewTarget;
  frames: readonly Buffer[];
  fps: number;
  sliceSize: number;
  counters: PreviewCounters;
  logger: Logger;
  /** While true, frames are skipped (not sent) but the stream's clock advances. */
  muted?: () => boolean;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

/** A frame late by more than this is sent at once and the schedule restarts from now (e.g. after a suspend). */
const MAX_LATENESS_MS = 1000;

export class PreviewStreamer {
  private timer?: NodeJS.Timeout;
  private running = false;
  private frameIndex = 0;
  private seq = 0;
  private scheduleBase = 0;
  private scheduleIndex = 0;
  private readonly frameMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: PreviewStreamerOptions) {
    this.frameMs = 1000 / opts.fps;
    this.now = opts.now ?? (() => performance.now());
  }

  get target(): PreviewTarget {
    return this.opts.target;
  }

  start(): void {
    if (this.running || this.opts.frames.length === 0) return;
    this.running = true;
    this.scheduleBase = this.now();
    this.scheduleIndex = 0;
    this.tick();
  }

  /** Stops sending; idempotent. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (!this.running) return;
    this.sendFrame();
    this.scheduleIndex++;
    let delay = this.scheduleBase + this.scheduleIndex * this.frameMs - this.now();
    if (delay < -MAX_LATENESS_MS) {
      this.scheduleBase = this.now();
      this.scheduleIndex = 0;
      delay = 0;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, delay));
  }

  private sendFrame(): void {
    const { frames, sliceSize, counters } = this.opts;
    const frame = frames[this.frameIndex % frames.length];
    const elapsedMs = Math.round(this.frameIndex * this.frameMs);
    if (this.opts.muted?.()) {
      this.frameIndex++;
      return;
    }
    for (let offset = 0; offset < frame.length; offset += sliceSize) {
      this.sendDatagram(PreviewType.H264, frame.subarray(offset, Math.min(frame.length, offset + sliceSize)));
    }
    this.sendDatagram(PreviewType.TIME, encodeTimePayload(elapsedMs));
    this.frameIndex++;
    counters.previewFrames++;
  }

  private sendDatagram(type: number, payload: Buffer): void {
    const datagram = encodePreviewDatagram(this.seq, type, payload);
    this.seq = (this.seq + 1) & 0xffff;
    this.opts.counters.previewDatagrams++;
    const { address, port } = this.opts.target;
    const report = (err: Error | null): void => {
      if (err) this.opts.logger.debug(`sim: preview send to ${address}:${port} failed: ${err.message}`);
    };
    try {
      this.opts.socket.send(datagram, port, address, report);
    } catch (err) {
      // Synchronous throws (a closed socket, an unusable address) must not escape a timer callback.
      report(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
