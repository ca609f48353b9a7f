/**
 * The live view's HTTP side: one request handler for exactly these paths under a mount point,
 *   /              the page (page.ts)
 *   /stream.mp4    the live fMP4 stream (init segment, then a fragment per frame from a keyframe)
 *   /index.m3u8    the HLS playlist, with init-<n>.mp4 and seg-<n>.m4s beside it
 * usable from a plain http.Server (the CLI: pass the URL's path) and from an express app (Node-RED:
 * `app.use(mount, ...)` strips the mount, so pass req.url). Nothing else is served: other paths are
 * 404, other methods 405, a stopped output 503, a full house 503 with Retry-After.
 *
 * Every request and response gets an 'error' listener: a viewer that vanishes mid-write is a closed
 * viewer, never an exception.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { LiveStream } from './live-stream';
import { livePage, PAGE_CSP } from './page';
import { parseMediaName, PLAYLIST_CONTENT_TYPE, SEGMENT_CONTENT_TYPE } from './playlist';

export interface LiveHttpOptions {
  /** The running stream, or undefined while the output is stopped (503). */
  stream(): LiveStream | undefined;
  /** Page title (the stream's name). */
  title: string;
  /** Called for each HLS request (playlist or media), to count HLS viewers. */
  onHlsRequest?(req: IncomingMessage): void;
}

/** Seconds a browser may wait before asking again when the house is full or the output stopped. */
const RETRY_AFTER_S = 5;
const NO_STORE = 'no-store';

export class LiveHttpHandler {
  private readonly page: Buffer;

  constructor(private readonly options: LiveHttpOptions) {
    this.page = Buffer.from(livePage(options.title), 'utf8');
  }

  /**
   * Answers one request. `path` is the request path below the mount ('/', '/stream.mp4', ...; a
   * query string is ignored). Returns false when the path is not one of ours (the caller may pass
   * it on), after answering 404 unless `passOn` is set.
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string, passOn = false): boolean {
    req.on('error', noop);
    res.on('error', noop);
    const name = stripQuery(path);
    const known = name === '/' || name === '' || name === '/stream.mp4' || name === '/index.m3u8' || parseMediaName(name.slice(1)) !== undefined;
    if (!known) {
      if (passOn) return false;
      text(res, 404, 'not found: this live view serves /, /stream.mp4 and /index.m3u8');
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      text(res, 405, `method ${req.method ?? ''} not allowed: use GET`);
      return true;
    }
    if (name === '/' || name === '') {
      this.servePage(req, res);
      return true;
    }
    const stream = this.options.stream();
    if (!stream || stream.state !== 'running') {
      res.setHeader('Retry-After', String(RETRY_AFTER_S));
      text(res, 503, 'the live view is stopped');
      return true;
    }
    if (name === '/stream.mp4') this.serveStream(req, res, stream);
    else if (name === '/index.m3u8') this.servePlaylist(req, res, stream);
    else this.serveMedia(req, res, stream, name.slice(1));
    return true;
  }

  private servePage(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': this.page.length,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : this.page);
  }

  private serveStream(req: IncomingMessage, res: ServerResponse, stream: LiveStream): void {
    const head = { 'Content-Type': 'video/mp4', 'Cache-Control': NO_STORE, 'X-Content-Type-Options': 'nosniff' };
    if (req.method === 'HEAD') {
      res.writeHead(200, head);
      res.end();
      return;
    }
    if (stream.viewerCount >= stream.maxViewers) {
      res.setHeader('Retry-After', String(RETRY_AFTER_S));
      text(res, 503, `too many viewers (${stream.maxViewers}): try again later`);
      return;
    }
    res.socket?.setNoDelay(true);
    res.writeHead(200, head);
    res.flushHeaders();
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    const viewer = stream.addViewer(
      {
        write: (chunk) => {
          res.write(chunk);
        },
        get writableLength() {
          return res.writableLength;
        },
        destroy: () => res.destroy(),
      },
      remote,
    );
    if (!viewer) {
      res.destroy();
      return;
    }
    res.once('close', () => stream.viewerEnded(viewer.id));
  }

  private servePlaylist(req: IncomingMessage, res: ServerResponse, stream: LiveStream): void {
    this.options.onHlsRequest?.(req);
    const body = Buffer.from(stream.playlist(), 'utf8');
    res.writeHead(200, { 'Content-Type': PLAYLIST_CONTENT_TYPE, 'Content-Length': body.length, 'Cache-Control': NO_STORE });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private serveMedia(req: IncomingMessage, res: ServerResponse, stream: LiveStream, name: string): void {
    const media = parseMediaName(name);
    let parts: readonly Buffer[] | undefined;
    if (media?.kind === 'init') {
      const init = stream.initSegment(media.number);
      parts = init ? [init] : undefined;
    } else if (media) {
      parts = stream.hls.segment(media.number)?.fragments;
    }
    if (!parts) {
      text(res, 404, `${name} is not available (any more): reload index.m3u8`);
      return;
    }
    this.options.onHlsRequest?.(req);
    let length = 0;
    for (const part of parts) length += part.length;
    // A finished segment never changes: players and proxies may keep it for its life in the window.
    res.writeHead(200, { 'Content-Type': SEGMENT_CONTENT_TYPE, 'Content-Length': length, 'Cache-Control': 'max-age=60' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.cork();
    for (const part of parts) res.write(part);
    res.uncork();
    res.end();
  }
}

function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function text(res: ServerResponse, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': NO_STORE });
  res.end(body);
}

function noop(): void {}
