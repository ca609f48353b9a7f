/**
 * One TCP control connection of the simulated camera: framing, the vendor login sequence, the
 * keep-alive in both directions, and reply writing with the fault knobs applied. Commands of a
 * logged-in client are handed to the simulator's command handler.
 *
 * Login sequence as the XPro2 does it (docs/PROTOCOL.md §2.3):
 *   C->K 0110 login     K->C 0112 alive request     C->K 0113     K->C 0111 accept (login echo)
 * If the client never answers the alive request the accept follows after `loginAliveWaitMs`.
 */
import type * as net from 'net';
import type { Logger } from '../logger';
import { FrameReader, LOGIN_FIELD_SIZE, MessageType, encodeMessage, messageName, toHex } from '../protocol';
import type { ControlMessage } from '../protocol';
import type { ResolvedOptions, SimulatorFaults } from './options';
import { SimulatorDefaults, garbage } from './options';

/** connected: no valid login yet; loginPending: alive sent, accept due; loggedIn; closed. */
export type ClientState = 'connected' | 'loginPending' | 'loggedIn' | 'closed';

export interface ClientHooks {
  readonly options: ResolvedOptions;
  readonly faults: SimulatorFaults;
  /** Every message received, in order (for counters and the 'command' event). */
  onMessage(client: ControlClient, msg: ControlMessage): void;
  /** A message other than login/alive from a logged-in client. */
  onCommand(client: ControlClient, msg: ControlMessage): void;
  /** The accept was sent. */
  onLogin(client: ControlClient): void;
  onClose(client: ControlClient): void;
}

export class ControlClient {
  readonly address: string;
  readonly port: number;
  private stateValue: ClientState = 'connected';
  private readonly reader = new FrameReader();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aliveTimer: NodeJS.Timeout;
  private loginWaitTimer?: NodeJS.Timeout;
  private acceptPayload?: Buffer;
  private readonly closeCallbacks: Array<() => void> = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly hooks: ClientHooks,
  ) {
    // IPv4 clients of a dual-stack listener show up as ::ffff:a.b.c.d; the preview goes to a.b.c.d.
    this.address = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    this.port = socket.remotePort ?? 0;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug(`sim: client ${this.label} socket error: ${err.message}`));
    socket.on('close', () => this.cleanUp());
    this.aliveTimer = setInterval(() => {
      if (!this.hooks.faults.ignoreAlive) this.send(MessageType.ALIVE_REQUEST);
    }, hooks.options.aliveIntervalMs);
  }

  get state(): ClientState {
    return this.stateValue;
  }

  get label(): string {
    return `${this.address}:${this.port}`;
  }

  /** Runs `fn` once when the connection is gone (e.g. to stop this client's preview). */
  onClosed(fn: () => void): void {
    if (this.stateValue === 'closed') fn();
    else this.closeCallbacks.push(fn);
  }

  /** Sends a reply to a command, honouring replyDelayMs and garbageBeforeReplies. */
  reply(type: number, payload?: Buffer): void {
    const delay = this.hooks.faults.replyDelayMs;
    if (delay > 0) this.later(delay, () => this.writeReply(type, payload));
    else this.writeReply(type, payload);
  }

  /** Sends a message at once, untouched by the fault knobs. */
  send(type: number, payload?: Buffer): void {
    this.writeRaw(encodeMessage(type, payload));
  }

  writeRaw(bytes: Buffer): void {
    if (this.stateValue !== 'closed' && this.socket.writable) this.socket.write(bytes);
  }

  /** Drops the connection at once (no FIN handshake wait). Idempotent. */
  destroy(): void {
    this.socket.destroy();
    this.cleanUp();
  }

  private get log(): Logger {
    return this.hooks.options.logger;
  }

  private writeReply(type: number, payload?: Buffer): void {
    if (this.hooks.faults.garbageBeforeReplies) this.writeRaw(garbage(this.hooks.options.random));
    this.send(type, payload);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onData(chunk: Buffer): void {
    const { messages, skipped } = this.reader.push(chunk);
    for (const junk of skipped) this.log.debug(`sim: client ${this.label} sent ${junk.length} non-frame bytes: ${toHex(junk)}`);
    for (const msg of messages) {
      if (this.stateValue === 'closed') return;
      this.hooks.onMessage(this, msg);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: ControlMessage): void {
    switch (msg.type) {
      case MessageType.LOGIN:
        this.onLoginRequest(msg.payload);
        return;
      case MessageType.ALIVE_REQUEST:
        if (!this.hooks.faults.ignoreAlive) this.send(MessageType.ALIVE_RESPONSE);
        return;
      case MessageType.ALIVE_RESPONSE:
        if (this.stateValue === 'loginPending') this.accept();
        return;
      default:
        if (this.stateValue !== 'loggedIn') {
          this.log.debug(`sim: ignoring ${messageName(msg.type)} from ${this.label} before login: ${toHex(msg.payload)}`);
          return;
        }
        this.hooks.onCommand(this, msg);
    }
  }

  private onLoginRequest(payload: Buffer): void {
    const { options, faults } = this.hooks;
    const username = field(payload, 0);
    const password = field(payload, LOGIN_FIELD_SIZE);
    const valid = username === options.username && password === options.password;
    if (!valid) this.log.info(`sim: login from ${this.label} as "${username}" has wrong credentials; no accept`);
    else if (faults.rejectLogin) this.log.info(`sim: rejectLogin fault: no accept for ${this.label}`);
    const echo = Buffer.alloc(options.loginAcceptLength);
    payload.copy(echo, 0, 0, Math.min(payload.length, LOGIN_FIELD_SIZE * 2));
    if (faults.ignoreAlive) {
      if (valid && !faults.rejectLogin) {
        this.acceptPayload = echo;
        this.accept();
      }
      return;
    }
    // The camera's alive request comes before the accept, whatever the outcome (docs/PROTOCOL.md §2.3).
    this.send(MessageType.ALIVE_REQUEST);
    if (!valid || faults.rejectLogin) return;
    this.acceptPayload = echo;
    this.stateValue = 'loginPending';
    clearTimeout(this.loginWaitTimer);
    this.loginWaitTimer = setTimeout(() => this.accept(), SimulatorDefaults.loginAliveWaitMs);
  }

  private accept(): void {
    clearTimeout(this.loginWaitTimer);
    this.loginWaitTimer = undefined;
    if (this.stateValue === 'closed' || !this.acceptPayload) return;
    this.stateValue = 'loggedIn';
    this.reply(MessageType.LOGIN_ACCEPT, this.acceptPayload);
    this.acceptPayload = undefined;
    this.hooks.onLogin(this);
  }

  private cleanUp(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    clearInterval(this.aliveTimer);
    clearTimeout(this.loginWaitTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.reader.reset();
    for (const fn of this.closeCallbacks.splice(0)) fn();
    this.hooks.onClose(this);
  }
}

/** A NUL-padded ASCII login field (docs/PROTOCOL.md §2.4). */
function field(payload: Buffer, offset: number): string {
  const bytes = payload.subarray(offset, offset + LOGIN_FIELD_SIZE);
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul === -1 ? bytes.length : nul).toString('latin1');
}
