/**
 * What the RTSP server streams: one live H.264 source (the camera preview, a simulator, a test clip).
 */
import type { EventEmitter } from 'events';
import type { AccessUnit, ParameterSets } from './types';

/**
 * A live stream of access units. Emits 'accessUnit' (AccessUnit) in decoding order with 90 kHz
 * timestamps; `parameterSets()` returns the latest SPS/PPS, or undefined before the first ones.
 * The server only listens: it never starts, stops or closes a source.
 */
export interface StreamSource extends EventEmitter {
  parameterSets(): ParameterSets | undefined;
}

/**
 * Whether two parameter sets are the same bytes (either may be missing: two missing ones are the
 * same). Sources keep the object while the sets stay the same, so the identity check usually answers.
 */
export function sameParameterSets(a: ParameterSets | undefined, b: ParameterSets | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.sps.equals(b.sps) && a.pps.equals(b.pps);
}

/** Listener signature of the 'accessUnit' event. */
export type AccessUnitListener = (au: AccessUnit) => void;

/**
 * Resolves with the source's parameter sets as soon as it has them (checked now and after every
 * access unit), or with undefined after `timeoutMs` or when `signal` aborts. Never rejects; the
 * timer and the listener are always removed.
 */
export function waitForParameterSets(
  source: StreamSource,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ParameterSets | undefined> {
  const now = source.parameterSets();
  if (now || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(now);
  return new Promise((resolve) => {
    const finish = (value: ParameterSets | undefined): void => {
      clearTimeout(timer);
      source.removeListener('accessUnit', onAccessUnit);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAccessUnit = (): void => {
      const sets = source.parameterSets();
      if (sets) finish(sets);
    };
    const onAbort = (): void => finish(undefined);
    const timer = setTimeout(() => finish(source.parameterSets()), timeoutMs);
    source.on('accessUnit', onAccessUnit);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
