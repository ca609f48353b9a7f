/**
 * Typed errors (docs/DESIGN.md rule 4). Every failure this library reports is an ActionCamError with a
 * stable `code`, so callers (Node-RED nodes, the CLI) can branch on the kind and show `message`
 * to a user as is: messages name the camera and say what to check.
 */

export type ActionCamErrorCode =
  | 'ETIMEOUT'
  | 'ELOGIN'
  | 'ECLOSED'
  | 'EUNREACHABLE'
  | 'EPROTOCOL'
  | 'ESTATE'
  | 'EINPUT'
  | 'EABORTED'
  | 'EHTTP'
  | 'ERTSP'
  | 'ESTORAGE';

export class ActionCamError extends Error {
  readonly code: ActionCamErrorCode;

  constructor(code: ActionCamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (options && options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true });
    }
  }
}

/** A request got no answer in time (reply, login accept, HTTP response, discovery). */
export class TimeoutError extends ActionCamError {
  constructor(message: string) {
    super('ETIMEOUT', message);
  }
}

/** The camera did not accept the login: wrong credentials, or another client holds the camera. */
export class LoginRejectedError extends ActionCamError {
  constructor(message: string) {
    super('ELOGIN', message);
  }
}

/** The connection closed (or the session was closed) while work was pending. */
export class ConnectionClosedError extends ActionCamError {
  constructor(message: string) {
    super('ECLOSED', message);
  }
}

/** The camera could not be reached at all (ECONNREFUSED, EHOSTUNREACH, ...). */
export class UnreachableError extends ActionCamError {
  constructor(message: string, cause?: unknown) {
    super('EUNREACHABLE', message, { cause });
  }
}

/** Bytes on the wire that break the protocol (bad magic, impossible length, short payload). */
export class ProtocolError extends ActionCamError {
  constructor(message: string) {
    super('EPROTOCOL', message);
  }
}

/** An operation that the object's current state does not allow (e.g. a request on a closed session). */
export class InvalidStateError extends ActionCamError {
  constructor(message: string) {
    super('ESTATE', message);
  }
}

/** Bad input from a user, a flow or the command line. */
export class BadInputError extends ActionCamError {
  constructor(message: string) {
    super('EINPUT', message);
  }
}

/** The caller aborted the operation through its AbortSignal. */
export class AbortedError extends ActionCamError {
  constructor(message = 'operation aborted') {
    super('EABORTED', message);
  }
}

/** An HTTP download failed (status code, size mismatch, unsafe path). */
export class HttpError extends ActionCamError {
  readonly statusCode?: number;

  constructor(message: string, statusCode?: number) {
    super('EHTTP', message);
    this.statusCode = statusCode;
  }
}

/** A malformed RTSP request or a request the server refuses; `status` is the reply code. */
export class RtspError extends ActionCamError {
  readonly status: number;

  constructor(status: number, message: string) {
    super('ERTSP', message);
    this.status = status;
  }
}

/** Why a file could not be written: the disk is full, the folder is missing or not writable, the disk cannot keep up, or something else. */
export type StorageFailure = 'full' | 'missing' | 'denied' | 'slow' | 'failed';

/**
 * Writing a file on this computer failed (a clip, src/clip): `reason` says why in one word, `path`
 * names the folder or file, and `syscall` the system error code (ENOSPC, ENOENT, ...) when there was one.
 */
export class StorageError extends ActionCamError {
  readonly reason: StorageFailure;
  readonly path: string;
  readonly syscall?: string;

  constructor(reason: StorageFailure, path: string, message: string, cause?: unknown) {
    super('ESTORAGE', message, { cause });
    this.reason = reason;
    this.path = path;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string') this.syscall = code;
  }
}

/** Throws AbortedError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal && signal.aborted) throw new AbortedError();
}

/** Returns `value` when it is a finite number above 0; throws BadInputError naming `name` otherwise. */
export function requirePositive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new BadInputError(`${name} must be a positive number, got ${value}`);
  return value;
}
