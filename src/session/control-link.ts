/**
 * One TCP connection to a camera's control port, from dial to close: connect timeout, framing of
 * the byte stream (FrameReader: split and coalesced reads, resync on the magic), writes, and a
 * single typed close notification. Reconnecting, login and matching are the session's job; a new
 * attempt makes a new ControlLink.
 *
 * Writes are bounded (docs/DESIGN.md rule 12): a camera that does not read what we send is a dead link.
 * When more than maxWriteQueueBytes wait unsent in the socket (socket.writableLength, what the
 * kernel's buffers could not take), the link closes itself with a ConnectionClosedError and the
 * session re-dials. The answers to one inbound chunk are written as one batch (cork/uncork), so a
 * flood of requests costs one system call per chunk, not one per message.
 *
 *   dialing --'connect'--> open --'close'/destroy()--> closed
 *      \------ error/timeout/destroy() ----------------^
 */
import type * as net from 'net';
import { ConnectionClosedError, UnreachableError, type ActionCamError } from '../errors';
import { FrameReader, type ControlMessage } from '../protocol';
import { seconds } from './format';

export type LinkState = 'dialing' | 'open' | 'closed';

export interface ControlLinkHandlers {
  /** The TCP handshake completed. */
  onOpen(): void;
  /** Any inbound bytes (before framing): feeds the liveness watchdog. */
  onData(): void;
  /** One whole control message. */
  onMessage(message: ControlMessage): void;
  /** Bytes skipped while resynchronising on the magic. */
  onGarbage(bytes: Buffer): void;
  /** The link ended by itself (refused, timed out, reset, closed by the camera). Not called after destroy(). */
  onClose(error: ActionCamError): void;
}

export interface ControlLinkOptions {
  /** A socket that is already connecting (net.createConnection or an injected transport). */
  socket: net.Socket;
  /** "camera 192.168.100.1:6666", for messages. */
  peer: string;
  connectTimeoutMs: number;
  /** Unsent bytes beyond which the camera counts as not reading (SessionDefaults.maxWriteQueueBytes). */
  maxWriteQueueBytes: number;
  handlers: ControlLinkHandlers;
}

export class ControlLink {
  private linkState: LinkState = 'dialing';
  private readonly socket: net.Socket;
  private readonly reader = new FrameReader();
  private readonly handlers: ControlLinkHandlers;
  private readonly peer: string;
  private readonly maxWriteQueueBytes: number;
  private connectTimer?: NodeJS.Timeout;
  private lastSocketError?: NodeJS.ErrnoException;
  private overflowed = false;
  private destroyed = false;

  constructor(options: ControlLinkOptions) {
    this.socket = options.socket;
    this.peer = options.peer;
    this.maxWriteQueueBytes = options.maxWriteQueueBytes;
    this.handlers = options.handlers;
    this.connectTimer = setTimeout(() => this.fail(this.unreachable(`no TCP connection within ${seconds(options.connectTimeoutMs)} s`)), options.connectTimeoutMs);
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Every socket has an 'error' listener; the error itself is reported by the 'close' that follows.
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.lastSocketError = err;
    });
    this.socket.on('close', () => this.onSocketClose());
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** Our address on this link (where the camera sends the preview); undefined until open. */
  get localAddress(): string | undefined {
    return this.linkState === 'open' ? this.socket.localAddress : undefined;
  }

  /** True once the link closed itself because the camera stopped reading (the write queue overflowed). */
  get notReading(): boolean {
    return this.overflowed;
  }

  /**
   * Writes one encoded message (encodeMessage); false (nothing written) when the link is not open.
   * When the unsent bytes pass maxWriteQueueBytes the link closes at once (nothing more is read or
   * written) and reports it through onClose on the next tick, never from inside this call.
   */
  send(frame: Buffer): boolean {
    if (this.linkState !== 'open') return false;
    this.socket.write(frame);
    const queued = this.socket.writableLength;
    if (queued > this.maxWriteQueueBytes) this.overflow(queued);
    return true;
  }

  /** Owner-initiated close: immediate, idempotent, and no handler is called afterwards. */
  destroy(): void {
    this.destroyed = true;
    if (this.linkState === 'closed') return;
    this.linkState = 'closed';
    this.cleanup();
  }

  private onConnect(): void {
    if (this.linkState !== 'dialing') return;
    this.clearConnectTimer();
    this.linkState = 'open';
    this.socket.setNoDelay(true);
    this.handlers.onOpen();
  }

  private onData(chunk: Buffer): void {
    if (this.linkState !== 'open') return;
    this.handlers.onData();
    const { messages, skipped } = this.reader.push(chunk);
    this.socket.cork();
    try {
      for (const bytes of skipped) {
        if (this.linkState !== 'open') return;
        this.handlers.onGarbage(bytes);
      }
      for (const message of messages) {
        // A handler may have torn the link down (e.g. close() from a listener): stop delivering.
        if (this.linkState !== 'open') return;
        this.handlers.onMessage(message);
      }
    } finally {
      this.socket.uncork();
    }
  }

  /** The camera does not read: close now, tell the owner on the next tick (it may be mid-send). */
  private overflow(queued: number): void {
    this.overflowed = true;
    const error = new ConnectionClosedError(
      `${this.peer} does not read what we send: ${queued} bytes wait unsent, more than the bound of ${this.maxWriteQueueBytes}: link dead`,
    );
    this.linkState = 'closed';
    this.cleanup();
    process.nextTick(() => {
      if (!this.destroyed) this.handlers.onClose(error);
    });
  }

  private onSocketClose(): void {
    if (this.linkState === 'closed') return;
    const err = this.lastSocketError;
    const reason = err ? (err.code ?? err.message) : undefined;
    if (this.linkState === 'dialing') {
      this.fail(this.unreachable(reason ?? 'connection closed before it was established'));
    } else {
      this.fail(new ConnectionClosedError(reason ? `connection to ${this.peer} lost: ${reason}` : `${this.peer} closed the connection`));
    }
  }

  private fail(error: ActionCamError): void {
    if (this.linkState === 'closed') return;
    this.linkState = 'closed';
    this.cleanup();
    this.handlers.onClose(error);
  }

  private unreachable(reason: string): UnreachableError {
    return new UnreachableError(`${this.peer} unreachable: ${reason}`, this.lastSocketError);
  }

  private cleanup(): void {
    this.clearConnectTimer();
    this.reader.reset();
    this.socket.destroy();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }
}
