/**
 * Bounds a whole multi-step operation (e.g. a snapshot: list, take, list again, download) by one
 * timeout, on top of the node's close signal. Node 18 has no AbortSignal.any, hence the manual link.
 */
import { TimeoutError } from '../../src/errors';

export async function withDeadline<T>(
  parent: AbortSignal,
  timeoutMs: number,
  timeoutMessage: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new TimeoutError(timeoutMessage));
  }, timeoutMs);
  try {
    return await run(controller.signal);
  } catch (err) {
    if (timedOut) throw new TimeoutError(timeoutMessage);
    throw err;
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}
