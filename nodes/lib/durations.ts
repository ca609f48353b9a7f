/**
 * Durations and timeouts a node takes from its editor settings or from a msg, checked against what
 * a timer can do (issue 10 finding 8): setTimeout holds at most 2^31-1 ms (about 24.8 days) and fires
 * at once for anything larger, so a larger value, a negative one or NaN is a clear BadInputError,
 * never a timer that fires immediately.
 */
import { BadInputError } from '../../src/errors';
import { MAX_TIMER_MS } from '../../src/session/defaults';
import { describeValue } from './describe-value';
import type { Translate } from './i18n';

export { MAX_TIMER_MS };

/** The longest auto-stop in whole seconds a timer can hold: 2,147,483 s. */
export const MAX_DURATION_S = Math.floor(MAX_TIMER_MS / 1000);

/**
 * An editor timeout in milliseconds (a number, or digits from an old flow or a ${ENV_VAR}): empty
 * means `fallbackMs`; otherwise 1 to MAX_TIMER_MS, else a BadInputError worded from the catalogue
 * (`errors.badTimeout`, or `key` with `vars`).
 */
export function editorTimeout(t: Translate, value: unknown, fallbackMs: number, key = 'errors.badTimeout', vars: Record<string, string> = {}): number {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return fallbackMs;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > MAX_TIMER_MS) {
    throw new BadInputError(t(key, { ...vars, value: describeValue(value), max: MAX_TIMER_MS }));
  }
  return ms;
}
