/**
 * CameraSession: the one control connection to one camera, shared by every user of that camera
 * (the camera accepts a single client). docs/ARCHITECTURE.md "src/session" is its contract.
 *
 * One state machine with a single `state` field (docs/DESIGN.md rule 3):
 *
 *   idle --connect()/ready()/request()--> connecting --TCP up--> loggingIn --0111--> ready
 *     ^                                      |                     |                  |
 *     +------ failure, reconnect off --------+---------------------+------------------+
 *                                            |                     |                  |
 *   reconnecting <------ failure, reconnect on (back-off timer) ---+------------------+
 *        \--timer--> connecting ...
 *   any state --close()--> closed (final)
 *
 * Failures are typed errors, drops and dead links are re-dialled with back-off (login and preview
 * re-issued), and the password is never logged; what the reference tool did instead is
 * docs/PROTOCOL.md §7 items 1-3, 6-8, 11 and 12. The emitter never emits 'error'.
 */
import { EventEmitter } from 'events';
import {
  BadInputError,
  ConnectionClosedError,
  InvalidStateError,
  LoginRejectedError,
  TimeoutError,
  UnreachableError,
  throwIfAborted,
  type ActionCamError,
} from '../errors';
import type { Logger } from '../logger';
import { MessageType, encodeMessage, encodeStartPreviewPayload, type ControlMessage, type FileEntry, type FirmwareInfo } from '../protocol';
import { attemptTimeoutError, noAcceptError } from './attempt-errors';
import { Backoff } from './backoff';
import { clockCommand, fileListCommand, firmwareCommand, recordCommand, takePictureCommand, type Command } from './commands';
import { ControlLink } from './control-link';
import { MAX_TIMER_MS } from './defaults';
import { hexPreview, seconds, typeLabel } from './format';
import { KeepAlive } from './keep-alive';
import { PendingRequests } from './pending-requests';
import { resolveSessionOptions, type CameraSessionOptions, type ResolvedSessionOptions } from './session-options';
import type { CameraSessionEvents, OperationOptions, RequestOptions, SessionState } from './session-types';
import { Waiters } from './waiters';

export type { CameraSessionOptions, CameraSessionEvents, OperationOptions, RequestOptions, SessionState };

const ALIVE_RESPONSE_FRAME = encodeMessage(MessageType.ALIVE_RESPONSE);
const ALIVE_REQUEST_FRAME = encodeMessage(MessageType.ALIVE_REQUEST);
const START_PREVIEW_FRAME = encodeMessage(MessageType.START_PREVIEW, encodeStartPreviewPayload());

export class CameraSession extends EventEmitter<CameraSessionEvents> {
  readonly host: string;
  readonly port: number;
  /** Last commanded record state (the camera cannot be asked); set when A03B confirms a command. */
  recording = false;

  private sessionState: SessionState = 'idle';
  private error?: ActionCamError;
  private address?: string;
  private previewWanted = false;
  private link?: ControlLink;
  private loginTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  /** While reconnecting: when the next dial is due, and when the failure that scheduled it happened. */
  private retryAt?: number;
  private failedAt?: number;
  private readonly options: ResolvedSessionOptions;
  private readonly logger: Logger;
  private readonly peer: string;
  private readonly loginFrame: Buffer;
  private readonly pending: PendingRequests;
  private readonly backoff: Backoff;
  private readonly keepAlive: KeepAlive;
  /** Callers of ready() and of requests waiting for a login. */
  private readonly readyWaiters = new Waiters();
  /** Callers of connect(): settled by the end of the current (or next) dial + login attempt. */
  private readonly attemptWaiters = new Waiters();

  /** Throws BadInputError for unusable options (no host, bad port, non-ASCII credentials). */
  constructor(options: CameraSessionOptions) {
    super();
    this.options = resolveSessionOptions(options);
    const { host, port, logger } = this.options;
    this.host = host;
    this.port = port;
    this.logger = logger;
    this.peer = `camera ${host}:${port}`;
    this.loginFrame = encodeMessage(MessageType.LOGIN, this.options.loginPayload);
    this.pending = new PendingRequests(this.peer);
    this.backoff = new Backoff({ minMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs, random: this.options.random });
    this.keepAlive = new KeepAlive({
      intervalMs: this.options.keepAliveIntervalMs,
      deadAfterMs: this.options.deadAfterMs,
      stallToleranceMs: this.options.stallToleranceMs,
      now: this.options.now,
      ping: () => this.link?.send(ALIVE_REQUEST_FRAME),
      onDead: (silentMs) => this.onLinkLost(new ConnectionClosedError(`${this.peer} sent nothing for ${seconds(silentMs)} s: link dead`)),
    });
  }

