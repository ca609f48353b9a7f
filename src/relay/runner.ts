/**
 * RelayRunner: one camera preview as an RTSP server (many players) or a plain RTP stream (one
 * destination), started and stopped as a unit, reporting what happens as relay events. The
 * actioncam-rtp-relay node and the `actioncam relay` / `actioncam rtsp` commands both run it, so the
 * pipeline (shared preview -> output) is wired in this one place.
 *
 * States: stopped -> starting -> running -> stopping -> stopped. start() while running and stop()
 * while stopped are no-ops that report the current state, so "start" from a flow is idempotent.
 *
 * Running is not yet streaming: until the camera's video flows the runner reports "waiting" (the
 * server already listens, players may connect), then "started" when it flows, and "waiting" again if
 * it stalls (issue 9: no "started" while no video can come).
 *
 * RTSP RECORD: a player's RECORD calls setRecording(true) and the end of that player's session
 * setRecording(false); the RTSP server itself knows nothing of cameras.
 */
import { AbortedError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import type { LivePreview } from '../preview/live-preview';
import { RtspServer } from '../rtsp/server';
import type { RtspSessionEvent } from '../rtsp/server';
import { RtspDefaults } from '../rtsp/defaults';
import { RelayDefaults } from './defaults';
import { RtpRelay } from './rtp-relay';

export type RelayMode = 'rtsp' | 'rtp';
export type RelayState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface RelaySettings {
  mode: RelayMode;
  /** rtp mode: destination. */
  host: string;
  port: number;
  sdpFile?: string;
  /** rtsp mode: where to listen, and the mount path. */
  bind: string;
  rtspPort: number;
  path: string;
  maxPayload: number;
  auth?: { username: string; password: string };
}

/**
 * Every setting at the relay's and the RTSP server's own defaults (src/relay/defaults.ts,
 * src/rtsp/defaults.ts): what the node's empty fields and the CLI's omitted options mean.
 */
export const DEFAULT_RELAY_SETTINGS: Readonly<RelaySettings> = Object.freeze({
  mode: 'rtsp',
  host: RelayDefaults.host,
  port: RelayDefaults.port,
  bind: RtspDefaults.host,
  rtspPort: RtspDefaults.port,
  path: RtspDefaults.path,
  maxPayload: RelayDefaults.maxPayloadSize,
});

export interface RelayStats {
  /** Frames per second arriving from the camera. */
  fps: number;
  /** Frames received from the camera, and those dropped as damaged. */
  frames: number;
  lostDatagrams: number;
  droppedFrames: number;
  /** RTP packets and bytes sent (to every player together in rtsp mode). */
  packets: number;
  bytes: number;
}

export interface RelayEvent {
  event: 'waiting' | 'started' | 'stopped' | 'clients' | 'sdp' | 'stats';
  mode: RelayMode;
  url?: string;
  sdp?: string;
  /** Players watching (rtsp mode); 0 in rtp mode. */
  clients: number;
  stats: RelayStats;
  /** With event "clients": the player that came or went. */
  client?: { id: string; change: RtspSessionEvent['event']; remote: string; transport: 'udp' | 'tcp' };
}

export interface RelayDeps {
  /** Holds the camera's shared preview (LivePreview.acquire, or a config node's wrapper of it). */
  acquirePreview(): Promise<LivePreview>;
  releasePreview(): Promise<void>;
  /** The camera's SD recording: RTSP RECORD starts it (true), the end of that session stops it (false). */
  setRecording?: (on: boolean) => Promise<void>;
  /**
   * What happens by itself while running: the video starts or stops flowing ("started" / "waiting"),
   * players come and go ("clients"), the SDP changes ("sdp").
   */
  onEvent(event: RelayEvent): void;
  logger?: Logger;
}

export class RelayRunner {
  private current: RelayState = 'stopped';
  private preview: LivePreview | undefined;
  /** RTSP sessions that started the camera's recording with RECORD. */
  private readonly recorders = new Set<string>();
  private server: RtspServer | undefined;
  private relay: RtpRelay | undefined;
  private url: string | undefined;
  private sdp: string | undefined;
  private transition: Promise<RelayEvent> | undefined;
  /** Aborts a start in progress when stop() comes (the RTP mode may wait seconds for parameter sets). */
  private starting: AbortController | undefined;
  /** Whether the camera's video flows, as last reported ("started") or not ("waiting"). */
  private flowing = false;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly settings: RelaySettings,
    private readonly deps: RelayDeps,
  ) {}

  get state(): RelayState {
    return this.current;
  }

  /** Players watching right now (rtsp mode). */
  get clients(): number {
    return this.server?.stats().playing ?? 0;
  }

  get fps(): number {
    return this.preview?.fps ?? 0;
  }

  /**
   * Starts serving; resolves with the "started" event when video flows already, else "waiting" (and
   * "started" follows through onEvent). Rejects with a clear error.
   */
  start(): Promise<RelayEvent> {
    if (this.current === 'running') return Promise.resolve(this.describe(this.flowing ? 'started' : 'waiting'));
    if (this.transition) return this.transition.then(() => this.start());
    this.transition = this.doStart().finally(() => (this.transition = undefined));
    return this.transition;
  }

  /**
   * Stops serving and gives the preview back; resolves with the "stopped" event. Never rejects. A
   * start in progress is abandoned (its promise rejects with AbortedError), so stopping never waits
   * for a camera that does not answer.
   */
  stop(): Promise<RelayEvent> {
    if (this.current === 'stopped') return Promise.resolve(this.describe('stopped'));
    this.starting?.abort();
    if (this.transition) return this.transition.then(() => this.stop(), () => this.stop());
    this.transition = this.doStop().finally(() => (this.transition = undefined));
    return this.transition;
  }

  /** The current state as an event of the given kind. */
  describe(event: RelayEvent['event']): RelayEvent {
    const { mode } = this.settings;
    const out: RelayEvent = { event, mode, clients: this.clients, stats: this.stats() };
    if (mode === 'rtsp' && this.url) out.url = this.url;
    if (mode === 'rtp' && this.sdp) out.sdp = this.sdp;
    return out;
  }

  private async doStart(): Promise<RelayEvent> {
    this.current = 'starting';
    const abort = new AbortController();
    this.starting = abort;
    try {
      this.preview = await this.deps.acquirePreview();
      throwIfAborted(abort.signal);
      if (this.settings.mode === 'rtsp') await this.startRtsp(this.preview);
      else await this.startRtp(this.preview, abort.signal);
      throwIfAborted(abort.signal);
      this.current = 'running';
      this.watch(this.preview);
    } catch (err) {
      await this.teardown();
      if (abort.signal.aborted) throw new AbortedError('the relay was stopped while it was starting');
      throw err;
    } finally {
      if (this.starting === abort) this.starting = undefined;
    }
    return this.describe(this.flowing ? 'started' : 'waiting');
  }

  /** Reports the video starting and stopping to flow while running. */
  private watch(preview: LivePreview): void {
    this.flowing = preview.state === 'flowing';
    const report = (flowing: boolean): void => {
      if (this.current !== 'running' || this.flowing === flowing) return;
      this.flowing = flowing;
      this.deps.onEvent(this.describe(flowing ? 'started' : 'waiting'));
    };
    const onFlowing = (): void => report(true);
    const onStalled = (): void => report(false);
    preview.on('flowing', onFlowing);
    preview.on('stalled', onStalled);
    this.unwatch = () => {
      preview.off('flowing', onFlowing);
      preview.off('stalled', onStalled);
    };
  }

  private async startRtsp(source: LivePreview): Promise<void> {
    const { bind, rtspPort, path, maxPayload, auth } = this.settings;
    const setRecording = this.deps.setRecording;
    const server = new RtspServer({
      source,
      host: bind,
      port: rtspPort,
      path,
      maxPayloadSize: maxPayload,
      auth,
      onRecord: setRecording
        ? async (session) => {
            await setRecording(true);
            this.recorders.add(session.id);
          }
        : undefined,
      logger: this.deps.logger,
    });
    server.on('session', (e: RtspSessionEvent) => {
      if (server !== this.server) return;
      if (e.event !== 'play') this.sessionEnded(e.id);
      const event = this.describe('clients');
      event.client = { id: e.id, change: e.event, remote: e.remote, transport: e.transport };
      this.deps.onEvent(event);
    });
    this.server = server;
    this.url = (await server.listen()).url;
  }

  /** A session that started the recording is gone: stop it (best effort; a failure is logged). */
  private sessionEnded(id: string): void {
    if (!this.recorders.delete(id) || !this.deps.setRecording) return;
    this.deps.setRecording(false).catch((err: unknown) => {
      this.deps.logger?.warn(`relay: stopping the recording failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async startRtp(source: LivePreview, signal: AbortSignal): Promise<void> {
    const { host, port, maxPayload, sdpFile } = this.settings;
    const relay = new RtpRelay({ source, host, port, maxPayloadSize: maxPayload, sdpFile: sdpFile || undefined, logger: this.deps.logger });
    relay.on('sdp', (sdp: string) => {
      if (relay !== this.relay) return;
      this.sdp = sdp;
      this.deps.onEvent(this.describe('sdp'));
    });
    this.relay = relay;
    this.sdp = (await relay.start({ signal })).sdp;
  }

  private async doStop(): Promise<RelayEvent> {
    this.current = 'stopping';
    const last = this.describe('stopped');
    await this.teardown();
    last.clients = 0;
    return last;
  }

  /** Closes whatever is open and gives the preview back; never rejects. */
  private async teardown(): Promise<void> {
    const { server, relay, preview } = this;
    this.unwatch?.();
    this.unwatch = undefined;
    this.flowing = false;
    this.server = undefined;
    this.relay = undefined;
    this.url = undefined;
    this.sdp = undefined;
    await Promise.allSettled([server?.close(), relay?.stop()]);
    for (const id of [...this.recorders]) this.sessionEnded(id);
    if (preview) {
      this.preview = undefined;
      await this.deps.releasePreview().catch(() => undefined);
    }
    this.current = 'stopped';
  }

  private stats(): RelayStats {
    const preview = this.preview?.stats;
    const sent = this.server ? this.server.stats() : undefined;
    const relayed = this.relay ? this.relay.stats() : undefined;
    return {
      fps: Math.round((preview?.fps ?? 0) * 10) / 10,
      frames: preview?.frames ?? 0,
      lostDatagrams: preview?.lost ?? 0,
      droppedFrames: preview?.droppedFrames ?? 0,
      packets: sent?.packetsSent ?? relayed?.packets ?? 0,
      bytes: sent?.bytesSent ?? relayed?.bytes ?? 0,
    };
  }
}
