/**
 * One `stream.mp4` viewer: the init segment, then one fragment per frame from a keyframe on, with
 * a named bound on the bytes waiting in its socket (LiveDefaults.viewerQueueBytes).
 *
 *   waiting  --keyframe-->  playing  --queue over the bound-->  skipping
 *      ^                      ^                                   |
 *      |                      +--keyframe, queue below half-------+
 *      +-- new parameter sets on a non-keyframe                   +--skipping for viewerStuckMs--> closed
 *
 * A viewer that falls behind never holds back the others (they are written the same Buffer and
 * nobody waits for anybody) and never grows memory past the bound plus one fragment: it drops
 * frames until its socket has drained and a keyframe comes, so the picture jumps ahead instead of
 * lagging. The socket side is a ViewerSink, so this class is tested without sockets.
 */

export interface ViewerSink {
  /** Hands bytes to the connection (never blocks; the bytes wait in writableLength). */
  write(chunk: Buffer): void;
  /** Bytes handed over and not yet sent. */
  readonly writableLength: number;
  /** Ends the connection at once. */
  destroy(): void;
}

/** One frame as every viewer gets it: the same fragment Buffer for all. */
export interface LiveFrame {
  fragment: Buffer;
  keyframe: boolean;
  /** The init segment this fragment needs, and its version (a new one per parameter-set change). */
  init: Buffer;
  initVersion: number;
}

export type ViewerState = 'waiting' | 'playing' | 'skipping' | 'closed';

export interface ViewerStats {
  framesSent: number;
  framesSkipped: number;
  bytesSent: number;
  /** Times the viewer fell behind and skipped ahead. */
  skips: number;
}

export interface ViewerLimits {
  queueBytes: number;
  stuckMs: number;
}

/** What offer() did with a frame. */
export type OfferResult = 'sent' | 'skipped' | 'stuck';

export class LiveViewer {
  private current: ViewerState = 'waiting';
  private sentInit = -1;
  private skippingSince = 0;
  readonly stats: ViewerStats = { framesSent: 0, framesSkipped: 0, bytesSent: 0, skips: 0 };

  constructor(
    readonly id: string,
    readonly remote: string,
    private readonly sink: ViewerSink,
    private readonly limits: ViewerLimits,
  ) {}

  get state(): ViewerState {
    return this.current;
  }

  /** Offers the next frame at time `nowMs` (monotonic). 'stuck': the viewer was closed for not draining. */
  offer(frame: LiveFrame, nowMs: number): OfferResult {
    switch (this.current) {
      case 'closed':
        return 'skipped';
      case 'waiting':
        if (!frame.keyframe) return this.skip();
        return this.send(frame);
      case 'playing':
        if (this.sink.writableLength + frame.fragment.length > this.limits.queueBytes) {
          this.current = 'skipping';
          this.skippingSince = nowMs;
          this.stats.skips++;
          return this.skip();
        }
        if (frame.initVersion !== this.sentInit && !frame.keyframe) {
          this.current = 'waiting'; // new parameter sets: only a keyframe can follow the new init segment
          return this.skip();
        }
        return this.send(frame);
      case 'skipping':
        if (nowMs - this.skippingSince >= this.limits.stuckMs) {
          this.close();
          return 'stuck';
        }
        if (!frame.keyframe || this.sink.writableLength > this.limits.queueBytes / 2) return this.skip();
        return this.send(frame);
    }
  }

  /** Ends the viewer's connection (idempotent). */
  close(): void {
    if (this.current === 'closed') return;
    this.current = 'closed';
    this.sink.destroy();
  }

  /** The connection ended by itself: forget it without touching the sink. */
  ended(): void {
    this.current = 'closed';
  }

  private send(frame: LiveFrame): OfferResult {
    if (frame.initVersion !== this.sentInit) {
      this.sink.write(frame.init);
      this.sentInit = frame.initVersion;
      this.stats.bytesSent += frame.init.length;
    }
    this.sink.write(frame.fragment);
    this.current = 'playing';
    this.stats.framesSent++;
    this.stats.bytesSent += frame.fragment.length;
    return 'sent';
  }

  private skip(): OfferResult {
    this.stats.framesSkipped++;
    return 'skipped';
  }
}
