/**
 * Camera file downloads over plain HTTP (PROTOCOL.md §2.7.5): `GET http://<camera><path>` with the
 * path from the file list. Unlike the reference client this checks the status code, the
 * Content-Length against the listed size and the received byte count, bounds memory, times out on
 * a stalled camera, and can be aborted. Videos go straight to disk through a stream, never whole
 * into memory, via a hidden `.name.part` file that is renamed only once complete.
 */
import { createWriteStream, promises as fs } from 'fs';
import type { WriteStream } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Transform } from 'stream';
import type { TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { BadInputError, HttpError, throwIfAborted } from '../errors';
import { Defaults } from '../protocol';
import { Transfer } from './request';
import { safeJoin } from './safe-join';

export { safeJoin } from './safe-join';

export interface DownloadOptions {
  /** Camera address. */
  host: string;
  /** HTTP port of the camera. */
  port?: number;
  /** Path as the camera lists it, e.g. /DCIM/MOVIE/VID_0001.MP4. */
  path: string;
  /** Size from the file list; a different Content-Length or byte count fails. 0/undefined = not checked. */
  expectedSize?: number;
  /** Fail when the camera sends nothing for this long (an idle timeout, not a total one). */
  timeoutMs?: number;
  /** Fail when the file is larger than this. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Called after every chunk; `total` is the Content-Length when the camera sent one. */
  onProgress?(received: number, total?: number): void;
}

export interface FileDownloadOptions extends DownloadOptions {
  /** Existing folder to write into. */
  dir: string;
  /** File name inside `dir`; default the camera's base name. A plain name (see safeJoin). */
  fileName?: string;
}

export const DownloadDefaults = {
  /** The camera's web server (PROTOCOL.md §1). */
  port: Defaults.httpPort,
  /** Generous: the camera's SD card and Wi-Fi can stall for seconds, but not for ever. */
  timeoutMs: 15_000,
  /** Buffer downloads live in memory (a Node-RED msg): bounded so one big video cannot exhaust it. */
  maxBufferBytes: 256 * 1024 * 1024,
} as const;

/** The URL of a camera file: `http://host[:port]/path`, the path escaped only where HTTP needs it. */
export function fileUrl(host: string, httpPort: number, filePath: string): string {
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  const portPart = httpPort === DownloadDefaults.port ? '' : `:${httpPort}`;
  return `http://${hostPart}${portPart}${requestPath(filePath)}`;
}

/** Downloads a file into memory (bounded by maxBytes, default 256 MiB). */
export async function downloadToBuffer(opts: DownloadOptions): Promise<Buffer> {
  const transfer = newTransfer(opts, DownloadDefaults.maxBufferBytes);
  try {
    const { res, total } = await transfer.open();
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of res) {
        const buf = chunk as Buffer;
        received += buf.length;
        enforceLimit(transfer, received, opts.maxBytes ?? DownloadDefaults.maxBufferBytes);
        chunks.push(buf);
        opts.onProgress?.(received, total);
      }
    } catch (err) {
      throw transfer.explain(err);
    }
    if (transfer.failure) throw transfer.failure;
    transfer.checkComplete(received, total);
    return Buffer.concat(chunks, received);
  } finally {
    transfer.dispose();
  }
}

/**
 * Streams a file to `<dir>/<fileName>` through `<dir>/.<fileName>.part`; the partial file is
 * removed on any failure or abort. Resolves the final path and the byte count.
 */
export async function downloadToFile(opts: FileDownloadOptions): Promise<{ file: string; size: number }> {
  const name = opts.fileName ?? baseName(opts.path);
  const file = safeJoin(opts.dir, name);
  const part = safeJoin(opts.dir, `.${name}.part`);
  const transfer = newTransfer(opts, Number.POSITIVE_INFINITY);
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  let out: { stream: WriteStream; closed: Promise<void> } | undefined;
  try {
    const { res, total } = await transfer.open();
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
        received += chunk.length;
        try {
          enforceLimit(transfer, received, maxBytes);
          opts.onProgress?.(received, total);
        } catch (err) {
          return cb(err instanceof Error ? err : new Error(String(err)));
        }
        cb(null, chunk);
      },
    });
    // Opened only now, so a 404 leaves nothing on disk.
    const stream = createWriteStream(part);
    out = { stream, closed: new Promise((resolve) => stream.once('close', () => resolve())) };
    try {
      await pipeline(res, counter, stream);
    } catch (err) {
      throw transfer.explain(err);
    }
    if (transfer.failure) throw transfer.failure;
    transfer.checkComplete(received, total);
    await out.closed;
    await fs.rename(part, file);
    return { file, size: received };
  } catch (err) {
    if (out) {
      // Wait for the descriptor to close, or a late open could recreate the file after the rm.
      out.stream.destroy();
      await out.closed;
      await fs.rm(part, { force: true }).catch(() => undefined);
    }
    throw err;
  } finally {
    transfer.dispose();
  }
}

function newTransfer(opts: DownloadOptions, defaultMaxBytes: number): Transfer {
  if (typeof opts.host !== 'string' || opts.host === '') throw new BadInputError('download needs the camera host');
  const port = opts.port ?? DownloadDefaults.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BadInputError(`HTTP port must be 1-65535, got ${port}`);
  throwIfAborted(opts.signal);
  return new Transfer({
    host: opts.host,
    port,
    requestPath: requestPath(opts.path),
    url: fileUrl(opts.host, port, opts.path),
    expectedSize: opts.expectedSize,
    timeoutMs: opts.timeoutMs ?? DownloadDefaults.timeoutMs,
    maxBytes: opts.maxBytes ?? defaultMaxBytes,
    signal: opts.signal,
  });
}

function enforceLimit(transfer: Transfer, received: number, maxBytes: number): void {
  if (received > maxBytes) {
    const err = new HttpError(`download exceeded the ${maxBytes}-byte limit`);
    transfer.fail(err);
    throw err;
  }
}

/** The camera path as a request target: a leading "/", and only what HTTP cannot carry escaped. */
function requestPath(filePath: string): string {
  if (typeof filePath !== 'string' || filePath === '') throw new BadInputError('download needs the file path on the camera');
  if (filePath.includes('\0')) throw new BadInputError('a camera file path must not contain a NUL byte');
  const absolute = filePath.startsWith('/') ? filePath : `/${filePath}`;
  try {
    return encodeURI(absolute);
  } catch {
    throw new BadInputError(`camera file path ${JSON.stringify(filePath)} cannot be put in a URL`);
  }
}

function baseName(filePath: string): string {
  return path.posix.basename(filePath);
}
