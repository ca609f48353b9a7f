/**
 * What a record node is asked to do: the action (fixed in the editor or from msg.payload) and the
 * auto-stop duration in seconds. Forgiving about case and numeric strings, strict about the rest.
 */
import { BadInputError } from '../../src/errors';
import { describeValue } from './describe-value';
import { MAX_DURATION_S, MAX_TIMER_MS } from './durations';
import type { Translate } from './i18n';

export type RecordAction = 'start' | 'stop' | 'toggle';

/** The editor's `action` property: a fixed action, or "msg" to read msg.payload. */
export function resolveAction(fixed: string | undefined, payload: unknown, t: Translate): RecordAction {
  if (fixed === 'start' || fixed === 'stop' || fixed === 'toggle') return fixed;
  if (payload === true) return 'start';
  if (payload === false) return 'stop';
  if (typeof payload === 'string') {
    const word = payload.trim().toLowerCase();
    if (word === 'start' || word === 'stop' || word === 'toggle') return word;
  }
  throw new BadInputError(t('errors.badAction', { value: describeValue(payload) }));
}

/**
 * Seconds from 0 to MAX_DURATION_S (2,147,483: a longer auto-stop overflows the timer and fired at
 * once) from a number or a numeric string; 0 = no auto-stop; empty/undefined = 0.
 */
export function resolveDuration(value: unknown, t: Translate): number {
  if (value === undefined || value === null || value === '') return 0;
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds * 1000 > MAX_TIMER_MS) {
    throw new BadInputError(t('errors.badDuration', { value: describeValue(value), max: MAX_DURATION_S }));
  }
  return seconds;
}
