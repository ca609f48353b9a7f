/**
 * LiveStream: one camera preview as fragmented MP4, muxed once per frame and fanned out. It listens
 * to a StreamSource (the camera's LivePreview) and, for every access unit:
 *   - makes the init segment again when the parameter sets changed (a new version),
 *   - makes the frame's moof+mdat once (LiveFragmenter, docs/MP4.md),
 *   - offers that same Buffer to every `stream.mp4` viewer (viewer.ts: joins at a keyframe, skips
 *     ahead when behind, bounded),
 *   - adds it to the HLS segmenter (hls-segmenter.ts), whose segments are runs of those Buffers.
 * Nothing here owns a timer; a viewer stuck for too long is noticed when a frame arrives.
 *
 * Events (never 'error'): 'viewer' (ViewerEvent) when a viewer joins or leaves.
 */
import { EventEmitter } from 'events';
import { initSegment } from '../media/mp4/init-segment';
import { LiveFragmenter } from '../media/mp4/live-fragmenter';
import { codecString } from '../media/mp4/avcc';
import type { StreamSource } from '../media/source';
import type { AccessUnit, ParameterSets } from '../media/types';
import type { Logger } from '../logger';
import { LiveDefaults } from './defaults';
import { HlsSegmenter, type HlsSegmenterOptions } from './hls-segmenter';
import { renderPlaylist } from './playlist';
import { LiveViewer, type LiveFrame, type ViewerSink } from './viewer';

export interface LiveStreamOptions extends HlsSegmenterOptions {
  source: StreamSource;
  maxViewers?: number;
  viewerQueueBytes?: number;
  viewerStuckMs?: number;
  logger?: Logger;
  /** Monotonic milliseconds (tests pass a fake clock). */
  now?: () => number;
}

export interface ViewerEvent {
  change: 'joined' | 'left';
  id: string;
  remote: string;
  /** Why it left: the client went away, it was stuck behind, or the output stopped. */
  reason?: 'closed' | 'stuck' | 'stopped';
  viewers: number;
}

export interface LiveStreamStats {
  /** Fragments muxed (one per frame since start). */
  fragments: number;
  /** Bytes of fragments muxed (each written to every viewer). */
  fragmentBytes: number;
  /** Bytes handed to viewers' sockets. */
  bytesSent: number;
  /** Frames viewers skipped (joining before a keyframe, or behind). */
  framesSkipped: number;
  /** Viewers closed because they did not drain for viewerStuckMs. */
  stuckViewers: number;
  /** HLS segments finished. */
  segments: number;
  /** Access units the muxer refused (a broken frame or parameter set), logged. */
  badFrames: number;
}

export type LiveStreamState = 'idle' | 'running' | 'stopped';

/** Init segments kept by version: those HLS segments still need, and the current one. */
interface InitEntry {
  init: Buffer;
  codec: string;
  params: ParameterSets;
}

export class LiveStream extends EventEmitter {
  readonly maxViewers: number;
  readonly hls: HlsSegmenter;
  private readonly source: StreamSource;
  private readonly queueBytes: number;
  private readonly stuckMs: number;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly fragmenter = new LiveFragmenter();
  private readonly viewers = new Map<string, LiveViewer>();
  private readonly inits = new Map<number, InitEntry>();
  private params: ParameterSets | undefined;
  private initVersion = 0;
  private nextViewerId = 1;
  private current: LiveStreamState = 'idle';
  private readonly counters: LiveStreamStats = {
    fragments: 0,
    fragmentBytes: 0,
    bytesSent: 0,
    framesSkipped: 0,
    stuckViewers: 0,
    segments: 0,
    badFrames: 0,
  };
  /** Reused for every frame: offer() reads it synchronously. */
  private readonly frame: LiveFrame = { fragment: Buffer.alloc(0), keyframe: false, init: Buffer.alloc(0), initVersion: 0 };
  private readonly onAccessUnit = (au: AccessUnit): void => this.push(au);
  private readonly onStalled = (): void => {
    if (this.hls.flush()) this.counters.segments++;
  };

