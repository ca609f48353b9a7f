/**
 * The engine of an `actioncam-config` node: one CameraSession per camera shared by every node that
 * uses it (the camera accepts one client at a time), the `users` registry, and the session state
 * pushed to every user's status.
 *
 * The session is created when the first user registers and closed when the last user is removed
 * (not merely restarted), so a config node nobody uses does not hold the camera's only slot.
 * The camera's single preview stream is shared the same way (PreviewShare): relay nodes acquire it,
 * the last release stops it.
 */
import type { Node } from 'node-red';
import { CameraSession } from '../../src/session/camera-session';
import type { CameraSessionOptions, SessionState } from '../../src/session/camera-session';
import type { ActionCamError } from '../../src/errors';
import { InvalidStateError } from '../../src/errors';
import type { Translate } from './i18n';
import { PreviewShare } from './preview-share';
import { errorStatus, sessionStatus } from './status';
import type { SessionWaitOptions, StatusListener } from './types';

/**
 * Node-RED gives a closing node 15 s (flows/Flow.js nodeCloseTimeout) and closes a flow's nodes
 * concurrently, config nodes included. The config node first gives its users this long to finish
 * their own close (a record node may still stop a recording), then closes the session within
 * CLOSE_BOUND_MS: 4 + 5 s, well inside the limit.
 */
export const USERS_GRACE_MS = 4000;
export const CLOSE_BOUND_MS = 5000;

export interface CameraLinkOptions {
  session: CameraSessionOptions;
  t: Translate;
  /** Default bound on session(): how long an action waits for a connected, logged-in camera. */
  readyTimeoutMs: number;
  /** Called with a problem worth a log line (a close that overran its bound). */
  warn?: (message: string) => void;
  /** UDP port the camera sends its preview to. */
  previewPort: number;
  /** Settings the config node found unusable: no session is opened, every user is red and every action fails with it. */
  settingsError?: Error;
}

export class CameraLink {
  /** Keyed by node id; Node-RED routes the config node's status and errors through this map. */
  readonly users: Record<string, Node> = {};
  private readonly listeners = new Map<string, StatusListener>();
  private current: CameraSession | undefined;
  private closed = false;
  /** Resolves close()'s wait once the last user has deregistered. */
  private usersGone: (() => void) | undefined;
  /** The camera's preview, shared by the relay nodes. */
  readonly preview: PreviewShare;

  constructor(private readonly options: CameraLinkOptions) {
    this.preview = new PreviewShare({
      port: options.previewPort,
      cameraHost: options.session.host,
      session: () => this.open(),
      currentSession: () => this.current,
      logger: options.session.logger,
    });
  }

  register(node: Node, onStatus: StatusListener = (status) => node.status(status)): void {
    this.users[node.id] = node;
    this.listeners.set(node.id, onStatus);
    if (this.closed) {
      onStatus(sessionStatus(this.options.t, 'closed'));
      return;
    }
    try {
      const session = this.open();
      onStatus(sessionStatus(this.options.t, session.state, session.lastError));
    } catch (err) {
      onStatus(errorStatus(this.options.t, err)); // unusable settings; session() reports them in full
    }
  }

  /** Forgets the user; closes the session when the last user has been removed from the flows. */
  deregister(node: Node, done: () => void, removed = false): void {
    delete this.users[node.id];
    this.listeners.delete(node.id);
    if (this.listeners.size === 0) this.usersGone?.();
    if (!removed || this.listeners.size > 0 || !this.current) {
      done();
      return;
    }
    const session = this.current;
    this.current = undefined;
    void this.closeBounded(session).then(done);
  }

  /** The session, connected and logged in; waits through reconnects up to the bound. */
  async session(opts: SessionWaitOptions = {}): Promise<CameraSession> {
    if (this.closed) {
      throw new InvalidStateError(this.options.t('errors.configClosed', { camera: this.cameraName() }));
    }
    const session = this.open();
    await session.ready({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? this.options.readyTimeoutMs });
    return session;
  }

  /** Closes the session for good (the config node is closing); bounded, never rejects. */
  async close(): Promise<void> {
    await this.waitForUsersToLeave();
    this.closed = true;
    await this.preview.close();
    const session = this.current;
    this.current = undefined;
    if (session) await this.closeBounded(session);
  }

  /** The current session, created (and connecting) when there is none. Throws for unusable settings. */
  private open(): CameraSession {
    if (this.options.settingsError) throw this.options.settingsError;
    if (this.current && this.current.state !== 'closed') return this.current;
    const session = new CameraSession(this.options.session);
    session.on('state', (state: SessionState, _previous: SessionState, error?: ActionCamError) => {
      if (session === this.current) this.broadcast(state, error);
    });
    this.current = session;
    // Connect now so the status shows the truth and the first command is quick; failures surface
    // through 'state' events and lastError, and again from session() when someone needs the camera.
    session.connect().catch(() => undefined);
    return session;
  }

  private broadcast(state: SessionState, error: unknown): void {
    const status = sessionStatus(this.options.t, state, error);
    for (const listener of this.listeners.values()) listener(status);
  }

  private async waitForUsersToLeave(): Promise<void> {
    if (this.listeners.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.usersGone = resolve;
      timer = setTimeout(resolve, USERS_GRACE_MS);
    });
    clearTimeout(timer);
    this.usersGone = undefined;
  }

  private async closeBounded(session: CameraSession): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<'overran'>((resolve) => {
      timer = setTimeout(() => resolve('overran'), CLOSE_BOUND_MS);
    });
    try {
      const outcome = await Promise.race([session.close().then(() => 'closed' as const), overran]);
      if (outcome === 'overran') this.options.warn?.(this.options.t('errors.closeOverran', { camera: this.cameraName() }));
    } catch (err) {
      this.options.warn?.(String(err instanceof Error ? err.message : err));
    } finally {
      clearTimeout(timer);
    }
  }

  private cameraName(): string {
    return `${this.options.session.host}:${this.options.session.port ?? 6666}`;
  }
}
