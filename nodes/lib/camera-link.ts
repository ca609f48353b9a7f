/**
 * The config node's side of a camera: the `users` registry Node-RED routes status and errors
 * through, the session state pushed to every user's status, and a close that first lets the users
 * finish. The camera itself (its one session and its one live preview) is a Camera from src/.
 *
 * The session is opened when the first user registers and closed when the last user is removed
 * (not merely restarted), so a config node nobody uses does not hold the camera's only slot.
 *
 * While the session waits out a back-off after a dropped link, the users show "reconnecting in 8 s":
 * one timer per camera, firing only when the whole second shown changes and only while someone
 * shows it (nodes/lib/link-status.ts says which failures show instead).
 */
import type { Node, NodeStatus } from 'node-red';
import { Camera, type CameraOptions } from '../../src/camera/camera';
import type { ActionCamError } from '../../src/errors';
import { InvalidStateError } from '../../src/errors';
import type { CameraSession, SessionState } from '../../src/session/camera-session';
import type { Translate } from './i18n';
import { countdownSeconds, linkFailureStatus } from './link-status';
import { errorStatus, sessionStatus } from './status';
import type { SessionWaitOptions, StatusListener } from './types';

/**
 * Node-RED gives a closing node 15 s (flows/Flow.js nodeCloseTimeout) and closes a flow's nodes
 * concurrently, config nodes included. The config node first gives its users this long to finish
 * their own close (a record node may still stop a recording), then closes the camera within
 * CAMERA_CLOSE_BOUND_MS (src/camera/camera.ts): 4 + 5 s, well inside the limit.
 */
export const USERS_GRACE_MS = 4000;

export interface CameraLinkOptions extends CameraOptions {
  t: Translate;
  /** Default bound on session(): how long an action waits for a connected, logged-in camera (the dialog's timeout). */
  readyTimeoutMs: number;
  /** Called with a problem worth a log line (a close that overran its bound). */
  warn?: (message: string) => void;
  /** Settings the config node found unusable: no session is opened, every user is red and every action fails with it. */
  settingsError?: Error;
}

export class CameraLink {
  /** Keyed by node id; Node-RED routes the config node's status and errors through this map. */
  readonly users: Record<string, Node> = {};
  readonly camera: Camera;
  private readonly listeners = new Map<string, StatusListener>();
  private closed = false;
  /** Next refresh of a "reconnecting in N s" countdown. */
  private countdown: NodeJS.Timeout | undefined;
  /** Resolves close()'s wait once the last user has deregistered. */
  private usersGone: (() => void) | undefined;

  constructor(private readonly options: CameraLinkOptions) {
    this.camera = new Camera(options);
    this.camera.on('state', (state: SessionState, _previous: SessionState, error?: ActionCamError) => this.broadcast(state, error));
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
      onStatus(this.status(session.state));
      this.armCountdown(session.state);
    } catch (err) {
      onStatus(errorStatus(this.options.t, err)); // unusable settings; session() reports them in full
    }
  }

  /** Forgets the user; closes the session when the last user has been removed from the flows. */
  deregister(node: Node, done: () => void, removed = false): void {
    delete this.users[node.id];
    this.listeners.delete(node.id);
    if (this.listeners.size === 0) {
      this.stopCountdown();
      this.usersGone?.();
    }
    if (!removed || this.listeners.size > 0 || !this.camera.session) {
      done();
      return;
    }
    void this.camera.closeSession().then((outcome) => {
      if (outcome === 'overran') this.options.warn?.(this.options.t('errors.closeOverran', { camera: this.camera.name }));
      done();
    });
  }

  /**
   * The session, connected and logged in. A session backing off retries at once, and the answer is
   * that attempt's outcome within the bound: the connection error itself, never a bare timeout.
   */
  async session(opts: SessionWaitOptions = {}): Promise<CameraSession> {
    if (this.closed) throw new InvalidStateError(this.options.t('errors.configClosed', { camera: this.camera.name }));
    this.open(); // throws the settings error, if any
    return this.camera.connectNow({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? this.options.readyTimeoutMs });
  }

  /** The session once logged in, waiting through reconnects without a time limit (listeners, not commands). */
  async whenReady(signal: AbortSignal): Promise<CameraSession> {
    if (this.closed) throw new InvalidStateError(this.options.t('errors.configClosed', { camera: this.camera.name }));
    this.open(); // throws the settings error, if any
    return this.camera.ready({ signal });
  }

  /** Closes the camera for good (the config node is closing); bounded, never rejects. */
  async close(): Promise<void> {
    await this.waitForUsersToLeave();
    this.closed = true;
    this.stopCountdown();
    const outcome = await this.camera.close();
    if (outcome === 'overran') this.options.warn?.(this.options.t('errors.closeOverran', { camera: this.camera.name }));
  }

  /** The camera's session; unusable settings (settingsError) open none and throw instead. */
  private open(): CameraSession {
    if (this.options.settingsError) throw this.options.settingsError;
    return this.camera.open();
  }

  private broadcast(state: SessionState, error: unknown): void {
    this.stopCountdown();
    const status = this.status(state, error);
    for (const listener of this.listeners.values()) listener(status);
    this.armCountdown(state);
  }

  /** The status of the current session in `state`: its latest failure, and the back-off left. */
  private status(state: SessionState, error?: unknown): NodeStatus {
    const session = this.camera.session;
    const retryAt = state === 'reconnecting' ? session?.reconnectAt : undefined;
    return sessionStatus(this.options.t, state, session?.lastError ?? error, retryAt === undefined ? undefined : retryAt - Date.now());
  }

  /** While a countdown shows, refreshes it when the whole second shown changes; stops at 1 s. */
  private armCountdown(state: SessionState): void {
    const session = this.camera.session;
    const retryAt = session?.reconnectAt;
    if (this.countdown || state !== 'reconnecting' || retryAt === undefined || this.listeners.size === 0) return;
    if (linkFailureStatus(this.options.t, session?.lastError)) return; // a red failure shows, no countdown
    const left = retryAt - Date.now();
    const shown = countdownSeconds(left);
    if (shown <= 1) return;
    this.countdown = setTimeout(() => {
      this.countdown = undefined;
      const current = this.camera.session;
      if (current?.state !== 'reconnecting') return;
      const status = this.status('reconnecting');
      for (const listener of this.listeners.values()) listener(status);
      this.armCountdown('reconnecting');
    }, left - (shown - 1) * 1000);
    this.countdown.unref?.();
  }

  private stopCountdown(): void {
    clearTimeout(this.countdown);
    this.countdown = undefined;
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
}