  constructor(opts: LiveStreamOptions) {
    super();
    this.source = opts.source;
    this.maxViewers = opts.maxViewers ?? LiveDefaults.maxViewers;
    this.queueBytes = opts.viewerQueueBytes ?? LiveDefaults.viewerQueueBytes;
    this.stuckMs = opts.viewerStuckMs ?? LiveDefaults.viewerStuckMs;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => performance.now());
    this.hls = new HlsSegmenter(opts);
  }

  get state(): LiveStreamState {
    return this.current;
  }

  /** Listens to the source. */
  start(): void {
    if (this.current !== 'idle') return;
    this.current = 'running';
    this.source.on('accessUnit', this.onAccessUnit);
    this.source.on('stalled', this.onStalled);
  }

  /** Stops listening and closes every viewer. Idempotent. */
  stop(): void {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    this.source.removeListener('accessUnit', this.onAccessUnit);
    this.source.removeListener('stalled', this.onStalled);
    for (const viewer of [...this.viewers.values()]) this.drop(viewer, 'stopped', true);
  }

  /** `stream.mp4` viewers connected now. */
  get viewerCount(): number {
    return this.viewers.size;
  }

  get stats(): LiveStreamStats {
    return { ...this.counters };
  }

  /** The RFC 6381 codecs value of the current parameter sets (avc1.42c01e), once known. */
  get codec(): string | undefined {
    return this.inits.get(this.initVersion)?.codec;
  }

  /**
   * Adds a viewer writing to `sink`; undefined when maxViewers are connected or the stream is not
   * running. Call viewerEnded(id) when the connection closes.
   */
  addViewer(sink: ViewerSink, remote: string): LiveViewer | undefined {
    if (this.current !== 'running' || this.viewers.size >= this.maxViewers) return undefined;
    const viewer = new LiveViewer(String(this.nextViewerId++), remote, sink, { queueBytes: this.queueBytes, stuckMs: this.stuckMs });
    this.viewers.set(viewer.id, viewer);
    this.emit('viewer', { change: 'joined', id: viewer.id, remote, viewers: this.viewers.size } satisfies ViewerEvent);
    return viewer;
  }

  /** The viewer's connection closed (by the client or after close()). */
  viewerEnded(id: string): void {
    const viewer = this.viewers.get(id);
    if (viewer) this.drop(viewer, 'closed', false);
  }

  /** The live HLS playlist now. */
  playlist(): string {
    return renderPlaylist(this.hls.targetDuration, this.hls.listed());
  }

  /** An init segment still in use, by version. */
  initSegment(version: number): Buffer | undefined {
    return this.inits.get(version)?.init;
  }

  private push(au: AccessUnit): void {
    const params = this.source.parameterSets();
    if (!params) return; // nothing can be muxed before the first SPS/PPS
    let fragment: Buffer;
    try {
      if (params !== this.params) this.newInit(params);
      fragment = this.fragmenter.push(au);
    } catch (err) {
      this.counters.badFrames++;
      if (this.counters.badFrames <= 16) this.logger?.warn(`live: frame not muxed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.counters.fragments++;
    this.counters.fragmentBytes += fragment.length;
    const frame = this.frame;
    frame.fragment = fragment;
    frame.keyframe = au.keyframe;
    frame.initVersion = this.initVersion;
    frame.init = (this.inits.get(this.initVersion) as InitEntry).init;
    if (this.viewers.size > 0) {
      const now = this.now();
      for (const viewer of this.viewers.values()) {
        const sentBefore = viewer.stats.bytesSent;
        const result = viewer.offer(frame, now);
        if (result === 'sent') this.counters.bytesSent += viewer.stats.bytesSent - sentBefore;
        else if (result === 'skipped') this.counters.framesSkipped++;
        else {
          this.counters.stuckViewers++;
          this.drop(viewer, 'stuck', false);
        }
      }
    }
    if (this.hls.add({ fragment, decodeTime: this.fragmenter.decodeTime, keyframe: au.keyframe, initVersion: this.initVersion })) {
      this.counters.segments++;
      this.pruneInits();
    }
    frame.fragment = frame.init = EMPTY; // hold no frame between calls
  }

  private newInit(params: ParameterSets): void {
    const init = initSegment(params); // throws ProtocolError for unusable parameter sets
    this.params = params;
    this.initVersion++;
    this.inits.set(this.initVersion, { init, codec: codecString(params.sps), params });
    this.pruneInits();
  }

  private pruneInits(): void {
    const inUse = this.hls.initVersionsInUse();
    for (const version of this.inits.keys()) {
      if (version !== this.initVersion && !inUse.has(version)) this.inits.delete(version);
    }
  }

  private drop(viewer: LiveViewer, reason: ViewerEvent['reason'], close: boolean): void {
    if (!this.viewers.delete(viewer.id)) return;
    if (close || reason === 'stuck') viewer.close();
    else viewer.ended();
    this.emit('viewer', { change: 'left', id: viewer.id, remote: viewer.remote, reason, viewers: this.viewers.size } satisfies ViewerEvent);
  }
}

const EMPTY = Buffer.alloc(0);
