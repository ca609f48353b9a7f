/**
 * The camera link as a person reads it, on every node of the camera (issue 9; docs/NODES.md
 * "Runtime behaviour"):
 * - a failure the user has to act on — the camera refuses the connection, there is no route to it,
 *   it does not answer, its name is unknown, or it does not accept the login — shows in red as
 *   "unreachable: connection refused" (etc.) while it is the latest outcome, also while the session
 *   re-dials in the background;
 * - a link that dropped (or went silent) shows yellow "reconnecting in 8 s" while the back-off runs,
 *   then "reconnecting" during the re-dial;
 * - otherwise "connecting", "ready", "idle", "stopped".
 */
import type { NodeStatus } from 'node-red';
import { ActionCamError, LoginRejectedError, UnreachableError } from '../../src/errors';
import type { SessionState } from '../../src/session/camera-session';
import { reasonKey } from './errors';
import type { Translate } from './i18n';

/** Keys under `status.link.` for failures a person acts on. */
export type LinkReason = 'refused' | 'noRoute' | 'noAnswer' | 'unknownHost' | 'unreachable' | 'busy';

const ERRNO_REASONS: Record<string, LinkReason> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'noRoute',
  ENETUNREACH: 'noRoute',
  EHOSTDOWN: 'noRoute',
  ENETDOWN: 'noRoute',
  EADDRNOTAVAIL: 'noRoute',
  ETIMEDOUT: 'noAnswer',
  ENOTFOUND: 'unknownHost',
  EAI_AGAIN: 'unknownHost',
};

/**
 * The reason a connection could not be made, or undefined for any other failure. An UnreachableError
 * carries the socket error as its cause; one without a cause is a dial that got no answer in time
 * (src/session/control-link.ts, attempt-errors.ts).
 */
export function linkReason(err: unknown): LinkReason | undefined {
  if (err instanceof LoginRejectedError) return 'busy';
  if (!(err instanceof UnreachableError)) return undefined;
  const cause = (err as ActionCamError & { cause?: unknown }).cause;
  if (cause === undefined) return 'noAnswer';
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : '';
  return ERRNO_REASONS[code] ?? 'unreachable';
}

/** Red ring "unreachable: connection refused" and the like; undefined when `err` is no connection failure. */
export function linkFailureStatus(t: Translate, err: unknown): NodeStatus | undefined {
  const reason = linkReason(err);
  return reason ? { fill: 'red', shape: 'ring', text: t(`status.link.${reason}`) } : undefined;
}

/** What the link looks like now: its state, the latest failure, and for a back-off the ms to the next dial. */
export interface LinkView {
  state: SessionState;
  error?: unknown;
  retryInMs?: number;
}

/** Whole seconds shown for a wait of `ms` (at least 1 while anything is left). */
export function countdownSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function linkStatus(t: Translate, view: LinkView): NodeStatus {
  const { state, error } = view;
  switch (state) {
    case 'ready':
      return { fill: 'green', shape: 'dot', text: t('status.ready') };
    case 'closed':
      return { fill: 'grey', shape: 'ring', text: t('status.stopped') };
    case 'connecting':
    case 'loggingIn':
    case 'reconnecting': {
      const failure = error === undefined ? undefined : linkFailureStatus(t, error);
      if (failure) return failure;
      if (error === undefined && state !== 'reconnecting') return { fill: 'yellow', shape: 'ring', text: t('status.connecting') };
      if (state === 'reconnecting' && view.retryInMs !== undefined) {
        return { fill: 'yellow', shape: 'ring', text: t('status.reconnectingIn', { seconds: countdownSeconds(view.retryInMs) }) };
      }
      return { fill: 'yellow', shape: 'ring', text: t('status.reconnecting') };
    }
    case 'idle':
    default:
      if (error === undefined) return { fill: 'grey', shape: 'ring', text: t('status.idle') };
      return linkFailureStatus(t, error) ?? { fill: 'red', shape: 'ring', text: t('status.error', { reason: t(`status.reason.${reasonKey(error)}`) }) };
  }
}
