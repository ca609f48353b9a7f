/**
 * RTSP/1.0 wire messages (RFC 2326 §6 Request, §7 Response, §10.12 Embedded (Interleaved) Binary Data).
 *
 * Pure: no sockets, no timers. `RequestParser` is incremental: feed it whatever TCP delivered, in any
 * split, and it returns every whole request and `$` frame; "need more bytes" is simply an empty
 * result. Every buffer it can grow is capped (RtspLimits). A malformed request whose end can still be
 * found (its head ended with an empty line and its Content-Length is sane) yields a non-fatal error:
 * the caller answers 400 and carries on with the next request. When the stream cannot be re-framed
 * (oversized head, bad or huge Content-Length) the error is fatal: answer it and close.
 *
 * Interleaved frame (RFC 2326 §10.12), sent by clients over TCP for their RTCP:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  '$' (0x24)   |    channel    |     length (u16, big-endian)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 length bytes of RTP or RTCP ...               |
 */
import { BadInputError } from '../errors';
import { RtspLimits, type RtspLimitsOptions } from './defaults';
import { reasonPhrase, RtspStatus } from './status';

/** Header names are lower-cased; repeated headers are joined with ", " (RFC 2616 §4.2, via RFC 2326 §4). */
export type HeaderMap = ReadonlyMap<string, string>;

export interface RtspRequest {
  method: string;
  uri: string;
  /** Always `RTSP/1.0`: other versions are answered 505 by the parser. */
  version: string;
  headers: HeaderMap;
  body: Buffer;
}

export interface InterleavedFrame {
  channel: number;
  payload: Buffer;
}

/** A request the parser refused; `status` is the reply to send, `cseq` the request's if it had one. */
export interface ParseFailure {
  status: number;
  message: string;
  cseq?: string;
  /** The byte stream cannot be re-framed: reply, then close the connection. */
  fatal: boolean;
}

export type ParsedItem =
  | { kind: 'request'; request: RtspRequest }
  | { kind: 'interleaved'; frame: InterleavedFrame }
  | { kind: 'error'; error: ParseFailure };

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const INTERLEAVED_HEADER = 4;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^(\S+) (\S+) (\S+)$/;
const RTSP_VERSION = /^RTSP\/(\d+)\.(\d+)$/;

interface PendingBody {
  request: RtspRequest;
  length: number;
}

/** Incremental request parser for one TCP connection (server side). */
export class RequestParser {
  private readonly limits: RtspLimitsOptions;
  private pending: Buffer = Buffer.alloc(0);
  private body: PendingBody | undefined;
  private broken = false;
  /** Body bytes of a refused request still to be skipped. */
  private discard = 0;
  /** How far into the pending head the search for its end has got. */
  private scanned = 0;

  constructor(limits: Partial<RtspLimitsOptions> = {}) {
    this.limits = { ...RtspLimits, ...limits };
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pending.length;
  }

  /** True after a fatal error: the parser ignores everything from then on. */
  get failed(): boolean {
    return this.broken;
  }

  /** Bytes are held back. After a push that returned fewer than `maxItems` items they are the
   * start of a message still incomplete (a request line, head, body or `$` frame). */
  get partial(): boolean {
    return this.body !== undefined || this.discard > 0 || this.pending.length > 0;
  }

