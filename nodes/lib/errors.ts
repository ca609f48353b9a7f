/**
 * The one error path of every node: a failed input shows a short red status and goes to
 * `done(err)` exactly once (Node-RED turns that into the Catch-node message; calling node.error
 * as well would report it twice, shared/NODE-RED-NOTES.md §1).
 */
import { ActionCamError, BadInputError } from '../../src/errors';
import type { StatusBoard } from './status';

/** A node whose `camera` property points at no actioncam-config node. */
export class MissingCameraError extends BadInputError {}

/** Anything thrown, as an Error whose message can be shown to a user. */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === 'string') return new Error(err);
  try {
    return new Error(`unexpected failure: ${JSON.stringify(err)}`);
  } catch {
    return new Error('unexpected failure');
  }
}

const REASONS: Record<string, string> = {
  ETIMEOUT: 'timeout',
  ELOGIN: 'login',
  ECLOSED: 'closed',
  EUNREACHABLE: 'unreachable',
  EPROTOCOL: 'protocol',
  ESTATE: 'state',
  EINPUT: 'input',
  EABORTED: 'aborted',
  EHTTP: 'http',
  ERTSP: 'rtsp',
};

/** Key under `status.reason.` for the short text in a red status. */
export function reasonKey(err: unknown): string {
  if (err instanceof MissingCameraError) return 'noCamera';
  if (err instanceof ActionCamError) return REASONS[err.code] ?? 'failed';
  return 'failed';
}

/** Red status plus done(err). Call it once per failed input, and nothing else. */
export function failInput(board: StatusBoard, done: (err?: Error) => void, err: unknown): void {
  const error = toError(err);
  board.fail(error);
  done(error);
}
