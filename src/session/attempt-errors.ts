/**
 * The errors a connection attempt ends with when something does not come in time, worded once for
 * the session's own timers and for a caller's bounded connect(). Messages name the camera once
 * (never "camera X: camera X ...") and say what to check.
 */
import { LoginRejectedError, TimeoutError, UnreachableError, type ActionCamError } from '../errors';
import { seconds } from './format';
import type { SessionState } from './session-types';

/** No LOGIN_ACCEPT: a wrong password and a camera held by another client look the same (docs/PROTOCOL.md §2.6). */
export function noAcceptError(peer: string, waitedMs: number): LoginRejectedError {
  return new LoginRejectedError(
    `login rejected or camera busy: no accept within ${seconds(waitedMs)} s from ${peer} ` +
      '(check the password, and that no other app is connected to the camera)',
  );
}

/**
 * A bounded connect() ran out of time: what is still missing in `state`. While the back-off still
 * runs (a retry is never sooner than reconnectMinMs after a failure), that is the latest failure:
 * the same error again (same class, message and cause), so the caller reads why, not "timeout".
 */
export function attemptTimeoutError(peer: string, state: SessionState, waitedMs: number, last: ActionCamError | undefined): ActionCamError {
  if (state === 'connecting') return new UnreachableError(`${peer} unreachable: no TCP connection within ${seconds(waitedMs)} s`);
  if (state === 'loggingIn') return noAcceptError(peer, waitedMs);
  if (last) {
    const Kind = last.constructor as new (message: string, cause?: unknown) => ActionCamError;
    return new Kind(last.message, (last as { cause?: unknown }).cause);
  }
  return new TimeoutError(`${peer} not ready within ${seconds(waitedMs)} s (state ${state})`);
}
