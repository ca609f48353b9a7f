/**
 * One RTSP TCP connection (RFC 2326 §10): reads requests and interleaved `$` frames in any mix and
 * split, answers requests strictly in order, and carries the interleaved media of its TCP sessions.
 *
 * One request in flight: when a request is parsed the socket stops reading until its reply has been
 * handed to the kernel (the write callback), and only then is the next request parsed. A client that
 * pipelines requests and never reads the replies therefore fills its own kernel buffers, never our
 * memory, and a pipelined burst is parsed one request at a time out of the chunk it came in.
 * Interleaved frames need no reply and are handled as they come.
 *
 * Every reply gets CSeq (echoed, RFC 2326 §12.17; GStreamer fails without it), Date (§12.18) and
 * Server (§12.36). A malformed request is answered (400, 414, 505, ...) and the connection carries
 * on; when the byte stream cannot be re-framed the reply is flushed and the connection closed.
 *
 * The connection holds no deadline timer: the server's housekeeping tick asks `overdue()`.
 */
import type { Socket } from 'net';
import type { Logger } from '../logger';
import type { MediaSink } from './client-stream';
import type { PortPair } from './headers';
import {
  encodeInterleaved,
  RequestParser,
  serializeResponse,
  type InterleavedFrame,
  type ParsedItem,
  type RtspRequest,
  type RtspResponse,
} from './message';
import type { RtspLimitsOptions } from './defaults';
import { RtspStatus } from './status';

/** The server side of a connection: what to do with what it reads. */
export interface ConnectionHandler {
  /** Answers one request; must not reject (the connection turns a rejection into 500 anyway). */
  handleRequest(conn: RtspConnection, request: RtspRequest): Promise<RtspResponse>;
  /** An interleaved frame from the client (its RTCP receiver reports over TCP). */
  handleInterleaved(conn: RtspConnection, frame: InterleavedFrame): void;
  /** Bytes arrived: liveness of every session on this connection (docs/RTSP-CLIENTS.md §4, gst over TCP). */
  handleActivity(conn: RtspConnection): void;
  /** The socket closed, for whatever reason. Called once. */
  handleClose(conn: RtspConnection): void;
}

export interface RtspConnectionOptions {
  id: number;
  handler: ConnectionHandler;
  logger: Logger;
  serverName: string;
  lingerMs: number;
  /** A message must be complete this long after its first byte (RtspDefaults.requestTimeoutMs). */
  requestTimeoutMs: number;
  /** Without a session, a connection that completes no request for this long is closed. */
  idleTimeoutMs: number;
  limits?: Partial<RtspLimitsOptions>;
  now: () => number;
}

/**
 * reading: waiting for the client; answering: a request is with the handler (reads paused);
 * flushing: its reply is written but not yet handed to the kernel (reads paused); lingering: after a
 * fatal parse error, the last reply is flushed and the socket half-closed; closed.
 */
type ConnectionState = 'reading' | 'answering' | 'flushing' | 'lingering' | 'closed';

const NOTHING = Buffer.alloc(0);

export class RtspConnection {
  readonly id: number;
  /** `address:port` of the client. */
  readonly remote: string;
  readonly remoteAddress: string;
  /** Our address on this connection (the SDP origin). */
  readonly localAddress: string;
  private readonly socket: Socket;
  private readonly options: RtspConnectionOptions;
  private readonly parser: RequestParser;
  private readonly abort = new AbortController();
  private state: ConnectionState = 'reading';
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastActivityMs: number;
  /** When a request last arrived or a reply was last flushed (the idle deadline counts from it). */
  private lastExchangeMs: number;
  /** When the incomplete message the parser holds started arriving (the request deadline). */
  private partialSinceMs: number | undefined;

