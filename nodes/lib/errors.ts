/**
 * What the nodes know about errors: the typed error of a missing camera, any thrown value as an
 * Error a user can read, and the short reason a red status shows. How a failure is reported is
 * nodes/lib/failure.ts.
 */
import { ActionCamError, BadInputError, StorageError } from '../../src/errors';

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

/** A clip that could not be written says why in the status: the person at the disk has something to do. */
const STORAGE_REASONS: Record<StorageError['reason'], string> = {
  full: 'diskFull',
  missing: 'noFolder',
  denied: 'notWritable',
  slow: 'diskSlow',
  failed: 'storage',
};

/** Key under `status.reason.` for the short text in a red status. */
export function reasonKey(err: unknown): string {
  if (err instanceof MissingCameraError) return 'noCamera';
  if (err instanceof StorageError) return STORAGE_REASONS[err.reason] ?? 'storage';
  if (err instanceof ActionCamError) return REASONS[err.code] ?? 'failed';
  return 'failed';
}
