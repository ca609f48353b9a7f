/**
 * Camera file downloads over plain HTTP (docs/PROTOCOL.md §2.7.5): `GET http://<camera><path>` with the
 * path from the file list. Unlike the reference client this checks the status code, the
 * Content-Length against the listed size and the received byte count, bounds the size (cut as soon
 * as the body passes the listed size or the cap), the silence and the total time, and can be
 * aborted. Videos go straight to disk through a stream, never whole into memory, via a hidden
 * temporary file that gets its final name only once complete, and never over an existing file
 * unless asked (a numbered name instead, place-file.ts).
 */
import { randomBytes } from 'crypto';
import { createWriteStream, promises as fs } from 'fs';
import type { WriteStream } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Transform } from 'stream';
import type { TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { BadInputError, throwIfAborted } from '../errors';
import { DownloadDefaults } from './defaults';
import { placeFile } from '../fs/place-file';
import { Transfer } from './request';
import { safeJoin } from './safe-join';

export { safeJoin } from './safe-join';
export { DownloadDefaults, downloadDeadlineMs } from './defaults';

export interface DownloadOptions {
  /** Camera address. */
  host: string;
  /** HTTP port of the camera. */
  port?: number;
  /** Path as the camera lists it, e.g. /DCIM/MOVIE/VID_0001.MP4. */
  path: string;
  /**
   * Size from the file list; a different Content-Length, a shorter body or a body that goes on past
   * it fails. 0/undefined = not known (a file still being written): only maxBytes bounds it then.
   */
  expectedSize?: number;
  /** Longest silence (an idle timeout); default DownloadDefaults.timeoutMs. */
  timeoutMs?: number;
  /** Total time; default downloadDeadlineMs() of the known size (DownloadDefaults.minBytesPerSecond). */
  deadlineMs?: number;
  /** Fail when the file is larger; default DownloadDefaults.maxBufferBytes / maxFileBytes. */
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
  /** Replace a file of that name; default false: the download gets the next free `name (n).ext`. */
  overwrite?: boolean;
}

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
        transfer.checkReceived(received);
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
 * Streams a file to `<dir>/<fileName>` through a hidden `.<fileName>.<random>.part` beside it,
 * removed on any failure or abort, so an incomplete file never carries the final name. Resolves
 * the path it was saved under (a numbered one when the name was taken and overwrite is off) and
 * the byte count.
 */
export async function downloadToFile(opts: FileDownloadOptions): Promise<{ file: string; size: number }> {
  const name = opts.fileName ?? baseName(opts.path);
  const file = safeJoin(opts.dir, name);
  // Unique, so two downloads of one name into one folder never write the same temporary file.
  const part = safeJoin(opts.dir, `.${name}.${randomBytes(4).toString('hex')}.part`);
  const transfer = newTransfer(opts, DownloadDefaults.maxFileBytes);
  let out: { stream: WriteStream; closed: Promise<void> } | undefined;
  try {
    const { res, total } = await transfer.open();
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
        received += chunk.length;
        try {
          transfer.checkReceived(received);
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
    const saved = await placeFile(part, file, { overwrite: opts.overwrite === true });
    out = undefined; // the temporary file is gone: nothing left to remove
    return { file: saved, size: received };
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
    timeoutMs: positive('timeoutMs', opts.timeoutMs ?? DownloadDefaults.timeoutMs, MAX_TIMER_MS),
    deadlineMs: opts.deadlineMs === undefined ? undefined : positive('deadlineMs', opts.deadlineMs, MAX_TIMER_MS),
    maxBytes: positive('maxBytes', opts.maxBytes ?? defaultMaxBytes, Number.MAX_SAFE_INTEGER),
    signal: opts.signal,
  });
}

/** Largest delay setTimeout honours (2^31 - 1 ms); larger values would fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

function positive(name: string, value: number, max: number): number {
  if (typeof value !== 'number' || !(value > 0) || value > max) throw new BadInputError(`${name} must be a number above 0 and at most ${max}, got ${String(value)}`);
  return value;
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
