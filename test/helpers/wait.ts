/**
 * The one way tests wait for something to become true: poll a condition on the real clock (captured
 * before any test installs sinon fake timers), with a bound and a message that names what did not
 * happen. Also used by the benchmarks.
 */

const realSetTimeout = setTimeout;

/** Waits real time, even while sinon fakes the clock. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Polls `check` every 10 ms of real time until it is true; throws after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs = 5000, what = 'a condition'): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}
