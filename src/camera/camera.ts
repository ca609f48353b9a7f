/**
 * Camera: everything one camera is to its users — the single control session (the camera accepts one
 * client at a time, docs/PROTOCOL.md §2.6) and the single live preview — opened when first needed and
 * closed within a bound. The Node-RED config node, the CLI and library users all hold a camera through
 * this class, so the session and the preview pipeline are wired in one place.
 *
 *   const camera = new Camera({ session: { host: '192.168.100.1' } });
 *   const source = await camera.preview.acquire();   // logs in, asks for the stream, joins UDP 6669
 *   ...outputs listen to `source`...
 *   await camera.preview.release();
 *   await camera.close();
 *
 * Events (never 'error'): 'state' (state, previous, error?) of the current session.
 */
import { EventEmitter } from 'events';
import type * as dgram from 'dgram';
import type { ActionCamError } from '../errors';
import { InvalidStateError } from '../errors';
import type { Logger } from '../logger';
import { LivePreview } from '../preview/live-preview';
import type { PreviewPorts } from '../preview/port';
import { PreviewDefaults } from '../preview/defaults';
import { CameraSession, type CameraSessionOptions, type SessionState } from '../session/camera-session';
import { SessionDefaults } from '../session/defaults';

export interface CameraPreviewOptions {
  /** UDP port the camera sends its preview to. Default 6669. */
  port?: number;
  /** Local address to listen on. Default every interface. */
  bindHost?: string;
  /** See PreviewAssembler. */
  timePacketOffset?: number;
  /** Silence (ms) after which the stream counts as stalled. */
  stallAfterMs?: number;
  ports?: PreviewPorts;
  createSocket?: (type: 'udp4' | 'udp6') => dgram.Socket;
}

export interface CameraOptions {
  session: CameraSessionOptions;
  preview?: CameraPreviewOptions;
}

export type CloseOutcome = 'closed' | 'overran';

export interface CameraEvents {
  state: [state: SessionState, previous: SessionState, error?: ActionCamError];
}

/**
 * A session's close() is immediate (it destroys the socket), so the bound only guards against a
 * future close that waits for the camera; 5 s keeps a Node-RED redeploy well inside its 15 s limit.
 */
export const CAMERA_CLOSE_BOUND_MS = 5000;

export class Camera extends EventEmitter<CameraEvents> {
  readonly preview: LivePreview;
  private readonly options: CameraOptions;
  private readonly logger: Logger | undefined;
  private current: CameraSession | undefined;
  private closed = false;

  constructor(options: CameraOptions) {
    super();
    this.options = options;
    this.logger = options.session.logger;
    const preview = options.preview ?? {};
    this.preview = new LivePreview({
      cameraHost: options.session.host,
      port: preview.port ?? PreviewDefaults.port,
      bindHost: preview.bindHost,
      timePacketOffset: preview.timePacketOffset,
      stallAfterMs: preview.stallAfterMs,
      ports: preview.ports,
      createSocket: preview.createSocket,
      logger: this.logger,
      requestPreview: () => this.open().startPreview(),
      // Stopping must never open a session just to forget a wish.
      cancelPreview: () => this.current?.stopPreview(),
    });
  }

  /** "host:port" of the camera's control port, for messages. */
  get name(): string {
    return `${this.options.session.host}:${this.options.session.port ?? SessionDefaults.port}`;
  }

  /** The current session, if one is open. */
  get session(): CameraSession | undefined {
    return this.current;
  }

  /**
   * The session, created (and connecting in the background) when there is none. Throws
   * BadInputError for unusable settings and InvalidStateError once the camera is closed.
   */
  open(): CameraSession {
    if (this.closed) throw new InvalidStateError(`camera ${this.name} is closed`);
    if (this.current && this.current.state !== 'closed') return this.current;
    const session = new CameraSession(this.options.session);
    session.on('state', (state, previous, error) => {
      if (session !== this.current) return;
      // A new login re-sends START_PREVIEW (when wanted): the stream may come from a new port.
      if (state === 'ready') this.preview.relearn();
      this.emit('state', state, previous, error);
    });
    this.current = session;
    // Connect now so the state is known and the first command is quick; failures surface through
    // 'state' and lastError, and again from ready() when someone needs the camera.
    session.connect().catch(() => undefined);
    return session;
  }

  /** The session once logged in; waits through reconnects up to timeoutMs (or the signal). */
  async ready(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CameraSession> {
    const session = this.open();
    await session.ready(opts);
    return session;
  }

  /**
   * The session once logged in, for a user who needs the camera now (a flow's trigger): a back-off
   * wait is cut short (CameraSession.retryNow) and this attempt's outcome is the answer — logged in,
   * its error, or within timeoutMs the error of what is still missing — not a wait through retries.
   */
  async connectNow(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CameraSession> {
    const session = this.open();
    session.retryNow();
    await session.connect(opts);
    return session;
  }

  /**
   * Closes the session (its last user left) but keeps the camera usable: the next open() dials again.
   * Bounded; never rejects.
   */
  async closeSession(boundMs = CAMERA_CLOSE_BOUND_MS): Promise<CloseOutcome> {
    const session = this.current;
    this.current = undefined;
    return session ? closeBounded(session, boundMs, this.logger) : 'closed';
  }

  /** Stops the preview and closes the session for good. Bounded; never rejects. */
  async close(boundMs = CAMERA_CLOSE_BOUND_MS): Promise<CloseOutcome> {
    this.closed = true;
    await this.preview.close();
    return this.closeSession(boundMs);
  }
}

async function closeBounded(session: CameraSession, boundMs: number, logger: Logger | undefined): Promise<CloseOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<CloseOutcome>((resolve) => {
    timer = setTimeout(() => resolve('overran'), boundMs);
  });
  try {
    return await Promise.race([session.close().then(() => 'closed' as const), overran]);
  } catch (err) {
    logger?.warn(`closing the session to ${session.host}:${session.port} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 'closed';
  } finally {
    clearTimeout(timer);
  }
}
