/**
 * One HTTP GET of a camera file up to the point where the body can be read: status and
 * Content-Length checks, the idle timeout, the total deadline, and abort. The first failure wins and
 * is what the caller reports, whatever error the torn-down stream surfaces afterwards.
 */
import * as http from 'http';
import { AbortedError, ActionCamError, HttpError, TimeoutError, UnreachableError } from '../errors';
import { downloadDeadlineMs } from './defaults';

export interface TransferOptions {
  host: string;
  port: number;
  /** Path already escaped for the request line. */
  requestPath: string;
  url: string;
  expectedSize?: number;
  /** Longest silence. */
  timeoutMs: number;
  /** Total time; default downloadDeadlineMs() of the listed size, else the Content-Length, else maxBytes. */
  deadlineMs?: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export class Transfer {
  private failureValue?: ActionCamError;
  private req?: http.ClientRequest;
  private res?: http.IncomingMessage;
  private deadline?: NodeJS.Timeout;
  private started = 0;
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
    this.started = Date.now();
    const listed = opts.expectedSize !== undefined && opts.expectedSize > 0 ? opts.expectedSize : undefined;
    this.armDeadline(opts.deadlineMs ?? downloadDeadlineMs(listed ?? opts.maxBytes));
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
        if (total !== undefined && listed !== undefined && total !== listed) {
          this.fail(new HttpError(`${opts.url} has ${total} bytes but the camera listed ${listed}; the file may still be being written`, status));
          return reject(this.failureValue);
        }
        if (total !== undefined && total > opts.maxBytes) {
          this.fail(new HttpError(`${opts.url} is ${total} bytes, over the ${opts.maxBytes}-byte limit`, status));
          return reject(this.failureValue);
        }
        // Only now is the size known when the camera did not list one: the deadline follows it.
        if (opts.deadlineMs === undefined && listed === undefined && total !== undefined) {
          this.armDeadline(Math.max(1, downloadDeadlineMs(total) - (Date.now() - this.started)));
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
    this.clearDeadline();
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

  /** Fails as soon as the body passes the listed size or maxBytes (a missing Content-Length bounds nothing). */
  checkReceived(received: number): void {
    const { expectedSize, maxBytes, url } = this.opts;
    let err: HttpError | undefined;
    if (expectedSize !== undefined && expectedSize > 0 && received > expectedSize) {
      err = new HttpError(`${url} sent more than the ${expectedSize} bytes the camera listed`);
    } else if (received > maxBytes) {
      err = new HttpError(`download of ${url} exceeded the ${maxBytes}-byte limit`);
    }
    if (err) {
      this.fail(err);
      throw err;
    }
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
    this.clearDeadline();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (!this.res?.complete) this.req?.destroy();
  }

  private armDeadline(ms: number): void {
    this.clearDeadline();
    const total = Date.now() - this.started + ms;
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      this.fail(new TimeoutError(`${this.opts.url} did not arrive within ${Math.round(total / 100) / 10} s in total; the camera sends too slowly`));
    }, ms);
  }

  private clearDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }
}
