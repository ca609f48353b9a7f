/**
 * The simulated camera's HTTP file server (docs/PROTOCOL.md §2.7.5): GET or HEAD of a listed path serves
 * the file with Content-Length and a Content-Type; anything else is 404 (or 400 for a path that
 * tries to climb out with "..", a backslash or a NUL, 405 for other methods). Files live in memory,
 * so traversal could not reach the disk anyway; it is refused to behave like a careful server.
 */
import * as http from 'http';
import type * as net from 'net';
import type { Logger } from '../logger';
import { listenOn } from '../net/tcp-listen';
import type { FileStore, SimFile } from './file-store';
import type { SimulatorFaults } from './options';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
};

export class HttpFileServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly files: FileStore,
    private readonly counters: { httpRequests: number },
    private readonly logger: Logger,
    private readonly faults: Pick<SimulatorFaults, 'httpCut'>,
  ) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (err, socket) => {
      logger.debug(`sim: http client error: ${err.message}`);
      socket.destroy();
    });
    this.server.on('error', (err) => logger.warn(`sim: http server error: ${err.message}`));
  }

  async listen(host: string, port: number): Promise<number> {
    return (await listenOn(this.server, host, port)).port;
  }

  /** Stops listening and destroys open connections (a download in flight fails). Idempotent. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.httpRequests++;
    const method = req.method ?? 'GET';
    const rawPath = (req.url ?? '/').split('?')[0];
    const filePath = decodePath(rawPath);
    this.logger.debug(`sim: http ${method} ${rawPath}`);
    if (method !== 'GET' && method !== 'HEAD') return this.status(res, 405, { Allow: 'GET, HEAD' });
    if (filePath === undefined || isTraversal(filePath)) return this.status(res, 400);
    const file = this.files.get(filePath);
    if (!file) return this.status(res, 404);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extensionOf(file.name)] ?? 'application/octet-stream',
      'Content-Length': file.size,
    });
    if (method === 'HEAD') return void res.end();
    const cut = this.cutAt(file);
    if (cut === undefined) return void res.end(file.data);
    this.logger.debug(`sim: httpCut fault: ${file.path} cut after ${cut} of ${file.size} bytes`);
    res.write(file.data.subarray(0, cut), () => res.destroy());
  }

  /** Where the httpCut fault cuts this file's body, if it applies to it. */
  private cutAt(file: SimFile): number | undefined {
    const cut = this.faults.httpCut;
    if (!cut || (cut.path !== undefined && cut.path !== file.path)) return undefined;
    return Math.max(0, Math.min(cut.afterBytes, file.size - 1));
  }

  private status(res: http.ServerResponse, code: number, headers: Record<string, string> = {}): void {
    const body = `${code} ${http.STATUS_CODES[code] ?? ''}\n`;
    res.writeHead(code, { ...headers, 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function isTraversal(p: string): boolean {
  return !p.startsWith('/') || p.includes('\\') || p.includes('\0') || p.split('/').some((seg) => seg === '..' || seg === '.');
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
}