  /**
   * Appends a chunk and returns the items it completes, in stream order: at most `maxItems` of them;
   * the bytes after the last one returned stay buffered for the next push (an empty chunk will do).
   * A server that answers one request at a time passes 1, so a pipelined burst is never parsed into
   * more than one request ahead of its replies.
   */
  push(chunk: Buffer, maxItems = Infinity): ParsedItem[] {
    if (this.broken) return [];
    const buf = this.pending.length === 0 ? chunk : chunk.length === 0 ? this.pending : Buffer.concat([this.pending, chunk]);
    const items: ParsedItem[] = [];
    let offset = 0;
    let stoppedEarly = false;
    while (!this.broken) {
      if (items.length >= maxItems) {
        stoppedEarly = true;
        break;
      }
      if (this.discard > 0) {
        // The body of a refused request: skip it without buffering.
        const skip = Math.min(this.discard, buf.length - offset);
        this.discard -= skip;
        offset += skip;
        if (this.discard > 0) break;
        continue;
      }
      if (this.body) {
        const { request, length } = this.body;
        if (buf.length - offset < length) break;
        request.body = Buffer.from(buf.subarray(offset, offset + length));
        offset += length;
        this.body = undefined;
        items.push({ kind: 'request', request });
        continue;
      }
      // Stray line ends between messages are tolerated (RFC 2326 §15 follows RFC 2616 §4.1).
      while (offset < buf.length && (buf[offset] === CR || buf[offset] === LF)) offset++;
      if (offset >= buf.length) break;
      if (buf[offset] === DOLLAR) {
        if (buf.length - offset < INTERLEAVED_HEADER) break;
        const length = buf.readUInt16BE(offset + 2);
        if (buf.length - offset < INTERLEAVED_HEADER + length) break;
        const channel = buf[offset + 1];
        const payload = Buffer.from(buf.subarray(offset + INTERLEAVED_HEADER, offset + INTERLEAVED_HEADER + length));
        offset += INTERLEAVED_HEADER + length;
        items.push({ kind: 'interleaved', frame: { channel, payload } });
        continue;
      }
      const end = findHeadEnd(buf, offset, offset + this.scanned);
      if ('resume' in end) {
        // Lines already scanned are not scanned again: a head trickling in byte by byte costs O(n).
        this.scanned = end.resume - offset;
        const size = buf.length - offset;
        if (buf.indexOf(LF, offset) === -1 && size > this.limits.maxRequestLineBytes) {
          items.push(this.fail(RtspStatus.REQUEST_URI_TOO_LARGE, 'request line too long'));
        } else if (size > this.limits.maxHeadBytes) {
          items.push(this.fail(RtspStatus.BAD_REQUEST, 'request head too large'));
        }
        break;
      }
      if (end.headEnd - offset > this.limits.maxHeadBytes) {
        items.push(this.fail(RtspStatus.BAD_REQUEST, 'request head too large'));
        break;
      }
      const head = parseHead(buf.toString('latin1', offset, end.headEnd), this.limits);
      offset = end.next;
      this.scanned = 0;
      if (head.kind === 'fatal') {
        items.push(this.fail(head.status, head.message, head.cseq));
      } else if (head.kind === 'error') {
        // The request is still framed (its head ended, its body length is known): skip it, carry on.
        items.push({ kind: 'error', error: { status: head.status, message: head.message, cseq: head.cseq, fatal: false } });
        this.discard = head.contentLength;
      } else if (head.contentLength === 0) {
        items.push({ kind: 'request', request: head.request });
      } else {
        this.body = { request: head.request, length: head.contentLength };
      }
    }
    // Whole messages left by maxItems are kept as a view (no copy per item: a burst of tiny requests
    // would otherwise be copied once per request); the start of an incomplete one is copied, so a
    // few bytes do not pin the whole chunk they arrived in.
    if (this.broken || offset >= buf.length) this.pending = Buffer.alloc(0);
    else this.pending = stoppedEarly ? buf.subarray(offset) : Buffer.from(buf.subarray(offset));
    return items;
  }

  private fail(status: number, message: string, cseq?: string): ParsedItem {
    this.broken = true;
    return { kind: 'error', error: { status, message, cseq, fatal: true } };
  }
}

/**
 * Where the head's terminating empty line ends (CRLF CRLF, or bare LF LF from lenient clients), or
 * where the scan should resume once more bytes arrive (the start of the last, incomplete line).
 */
function findHeadEnd(buf: Buffer, from: number, resumeAt: number): { headEnd: number; next: number } | { resume: number } {
  let lineStart = Math.max(from, resumeAt);
  for (;;) {
    const lf = buf.indexOf(LF, lineStart);
    if (lf === -1) return { resume: lineStart };
    const lineEnd = lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd === lineStart && lineStart > from) return { headEnd: lineStart, next: lf + 1 };
    lineStart = lf + 1;
  }
}

