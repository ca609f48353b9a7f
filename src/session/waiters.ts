/**
 * A set of callers waiting for one condition (the session becoming ready, a login attempt ending),
 * each bounded by its own timeout and AbortSignal. The owner settles them all at once. Every timer
 * and abort listener is removed when its waiter settles, whichever way.
 */
import { AbortedError, TimeoutError, type ActionCamError } from '../errors';
import { seconds } from './format';

export interface WaitOptions {
  signal?: AbortSignal;
  /** No timeout when undefined. */
  timeoutMs?: number;
  /** Builds the error for a timeout (called only when it fires). */
  onTimeout?: () => ActionCamError;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class Waiters {
  private readonly entries = new Set<Waiter>();

  get size(): number {
    return this.entries.size;
  }

  wait(options: WaitOptions = {}): Promise<void> {
    const { signal, timeoutMs, onTimeout } = options;
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => settle(() => reject(new AbortedError()));
      const settle = (how: () => void): void => {
        if (!this.entries.delete(waiter)) return;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        how();
      };
      const waiter: Waiter = {
        resolve: () => settle(resolve),
        reject: (err) => settle(() => reject(err)),
      };
      this.entries.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const err = onTimeout ? onTimeout() : new TimeoutError(`wait timed out after ${seconds(timeoutMs)} s`);
          settle(() => reject(err));
        }, Math.max(0, timeoutMs));
      }
    });
  }

  resolveAll(): void {
    for (const w of [...this.entries]) w.resolve();
  }

  rejectAll(err: Error): void {
    for (const w of [...this.entries]) w.reject(err);
  }
}
