/**
 * Bounds a whole multi-step operation (e.g. a snapshot: list, take, list again, download) by one
 * timeout, on top of the node's close signal. Node 18 has no AbortSignal.any, hence the manual link.
 * The timeout message may be a function, worded when the time is up (to say which step was left).
 */
import { TimeoutError } from '../../src/errors';

export async function withDeadline<T>(
  parent: AbortSignal,
  timeoutMs: number,
  timeoutMessage: string | (() => string),
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  let timedOut: TimeoutError | undefined;
  const timer = setTimeout(() => {
    timedOut = new TimeoutError(typeof timeoutMessage === 'function' ? timeoutMessage() : timeoutMessage);
    controller.abort(timedOut);
  }, timeoutMs);
  try {
    return await run(controller.signal);
  } catch (err) {
    if (timedOut) throw timedOut;
    throw err;
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}
