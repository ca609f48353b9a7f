/**
 * The raw-command node's optional second output (issue 11 "Learning the protocol"): every message
 * the camera sends that nobody asked for, msg.payload = {type, typeHex, name, hex}
 * (src/session/message-watch.ts), so a user can watch what the camera says while they press its
 * buttons. It listens from deploy on, not only while a command runs.
 *
 * The listener sits on the config node's shared session, which lives across reconnects; it is
 * attached once that session is ready (or when an input got it), and again if the session is ever
 * replaced. A camera that floods is cut to WatchDefaults.maxPerSecond messages a second; the rest
 * is counted in one warning per second.
 */
import type { NodeMessage } from 'node-red';
import type { CameraSession } from '../../src/session/camera-session';
import { RateGate, describeMessage } from '../../src/session/message-watch';
import type { ControlMessage } from '../../src/protocol';
import type { SessionState } from '../../src/session/camera-session';
import type { CameraConfigNode } from './types';

export const UnsolicitedDefaults = {
  /**
   * After a failed wait (camera off, reconnect off) the node asks again this much later: a listener
   * that gave up would miss the camera coming back, one that asks often would dial a camera the user
   * asked not to redial.
   */
  retryMs: 30_000,
} as const;

export interface UnsolicitedOutputOptions {
  config: CameraConfigNode | undefined;
  /** Aborts when the node closes. */
  closing: AbortSignal;
  /** Sends on the second output. */
  send(msg: NodeMessage): void;
  /** Dropped messages of the last second: a warning for the log. */
  onDropped(count: number, limit: number): void;
}

export class UnsolicitedOutput {
  private session?: CameraSession;
  private retry?: NodeJS.Timeout;
  private waiting = false;
  private readonly gate = new RateGate();
  private readonly onMessage = (message: ControlMessage): void => {
    if (!this.gate.allow((dropped) => this.options.onDropped(dropped, this.gate.limit))) return;
    this.options.send({ payload: describeMessage(message) });
  };
  private readonly onState = (state: SessionState): void => {
    if (state !== 'closed') return;
    this.detach();
    this.wait();
  };

  constructor(private readonly options: UnsolicitedOutputOptions) {}

  /** Starts listening: waits for the camera's session in the background. */
  start(): void {
    this.wait();
  }

  /** Listens on `session` (an input just used it); a no-op when already listening there. */
  attach(session: CameraSession): void {
    if (session === this.session || this.options.closing.aborted || session.state === 'closed') return;
    this.detach();
    this.session = session;
    session.on('unsolicited', this.onMessage);
    session.on('state', this.onState);
  }

  /** Stops listening for good (the node closes). */
  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.detach();
  }

  private detach(): void {
    this.session?.off('unsolicited', this.onMessage);
    this.session?.off('state', this.onState);
    this.session = undefined;
  }

  private wait(): void {
    const { config, closing } = this.options;
    if (!config || this.session || this.waiting || closing.aborted) return;
    this.waiting = true;
    // Waits through reconnects without a limit: it ends only when the camera is ready or fails for
    // good (reconnect off: the attempt failed).
    config.whenReady(closing).then(
      (session) => {
        this.waiting = false;
        this.attach(session);
      },
      () => {
        this.waiting = false;
        if (closing.aborted || this.session) return;
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.wait();
        }, UnsolicitedDefaults.retryMs);
      },
    );
  }
}
