/**
 * LiveRunner: one camera preview as the browser live view (fMP4 stream, HLS, page), started and
 * stopped as a unit, reporting what happens as live events. The actioncam-live node and the
 * `actioncam live` command both run it, as RelayRunner is run for RTSP and RTP: the pipeline
 * (shared preview -> LiveStream -> viewers) is wired in this one place, and the HTTP side is the
 * runner's handle(), which answers 503 while stopped so a route can outlive a stop.
 *
 * States: stopped -> starting -> running -> stopping -> stopped. start() while running and stop()
 * while stopped report the current state.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Logger } from '../logger';
import type { LivePreview } from '../preview/live-preview';
import { LiveDefaults } from './defaults';
import { LiveHttpHandler } from './http-handler';
import { LiveStream, type ViewerEvent } from './live-stream';

export type LiveState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface LiveSettings {
  /** Page title: the stream's name. */
  title: string;
  maxViewers?: number;
  viewerQueueBytes?: number;
}

export interface LiveStats {
  /** Frames per second arriving from the camera. */
  fps: number;
  /** Frames received from the camera, and those dropped as damaged; datagrams lost. */
  frames: number;
  lostDatagrams: number;
  droppedFrames: number;
  /** Fragments muxed (one per frame), bytes handed to viewers, frames viewers skipped. */
  fragments: number;
  bytes: number;
  skippedFrames: number;
  /** HLS segments made. */
  segments: number;
}

export interface LiveEvent {
  event: 'started' | 'stopped' | 'viewers' | 'stats';
  /** `stream.mp4` viewers plus HLS players seen in the last hlsViewerWindowMs. */
  viewers: number;
  stats: LiveStats;
  /** With event "viewers": the stream.mp4 viewer that came or went. */
  viewer?: { id: string; change: ViewerEvent['change']; remote: string; reason?: ViewerEvent['reason'] };
}

export interface LiveDeps {
  /** Holds the camera's shared preview (LivePreview.acquire, or a config node's wrapper of it). */
  acquirePreview(): Promise<LivePreview>;
  releasePreview(): Promise<void>;
  /** What happens by itself while running: viewers come and go. */
  onEvent(event: LiveEvent): void;
  logger?: Logger;
  /** Monotonic milliseconds (tests). */
  now?: () => number;
}

export class LiveRunner {
  readonly http: LiveHttpHandler;
  private current: LiveState = 'stopped';
  private preview: LivePreview | undefined;
  private stream: LiveStream | undefined;
  private transition: Promise<LiveEvent> | undefined;
  /** HLS players by address + user agent, with when they last asked (bounded by maxHlsViewers). */
  private readonly hlsSeen = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly settings: LiveSettings,
    private readonly deps: LiveDeps,
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.http = new LiveHttpHandler({
      title: settings.title,
      stream: () => this.stream,
      onHlsRequest: (req) => this.sawHlsPlayer(req),
    });
  }

  get state(): LiveState {
    return this.current;
  }

  /** stream.mp4 viewers plus recent HLS players. */
  get viewers(): number {
    return (this.stream?.viewerCount ?? 0) + this.hlsViewers();
  }

  get fps(): number {
    return this.preview?.fps ?? 0;
  }

  /** The running stream (for tests and the bench); undefined while stopped. */
  get liveStream(): LiveStream | undefined {
    return this.stream;
  }

  /** Answers a request below the mount (see LiveHttpHandler.handle). */
  handle(req: IncomingMessage, res: ServerResponse, path: string, passOn = false): boolean {
    return this.http.handle(req, res, path, passOn);
  }

  /** Starts; resolves with the "started" event. Rejects with a clear error (the preview could not be held). */
  start(): Promise<LiveEvent> {
    if (this.current === 'running') return Promise.resolve(this.describe('started'));
    if (this.transition) return this.transition.then(() => this.start());
    this.transition = this.doStart().finally(() => (this.transition = undefined));
    return this.transition;
  }

  /** Stops, closes every viewer and gives the preview back; resolves with "stopped". Never rejects. */
  stop(): Promise<LiveEvent> {
    if (this.current === 'stopped') return Promise.resolve(this.describe('stopped'));
    if (this.transition) return this.transition.then(() => this.stop(), () => this.stop());
    this.transition = this.doStop().finally(() => (this.transition = undefined));
    return this.transition;
  }

  describe(event: LiveEvent['event']): LiveEvent {
    return { event, viewers: this.viewers, stats: this.stats() };
  }

  private async doStart(): Promise<LiveEvent> {
    this.current = 'starting';
    try {
      const preview = await this.deps.acquirePreview();
      this.preview = preview;
      const stream = new LiveStream({
        source: preview,
        maxViewers: this.settings.maxViewers,
        viewerQueueBytes: this.settings.viewerQueueBytes,
        logger: this.deps.logger,
        now: this.deps.now,
      });
      stream.on('viewer', (e: ViewerEvent) => {
        if (stream !== this.stream) return;
        const event = this.describe('viewers');
        event.viewer = { id: e.id, change: e.change, remote: e.remote, reason: e.reason };
        this.deps.onEvent(event);
      });
      this.stream = stream;
      stream.start();
      this.current = 'running';
    } catch (err) {
      await this.teardown();
      throw err;
    }
    return this.describe('started');
  }

  private async doStop(): Promise<LiveEvent> {
    this.current = 'stopping';
    const last = this.describe('stopped');
    await this.teardown();
    last.viewers = 0;
    return last;
  }

  private async teardown(): Promise<void> {
    const { stream, preview } = this;
    this.stream = undefined;
    stream?.stop();
    this.hlsSeen.clear();
    if (preview) {
      this.preview = undefined;
      await this.deps.releasePreview().catch(() => undefined);
    }
    this.current = 'stopped';
  }

  private sawHlsPlayer(req: IncomingMessage): void {
    const key = `${req.socket.remoteAddress ?? '?'} ${String(req.headers['user-agent'] ?? '')}`;
    const now = this.now();
    this.hlsSeen.delete(key); // re-insert: the map stays in order of last request
    this.hlsSeen.set(key, now);
    this.pruneHls(now);
    while (this.hlsSeen.size > LiveDefaults.maxHlsViewers) this.hlsSeen.delete(this.hlsSeen.keys().next().value as string);
  }

  private hlsViewers(): number {
    this.pruneHls(this.now());
    return this.hlsSeen.size;
  }

  private pruneHls(now: number): void {
    for (const [key, at] of this.hlsSeen) {
      if (now - at < LiveDefaults.hlsViewerWindowMs) break; // oldest first
      this.hlsSeen.delete(key);
    }
  }

  private stats(): LiveStats {
    const preview = this.preview?.stats;
    const live = this.stream?.stats;
    return {
      fps: Math.round((this.preview?.fps ?? 0) * 10) / 10,
      frames: preview?.frames ?? 0,
      lostDatagrams: preview?.lost ?? 0,
      droppedFrames: preview?.droppedFrames ?? 0,
      fragments: live?.fragments ?? 0,
      bytes: live?.bytesSent ?? 0,
      skippedFrames: live?.framesSkipped ?? 0,
      segments: live?.segments ?? 0,
    };
  }
}