type HeadResult =
  | { kind: 'ok'; request: RtspRequest; contentLength: number }
  | { kind: 'error'; status: number; message: string; cseq?: string; contentLength: number }
  | { kind: 'fatal'; status: number; message: string; cseq?: string };

/** Parses a request head (request line + header lines, without the empty line). */
function parseHead(text: string, limits: RtspLimitsOptions): HeadResult {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const requestLine = lines[0] ?? '';
  const headers = new Map<string, string>();
  let headerError: string | undefined;
  let last: string | undefined;
  let count = 0;
  for (const line of lines.slice(1)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`.trim()); // folded continuation
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) {
      headerError ??= `malformed header line "${truncate(line)}"`;
      continue;
    }
    count++;
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
    last = key;
  }
  const cseq = headers.get('cseq');
  const lengthText = headers.get('content-length');
  let contentLength = 0;
  if (lengthText !== undefined) {
    if (!/^\d{1,10}$/.test(lengthText)) {
      return { kind: 'fatal', status: RtspStatus.BAD_REQUEST, message: `bad Content-Length "${truncate(lengthText)}"`, cseq };
    }
    contentLength = Number(lengthText);
    if (contentLength > limits.maxBodyBytes) {
      return { kind: 'fatal', status: RtspStatus.REQUEST_ENTITY_TOO_LARGE, message: `body of ${contentLength} bytes`, cseq };
    }
  }
  const error = (status: number, message: string): HeadResult => ({ kind: 'error', status, message, cseq, contentLength });
  if (requestLine.length > limits.maxRequestLineBytes) return error(RtspStatus.REQUEST_URI_TOO_LARGE, 'request line too long');
  const match = REQUEST_LINE.exec(requestLine);
  if (!match || !TOKEN.test(match[1])) return error(RtspStatus.BAD_REQUEST, `malformed request line "${truncate(requestLine)}"`);
  const [, method, uri, version] = match;
  const v = RTSP_VERSION.exec(version);
  if (!v) return error(RtspStatus.BAD_REQUEST, `not an RTSP request (${truncate(version)})`);
  if (v[1] !== '1' || v[2] !== '0') return error(RtspStatus.RTSP_VERSION_NOT_SUPPORTED, `${version} is not supported`);
  if (count > limits.maxHeaderCount) return error(RtspStatus.BAD_REQUEST, `more than ${limits.maxHeaderCount} headers`);
  if (headerError) return error(RtspStatus.BAD_REQUEST, headerError);
  return { kind: 'ok', request: { method, uri, version, headers, body: Buffer.alloc(0) }, contentLength };
}

function truncate(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}...` : s;
}

export interface RtspResponse {
  status: number;
  /** Defaults to the RFC 2326 §7.1.1 phrase of `status`. */
  reason?: string;
  /** In wire order. CR and LF inside a value are replaced by spaces (no header injection). */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
}

/** Serializes a response (RFC 2326 §7); adds Content-Length when there is a body. */
export function serializeResponse(res: RtspResponse): Buffer {
  const body = res.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body, 'utf8');
  const lines = [`RTSP/1.0 ${res.status} ${clean(res.reason ?? reasonPhrase(res.status))}`];
  for (const [name, value] of res.headers) {
    if (name.toLowerCase() === 'content-length') continue;
    lines.push(`${name}: ${clean(value)}`);
  }
  if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body.length > 0 ? Buffer.concat([head, body]) : head;
}

function clean(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** Frames RTP/RTCP packets for one interleaved channel into a single buffer (RFC 2326 §10.12). */
export function encodeInterleaved(channel: number, packets: readonly Buffer[]): Buffer {
  let size = 0;
  for (const p of packets) size += INTERLEAVED_HEADER + p.length;
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const p of packets) {
    if (p.length > 0xffff) throw new BadInputError(`interleaved packet of ${p.length} bytes exceeds 65535`);
    out[offset] = DOLLAR;
    out[offset + 1] = channel & 0xff;
    out.writeUInt16BE(p.length, offset + 2);
    p.copy(out, offset + INTERLEAVED_HEADER);
    offset += INTERLEAVED_HEADER + p.length;
  }
  return out;
}
