/**
 * One HTTP GET of a camera file up to the point where the body can be read: status and
 * Content-Length checks, the idle timeout, and abort. The first failure wins and is what the caller
 * reports, whatever error the torn-down stream surfaces afterwards.
 */
import * as http from 'http';
import { AbortedError, ActionCamError, HttpError, TimeoutError, UnreachableError } from '../errors';

export interface TransferOptions {
  host: string;
  port: number;
  /** Path already escaped for the request line. */
  requestPath: string;
  url: string;
  expectedSize?: number;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export class Transfer {
  private failureValue?: ActionCamError;
  private req?: http.ClientRequest;
  private res?: http.IncomingMessage;
  private readonly onAbort = (): void => this.fail(new AbortedError(`download of ${this.opts.url} aborted`));

  constructor(private readonly opts: TransferOptions) {}

  /** The first failure recorded (abort, timeout, size bound), if any. */
  get failure(): ActionCamError | undefined {
    return this.failureValue;
  }

  /** Sends the request; resolves the response once its status and headers pass the checks. */
  open(): Promise<{ res: http.IncomingMessage; total?: number }> {
    const { opts } = this;
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    return new Promise((resolve, reject) => {
      // agent: false = one connection per download, closed at the end: no keep-alive socket outlives the transfer
      const req = http.get({ host: opts.host, port: opts.port, path: opts.requestPath, agent: false }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          this.fail(new HttpError(`${opts.url} answered ${status} ${res.statusMessage ?? ''}`.trim(), status));
          return reject(this.failureValue);
        }
        const header = res.headers['content-length'];
        const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
        const expected = opts.expectedSize;
        if (total !== undefined && expected !== undefined && expected > 0 && total !== expected) {
          this.fail(new HttpError(`${opts.url} has ${total} bytes but the camera listed ${expected}; the file may still be being written`, status));
          return reject(this.failureValue);
        }
        if (total !== undefined && total > opts.maxBytes) {
          this.fail(new HttpError(`${opts.url} is ${total} bytes, over the ${opts.maxBytes}-byte limit`, status));
          return reject(this.failureValue);
        }
        this.res = res;
        resolve({ res, total });
      });
      this.req = req;
      req.setTimeout(opts.timeoutMs, () => this.fail(new TimeoutError(`no data from ${opts.url} for ${opts.timeoutMs} ms; is the camera reachable?`)));
      req.on('error', (err) => reject(this.failureValue ?? new UnreachableError(`cannot download ${opts.url}: ${err.message}`, err)));
      if (opts.signal?.aborted) this.onAbort();
    });
  }

  /** Records `err` (if it is the first failure) and tears the request and response down. */
  fail(err: ActionCamError): void {
    if (!this.failureValue) this.failureValue = err;
    // Not destroy(err): once the response is complete the socket has no 'error' listener left, so
    // an error passed down would be uncaught. Every path that rejects reads `failure` instead.
    this.req?.destroy();
  }

  /** Maps an error from reading the body to what the caller should see. */
  explain(err: unknown): ActionCamError {
    if (this.failureValue) return this.failureValue;
    if (err instanceof ActionCamError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new HttpError(`download of ${this.opts.url} failed: ${message}`);
  }

  /** Checks the byte count once the body has ended. */
  checkComplete(received: number, total: number | undefined): void {
    const expected = total ?? (this.opts.expectedSize && this.opts.expectedSize > 0 ? this.opts.expectedSize : undefined);
    if (expected !== undefined && received !== expected) {
      throw new HttpError(`${this.opts.url} ended after ${received} of ${expected} bytes`);
    }
  }

  /** Removes the abort listener and tears down an unfinished request; call when done, success or not. */
  dispose(): void {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (!this.res?.complete) this.req?.destroy();
  }
}