  constructor(socket: Socket, options: RtspConnectionOptions) {
    this.id = options.id;
    this.socket = socket;
    this.options = options;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remote = `${this.remoteAddress}:${socket.remotePort ?? 0}`;
    this.localAddress = (socket.localAddress ?? '').replace(/^::ffff:/, '');
    this.parser = new RequestParser(options.limits);
    this.lastActivityMs = options.now();
    this.lastExchangeMs = this.lastActivityMs;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => options.logger.debug(`rtsp: ${this.remote}: ${err.message}`));
    socket.on('close', () => this.onClose());
  }

  /** Aborted when the connection closes: pending work for it (a waiting DESCRIBE) stops. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  get lastActivity(): number {
    return this.lastActivityMs;
  }

  /** Bytes queued in the socket but not yet sent. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  /**
   * Why the connection should be closed at `now`, or undefined: a message left incomplete past the
   * request deadline (a trickle), or, when it carries no session, no request or reply for the idle
   * deadline (a reply that is never flushed counts too: that peer does not read).
   */
  overdue(now: number, hasSessions: boolean): string | undefined {
    const { requestTimeoutMs, idleTimeoutMs } = this.options;
    if (this.state === 'reading' && this.partialSinceMs !== undefined && now - this.partialSinceMs > requestTimeoutMs) {
      return `request incomplete after ${requestTimeoutMs} ms`;
    }
    if (!hasSessions && this.state !== 'answering' && now - this.lastExchangeMs > idleTimeoutMs) {
      return `idle for ${idleTimeoutMs} ms`;
    }
    return undefined;
  }

  /** Writes raw bytes (interleaved media); silently does nothing once the connection is closing. */
  write(data: Buffer): void {
    if (this.state === 'closed' || this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(data);
  }

  /** A sink for a TCP session's media on the interleaved channel pair [rtp, rtcp] (RFC 2326 §10.12). */
  sink(channels: PortPair): MediaSink {
    return {
      kind: 'tcp',
      sendRtp: (packets) => this.write(encodeInterleaved(channels[0], packets)),
      sendRtcp: (packet) => this.write(encodeInterleaved(channels[1], [packet])),
      backlogBytes: () => this.socket.writableLength,
    };
  }

  /** Destroys the socket at once. Idempotent. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.lastActivityMs = this.options.now();
    this.options.handler.handleActivity(this);
    this.pump(chunk);
  }

  /**
   * Handles what the parser completes, one item at a time, while the connection is reading. A request
   * (or a refusal to answer) switches to answering and pauses the socket; the reply's flush resumes
   * the pump. A chunk that arrives while paused (already on its way) is only buffered.
   */
  private pump(chunk: Buffer = NOTHING): void {
    let input = chunk;
    while (this.state === 'reading') {
      const [item] = this.parser.push(input, 1);
      input = NOTHING;
      if (!item) break;
      this.partialSinceMs = undefined;
      if (item.kind === 'interleaved') {
        this.options.handler.handleInterleaved(this, item.frame);
        continue;
      }
      this.lastExchangeMs = this.options.now();
      this.state = 'answering';
      this.socket.pause();
      void this.answer(item);
    }
    if (input.length > 0) this.parser.push(input, 0); // arrived while answering: keep it for later
    if (this.state !== 'reading') return;
    if (this.parser.partial) this.partialSinceMs ??= this.options.now();
    this.socket.resume();
  }

  /** Answers one request or parse failure; never rejects. */
  private async answer(item: Exclude<ParsedItem, { kind: 'interleaved' }>): Promise<void> {
    let cseq: string | undefined;
    let response: RtspResponse;
    let fatal = false;
    if (item.kind === 'request') {
      const request: RtspRequest = item.request;
      cseq = request.headers.get('cseq');
      try {
        response = await this.options.handler.handleRequest(this, request);
      } catch (err) {
        this.options.logger.warn(`rtsp: ${this.remote}: request failed: ${(err as Error).message ?? String(err)}`);
        response = { status: RtspStatus.INTERNAL_SERVER_ERROR, headers: [] };
      }
    } else {
      const { status, message } = item.error;
      cseq = item.error.cseq;
      fatal = item.error.fatal;
      this.options.logger.debug(`rtsp: ${this.remote}: ${status} ${message}${fatal ? ' (closing)' : ''}`);
      response = { status, headers: [] };
    }
    if (this.state !== 'answering') return; // closed meanwhile
    this.state = 'flushing';
    await this.send(cseq, response);
    if (this.state !== 'flushing') return;
    this.lastExchangeMs = this.options.now();
    if (fatal) {
      this.linger();
      return;
    }
    this.state = 'reading';
    this.pump();
  }

  /** Writes one reply; resolves once it is handed to the kernel (or the socket is gone). */
  private send(cseq: string | undefined, response: RtspResponse): Promise<void> {
    const headers: Array<readonly [string, string]> = [];
    if (cseq !== undefined) headers.push(['CSeq', cseq]);
    headers.push(['Date', new Date(this.options.now()).toUTCString()], ['Server', this.options.serverName]);
    const data = serializeResponse({ ...response, headers: [...headers, ...response.headers] });
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** Half-closes after the last reply; a peer that never reads is destroyed after lingerMs. */
  private linger(): void {
    this.state = 'lingering';
    this.socket.end();
    this.socket.resume(); // the parser ignores everything now; reading lets the peer's FIN close us
    this.lingerTimer ??= setTimeout(() => this.socket.destroy(), this.options.lingerMs);
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.abort.abort();
    this.options.handler.handleClose(this);
  }
}