  get state(): SessionState {
    return this.sessionState;
  }

  /** The failure that caused the latest transition to reconnecting/idle (kept after recovery). */
  get lastError(): ActionCamError | undefined {
    return this.error;
  }

  /** Our address on the control link (where the camera sends the preview); kept while reconnecting. */
  get localAddress(): string | undefined {
    return this.address;
  }

  /** While reconnecting: when the next dial is due (Date.now() ms); undefined otherwise. */
  get reconnectAt(): number | undefined {
    return this.retryAt;
  }

  /** True between startPreview() and stopPreview(). */
  get previewRequested(): boolean {
    return this.previewWanted;
  }

  /**
   * Connects and logs in. Resolves when ready; rejects with the attempt's typed error
   * (UnreachableError, LoginRejectedError, ConnectionClosedError). With reconnect on, the session
   * keeps retrying in the background after that rejection. In 'reconnecting' it reports the next
   * attempt. The signal only abandons this wait; close() stops the session. With `timeoutMs` the
   * wait ends by then with the error of what is still missing (no TCP connection: UnreachableError;
   * no login accept: LoginRejectedError; the back-off still running: the failure it follows).
   */
  connect(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.sessionState === 'closed') return Promise.reject(this.closedError());
    if (this.sessionState === 'ready') return Promise.resolve();
    const { timeoutMs } = opts;
    const wait = this.attemptWaiters.wait({ signal: opts.signal, timeoutMs, onTimeout: () => attemptTimeoutError(this.peer, this.sessionState, timeoutMs ?? 0, this.error) });
    if (this.sessionState === 'idle') this.beginAttempt();
    return wait;
  }

  /**
   * Someone needs the camera now (issue 9): a back-off wait in progress is cut short so the next dial
   * comes at once, yet never sooner than reconnectMinMs after the failure that began the wait, so a
   * burst of triggers is not a burst of dials. Does nothing in any other state.
   */
  retryNow(): void {
    if (this.sessionState !== 'reconnecting' || this.retryAt === undefined) return;
    const now = Date.now();
    const at = Math.max(now, (this.failedAt ?? now) + this.options.reconnectMinMs);
    if (at < this.retryAt) this.scheduleAttempt(at - now);
  }

  /** Resolves when logged in: connects if idle and waits through reconnects (bounded by timeoutMs/signal). */
  ready(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    return this.waitReady(opts, '');
  }

  /**
   * Sends one message and waits for the reply of replyType (default type + 1). Waits for the
   * login first when the session is connecting or reconnecting. Requests sharing a reply type are
   * sent one after the other. Rejects with TimeoutError, AbortedError, ConnectionClosedError (link
   * lost or session closed while pending), InvalidStateError (session closed), BadInputError.
   */
  async request(type: number, payload: Buffer = Buffer.alloc(0), opts: RequestOptions = {}): Promise<ControlMessage | undefined> {
    const replyType = opts.replyType === undefined ? type + 1 : opts.replyType;
    if (replyType === null) {
      const frame = encodeMessage(type, payload);
      await this.whenReady(type, opts);
      this.write(frame);
      return undefined;
    }
    if (!Number.isInteger(replyType) || replyType < 0 || replyType > 0xffffffff) {
      throw new BadInputError(`reply type must be a 32-bit unsigned integer, got ${replyType}`);
    }
    return this.run({ type, payload, replyType, result: (reply) => reply }, opts);
  }

  /** A034 -> A035, parsed. */
  firmware(opts: OperationOptions = {}): Promise<FirmwareInfo> {
    return this.run(firmwareCommand(), opts);
  }

  /** A025 -> every A026 part (any order) until complete, parsed. */
  listFiles(opts: OperationOptions = {}): Promise<FileEntry[]> {
    const { maxFileListBytes: maxBytes, maxFileListEntries: maxEntries } = this.options;
    return this.run(fileListCommand({ maxBytes, maxEntries }, this.peer), opts);
  }

  /** A038 -> A039 (the photo is on the card). */
  takePicture(opts: OperationOptions = {}): Promise<void> {
    return this.run(takePictureCommand(), opts);
  }

  /** A03A (1 start, 0 stop) -> A03B; updates `recording` once confirmed. */
  async setRecording(on: boolean, opts: OperationOptions = {}): Promise<void> {
    await this.run(recordCommand(on), opts);
    this.recording = on;
  }

  /**
   * Sets the camera's clock to the local wall-clock time of `date` (default now): A011, sent only,
   * no reply awaited (none was ever seen; one that arrives is 'unsolicited'). Experimental: the
   * message is inferred from a replay of the vendor app (docs/PROTOCOL.md §10). Rejects like
   * request(); BadInputError for an invalid date.
   */
  async setClock(date: Date = this.options.wallClock(), opts: OperationOptions = {}): Promise<void> {
    const { payload, text } = clockCommand(date);
    await this.request(MessageType.SET_CLOCK, payload, { ...opts, replyType: null });
    this.logger.info(`${this.peer}: clock set to ${text} (SET_CLOCK, experimental)`);
  }

  /**
   * Asks for the UDP preview: 01FF + 8 zero bytes now if ready, and again after every re-login
   * until stopPreview(). Throws InvalidStateError on a closed session.
   */
  startPreview(): void {
    if (this.sessionState === 'closed') throw this.closedError();
    this.previewWanted = true;
    if (this.sessionState === 'ready') this.sendStartPreview();
  }

  /** The protocol has no stop command: forget the wish, so a reconnect does not restart the stream. */
  stopPreview(): void {
    this.previewWanted = false;
  }

  /** Idempotent and immediate: stops timers, destroys the socket, rejects everything pending. */
  close(): Promise<void> {
    if (this.sessionState === 'closed') return Promise.resolve();
    const err = new ConnectionClosedError(`session to ${this.peer} closed`);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.retryAt = undefined;
    this.dropLink();
    this.pending.rejectAll(err);
    this.attemptWaiters.rejectAll(err);
    this.readyWaiters.rejectAll(err);
    this.setState('closed');
    return Promise.resolve();
  }

  // ---- operations -----------------------------------------------------------------------------

  /** Waits for the login if needed, then sends through the pending-request queue of its reply type. */
  private async run<T>(command: Command<T>, opts: OperationOptions): Promise<T> {
    const { type, replyType, accept } = command;
    const frame = encodeMessage(type, command.payload); // validates before any wait
    const timeoutMs = await this.whenReady(type, opts);
    const reply = await this.pending.add({ requestType: type, replyType, timeoutMs, signal: opts.signal, accept, send: () => this.write(frame) });
    return command.result(reply);
  }

  /** Waits for 'ready' within the operation's limit; returns what is left of that limit. */
  private async whenReady(type: number, opts: OperationOptions): Promise<number> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
      throw new BadInputError(`timeoutMs must be a positive number up to ${MAX_TIMER_MS}, got ${timeoutMs}`);
    }
    throwIfAborted(opts.signal);
    if (this.sessionState === 'closed') throw this.closedError();
    if (this.sessionState === 'ready') return timeoutMs;
    const started = Date.now();
    await this.waitReady({ signal: opts.signal, timeoutMs }, ` for ${typeLabel(type)}`);
    return Math.max(1, timeoutMs - (Date.now() - started));
  }

  private waitReady(opts: { signal?: AbortSignal; timeoutMs?: number }, purpose: string): Promise<void> {
    if (this.sessionState === 'closed') return Promise.reject(this.closedError());
    if (this.sessionState === 'ready') return Promise.resolve();
    const { timeoutMs } = opts;
    const wait = this.readyWaiters.wait({
      signal: opts.signal,
      timeoutMs,
      onTimeout: () => {
        const last = this.error ? `; last error: ${this.error.message}` : '';
        return new TimeoutError(`${this.peer} not ready within ${seconds(timeoutMs ?? 0)} s${purpose} (state ${this.sessionState}${last})`);
      },
    });
    if (this.sessionState === 'idle') this.beginAttempt();
    return wait;
  }

  private write(frame: Buffer): void {
    if (this.sessionState !== 'ready' || !this.link?.send(frame)) throw new ConnectionClosedError(`${this.peer} is not connected`);
  }

  private sendStartPreview(): void {
    this.logger.debug(`${this.peer}: START_PREVIEW`);
    this.link?.send(START_PREVIEW_FRAME);
  }

  /** A011 after a login, in the vendor app's order (after START_PREVIEW, docs/PROTOCOL.md §10). */
  private sendClock(): void {
    try {
      const { payload, text } = clockCommand(this.options.wallClock());
      this.logger.debug(`${this.peer}: SET_CLOCK ${text} after login`);
      this.link?.send(encodeMessage(MessageType.SET_CLOCK, payload));
    } catch (err) {
      this.logger.warn(`${this.peer}: clock not set: ${err instanceof Error ? err.message : String(err)}`); // an injected now() gave no date
    }
  }

  // ---- connection life cycle --------------------------------------------------------------------

  private beginAttempt(): void {
    this.setState('connecting');
    if (this.sessionState !== 'connecting') return; // a 'state' listener closed the session
    this.logger.debug(`${this.peer}: connecting`);
    let socket;
    try {
      socket = this.options.createConnection(this.port, this.host);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.onAttemptFailed(new UnreachableError(`${this.peer} unreachable: ${reason}`, err));
      return;
    }
    const link: ControlLink = new ControlLink({
      socket,
      peer: this.peer,
      connectTimeoutMs: this.options.connectTimeoutMs,
      maxWriteQueueBytes: this.options.maxWriteQueueBytes,
      handlers: {
        onOpen: () => this.onLinkOpen(link),
        onData: () => this.keepAlive.touch(),
        onMessage: (message) => this.onMessage(message),
        onGarbage: (bytes) => this.onGarbage(bytes),
        onClose: (error) => this.onLinkClosed(link, error),
      },
    });
    this.link = link;
  }

  private onLinkOpen(link: ControlLink): void {
    if (link !== this.link) return;
    this.address = link.localAddress;
    this.setState('loggingIn');
    if (this.sessionState !== 'loggingIn') return;
    this.logger.debug(`${this.peer}: logging in as "${this.options.username}"`);
    link.send(this.loginFrame);
    this.loginTimer = setTimeout(() => {
      this.loginTimer = undefined;
      this.onAttemptFailed(noAcceptError(this.peer, this.options.loginTimeoutMs));
    }, this.options.loginTimeoutMs);
  }

  private onMessage(message: ControlMessage): void {
    switch (message.type) {
      case MessageType.ALIVE_REQUEST:
        // Answer at once in every state, also before the login accept (docs/PROTOCOL.md §2.3 step 2).
        this.link?.send(ALIVE_RESPONSE_FRAME);
        return;
      case MessageType.ALIVE_RESPONSE:
        return; // the answer to our keep-alive; its arrival already fed the watchdog
      case MessageType.LOGIN_ACCEPT:
        // XPro2 echoes 128 bytes, SJ4000 Air sends 129: any length is an accept (docs/PROTOCOL.md §2.2).
        if (this.sessionState === 'loggingIn') return this.onLoginAccepted(message.payload.length);
        break;
    }
    if (this.pending.resolve(message)) return;
    // Unknown types are how the real error codes will be learnt (docs/PROTOCOL.md §2.6): log every byte.
    const line = `${this.peer}: unsolicited ${typeLabel(message.type)}, ${message.payload.length} bytes: ${hexPreview(message.payload)}`;
    // Except the rest of a file list nobody waits for (refused at a cap, timed out): up to 4096 parts.
    if (message.type === MessageType.FILE_LIST_CONTENT) this.logger.debug(line);
    else this.logger.info(line);
    this.emitSafely('unsolicited', message);
  }

  private onLoginAccepted(length: number): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
    this.backoff.reset();
    this.logger.info(`${this.peer}: logged in (accept of ${length} bytes)`);
    this.keepAlive.start();
    if (this.previewWanted) this.sendStartPreview();
    if (this.options.setClockOnLogin) this.sendClock();
    this.setState('ready');
  }

  private onGarbage(bytes: Buffer): void {
    this.logger.warn(`${this.peer}: skipped ${bytes.length} bytes that are not a control message: ${hexPreview(bytes)}`);
    this.emitSafely('garbage', bytes);
  }

  private onLinkClosed(link: ControlLink, error: ActionCamError): void {
    if (link !== this.link) return;
    if (this.sessionState === 'loggingIn' && !link.notReading) {
      // What a camera does to a refused or second client is unknown (docs/PROTOCOL.md §2.6); hanging up is one option.
      this.onAttemptFailed(new LoginRejectedError(`login rejected or camera busy: ${this.peer} closed the connection before accepting the login`));
    } else if (this.sessionState === 'connecting' || this.sessionState === 'loggingIn') {
      this.onAttemptFailed(error);
    } else {
      this.onLinkLost(error);
    }
  }

  /** The dial or the login failed. */
  private onAttemptFailed(error: ActionCamError): void {
    this.dropLink();
    this.logFailure(error);
    this.error = error;
    this.attemptWaiters.rejectAll(error);
    this.afterFailure(error);
  }

  /** A logged-in link dropped or went silent: what was pending cannot be trusted to complete. */
  private onLinkLost(error: ActionCamError): void {
    if (this.sessionState !== 'ready') return;
    this.dropLink();
    this.logFailure(error);
    this.error = error;
    this.pending.rejectAll(error);
    this.afterFailure(error);
  }

  private afterFailure(error: ActionCamError): void {
    if (this.sessionState === 'closed') return;
    if (!this.options.reconnect) {
      this.readyWaiters.rejectAll(error);
      this.setState('idle', error);
      return;
    }
    // A camera that is not there is looked for every few seconds; one that is there but refuses us
    // or drops us is left alone longer (defaults.ts reconnectUnreachableMaxMs).
    const delay = this.backoff.next(error instanceof UnreachableError ? this.options.reconnectUnreachableMaxMs : undefined);
    this.logger.info(`${this.peer}: reconnecting in ${seconds(delay)} s`);
    this.failedAt = Date.now();
    this.scheduleAttempt(delay);
    this.setState('reconnecting', error);
  }

  /** (Re)arms the one back-off timer: the next dial in `delayMs`. */
  private scheduleAttempt(delayMs: number): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.retryAt = Date.now() + delayMs;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.retryAt = undefined;
      this.beginAttempt();
    }, delayMs);
  }

  /** Warns once per outage; the retries of a camera that stays away only go to debug. */
  private logFailure(error: ActionCamError): void {
    // Messages already name the camera: prefix it only where one does not (no "camera X: camera X").
    const line = error.message.includes(this.peer) ? error.message : `${this.peer}: ${error.message}`;
    if (this.backoff.attempts === 0) this.logger.warn(line);
    else this.logger.debug(line);
  }

  /** Tears the current link down (no callbacks) with its login timer and keep-alive. */
  private dropLink(): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
    this.keepAlive.stop();
    this.link?.destroy();
    this.link = undefined;
  }

  private setState(next: SessionState, error?: ActionCamError): void {
    const previous = this.sessionState;
    if (previous === next) return;
    this.sessionState = next;
    this.logger.debug(`${this.peer}: ${previous} -> ${next}`);
    this.emitSafely('state', next, previous, error);
    if (next === 'ready' && this.sessionState === 'ready') {
      this.attemptWaiters.resolveAll();
      this.readyWaiters.resolveAll();
      this.emitSafely('ready');
    }
  }

  /** A throwing listener must not break the session (it would otherwise unwind a socket handler). */
  private emitSafely<K extends keyof CameraSessionEvents>(event: K, ...args: CameraSessionEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: CameraSessionEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.logger.warn(`${this.peer}: a '${String(event)}' listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private closedError(): InvalidStateError {
    return new InvalidStateError(`session to ${this.peer} is closed`);
  }
}
