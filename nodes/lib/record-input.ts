/**
 * What a record node is asked to do: the action (fixed in the editor or from msg.payload) and the
 * auto-stop duration in seconds. Forgiving about case and numeric strings, strict about the rest.
 */
import { BadInputError } from '../../src/errors';
import { describeValue } from './describe-value';
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

/** Seconds >= 0 from a number or a numeric string; 0 = no auto-stop; empty/undefined = 0. */
export function resolveDuration(value: unknown, t: Translate): number {
  if (value === undefined || value === null || value === '') return 0;
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new BadInputError(t('errors.badDuration', { value: describeValue(value) }));
  }
  return seconds;
}
