/**
 * LivePreview: one camera's live preview, shared by every output that wants it (RTSP server, RTP
 * relay, browser live view, clip recorder) — the head of the one pipeline they all plug into.
 *
 * The first acquire() joins the preview port (PreviewReceiver) and asks the camera for its stream;
 * the last release() forgets the wish and leaves the port. Outputs listen to this object, not to
 * the receiver: it is a StreamSource ('accessUnit', parameterSets()) that stays the same for the
 * camera's whole life, across stops and restarts, and it carries the stream's state and figures.
 *
 * The camera side is two callbacks (ask for the preview / forget it) so this class needs no session;
 * src/camera/camera.ts wires them to the camera's CameraSession.
 *
 * Events (never 'error'): 'accessUnit' (AccessUnit), 'flowing' (), 'stalled' (), 'state' (state, previous).
 */
import type * as dgram from 'dgram';
import { EventEmitter } from 'events';
import type { Logger } from '../logger';
import type { StreamSource } from '../media/source';
import type { AccessUnit, ParameterSets } from '../media/types';
import { PreviewDefaults } from './defaults';
import type { PreviewPorts } from './port';
import { PreviewReceiver, type PreviewReceiverState, type PreviewReceiverStats } from './receiver';

export interface LivePreviewOptions {
  /** The camera's address: only its datagrams are taken from the shared port. */
  cameraHost: string;
  /** UDP port the camera sends its preview to. Default 6669. */
  port?: number;
  /** Local address to listen on. Default every interface (the camera sends to our address on its network). */
  bindHost?: string;
  /** See PreviewAssembler. */
  timePacketOffset?: number;
  /** Asks the camera for its preview (and keeps asking after every reconnect). */
  requestPreview(): void;
  /** Forgets that wish (the protocol has no stop command). */
  cancelPreview(): void;
  logger?: Logger;
  /** Silence (ms) after which the stream counts as stalled. */
  stallAfterMs?: number;
  now?: () => number;
  ports?: PreviewPorts;
  createSocket?: (type: 'udp4' | 'udp6') => dgram.Socket;
}

export class LivePreview extends EventEmitter implements StreamSource {
  private readonly options: LivePreviewOptions;
  private readonly receiver: PreviewReceiver;
  private users = 0;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> = Promise.resolve();

  constructor(options: LivePreviewOptions) {
    super();
    this.options = options;
    this.receiver = new PreviewReceiver({
      host: options.bindHost ?? PreviewDefaults.host,
      port: options.port ?? PreviewDefaults.port,
      cameraHost: options.cameraHost,
      timePacketOffset: options.timePacketOffset,
      stallAfterMs: options.stallAfterMs,
      logger: options.logger,
      now: options.now,
      ports: options.ports,
      createSocket: options.createSocket,
    });
    this.receiver.on('accessUnit', (au: AccessUnit) => this.emit('accessUnit', au));
    this.receiver.on('flowing', () => this.emit('flowing'));
    this.receiver.on('stalled', () => this.emit('stalled'));
    this.receiver.on('state', (state: PreviewReceiverState, previous: PreviewReceiverState) => this.emit('state', state, previous));
  }

  /** Outputs holding the preview. */
  get holders(): number {
    return this.users;
  }

  /** idle/stopped: nobody holds it; listening: waiting for the camera; flowing; stalled. */
  get state(): PreviewReceiverState {
    return this.receiver.state;
  }

  /** Frames per second arriving from the camera (last second). */
  get fps(): number {
    return this.receiver.fps;
  }

  get stats(): PreviewReceiverStats {
    return this.receiver.stats;
  }

  /** The local UDP address and port while held. */
  get address(): { address: string; port: number } | undefined {
    return this.receiver.address;
  }

  parameterSets(): ParameterSets | undefined {
    return this.receiver.parameterSets();
  }

  /**
   * Holds the preview: the first holder joins the port and asks the camera for the stream. Rejects
   * (and holds nothing) when the port cannot be opened. Pair every resolved acquire() with release().
   */
  async acquire(): Promise<this> {
    this.users += 1;
    try {
      await this.stopping; // a release that is still leaving the port finishes first
      this.starting ??= this.receiver.start().then(() => undefined);
      await this.starting;
      this.options.requestPreview();
      return this;
    } catch (err) {
      this.starting = undefined;
      this.users -= 1;
      if (this.users === 0) await this.stop();
      throw err;
    }
  }

  /** Gives the preview back; the last holder stops it. Never rejects. */
  async release(): Promise<void> {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0) await this.stop();
  }

  /** Stops regardless of holders (the camera is going away). */
  async close(): Promise<void> {
    this.users = 0;
    await this.stop();
  }

  /** The camera was asked for its stream again (a new login): its source port may have changed. */
  relearn(): void {
    this.receiver.relearn();
  }

  private stop(): Promise<void> {
    const pending = this.starting;
    this.starting = undefined;
    this.stopping = (async () => {
      if (pending) await pending.catch(() => undefined);
      if (this.users > 0) return; // acquired again while the start was settling
      this.options.cancelPreview();
      await this.receiver.stop();
    })();
    return this.stopping;
  }
}
