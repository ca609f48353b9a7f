/**
 * One RTSP TCP connection (RFC 2326 §10): reads requests and interleaved `$` frames in any mix and
 * split, answers requests strictly in order (a DESCRIBE that waits for parameter sets holds back the
 * replies after it, as pipelining requires), and carries the interleaved media of its TCP sessions.
 *
 * Every reply gets CSeq (echoed, RFC 2326 §12.17; GStreamer fails without it), Date (§12.18) and
 * Server (§12.36). A malformed request is answered (400, 414, 505, ...) and the connection carries
 * on; when the byte stream cannot be re-framed the reply is flushed and the connection closed.
 */
import type { Socket } from 'net';
import type { Logger } from '../logger';
import type { MediaSink } from './client-stream';
import type { PortPair } from './headers';
import { encodeInterleaved, RequestParser, serializeResponse, type InterleavedFrame, type RtspRequest, type RtspResponse } from './message';
import type { RtspLimitsOptions } from './defaults';
import { RtspStatus } from './status';

/** The server side of a connection: what to do with what it reads. */
export interface ConnectionHandler {
  /** Answers one request; must not reject (the connection turns a rejection into 500 anyway). */
  handleRequest(conn: RtspConnection, request: RtspRequest): Promise<RtspResponse>;
  /** An interleaved frame from the client (its RTCP receiver reports over TCP). */
  handleInterleaved(conn: RtspConnection, frame: InterleavedFrame): void;
  /** Bytes arrived: liveness of every session on this connection (RTSP-CLIENTS.md §4, gst over TCP). */
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
  limits?: Partial<RtspLimitsOptions>;
  now: () => number;
}

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
  private queue: Promise<void> = Promise.resolve();
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastActivityMs: number;
  private isClosed = false;

  constructor(socket: Socket, options: RtspConnectionOptions) {
    this.id = options.id;
    this.socket = socket;
    this.options = options;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remote = `${this.remoteAddress}:${socket.remotePort ?? 0}`;
    this.localAddress = (socket.localAddress ?? '').replace(/^::ffff:/, '');
    this.parser = new RequestParser(options.limits);
    this.lastActivityMs = options.now();
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
    return this.isClosed;
  }

  get lastActivity(): number {
    return this.lastActivityMs;
  }

  /** Bytes queued in the socket but not yet sent. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  /** Writes raw bytes (interleaved media); silently does nothing once the connection is closing. */
  write(data: Buffer): void {
    if (this.isClosed || this.socket.destroyed || !this.socket.writable) return;
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
    for (const item of this.parser.push(chunk)) {
      if (item.kind === 'interleaved') {
        this.options.handler.handleInterleaved(this, item.frame);
      } else if (item.kind === 'request') {
        const request = item.request;
        const cseq = request.headers.get('cseq');
        this.enqueue(cseq, async () => this.send(cseq, await this.options.handler.handleRequest(this, request)));
      } else {
        const { status, message, cseq, fatal } = item.error;
        this.options.logger.debug(`rtsp: ${this.remote}: ${status} ${message}${fatal ? ' (closing)' : ''}`);
        this.enqueue(cseq, async () => {
          this.send(cseq, { status, headers: [] });
          if (fatal) this.linger();
        });
      }
    }
  }

  /** Runs request work strictly in order; a failure becomes a 500 reply, never a rejection. */
  private enqueue(cseq: string | undefined, work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.options.logger.warn(`rtsp: ${this.remote}: request failed: ${(err as Error).message ?? String(err)}`);
      this.send(cseq, { status: RtspStatus.INTERNAL_SERVER_ERROR, headers: [] });
    });
  }

  private send(cseq: string | undefined, response: RtspResponse): void {
    const headers: Array<readonly [string, string]> = [];
    if (cseq !== undefined) headers.push(['CSeq', cseq]);
    headers.push(['Date', new Date(this.options.now()).toUTCString()], ['Server', this.options.serverName]);
    this.write(serializeResponse({ ...response, headers: [...headers, ...response.headers] }));
  }

  /** Half-closes after the last reply; a peer that never reads is destroyed after lingerMs. */
  private linger(): void {
    if (this.isClosed) return;
    this.socket.end();
    this.lingerTimer ??= setTimeout(() => this.socket.destroy(), this.options.lingerMs);
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.abort.abort();
    this.options.handler.handleClose(this);
  }
}
