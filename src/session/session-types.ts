/**
 * Public types of CameraSession: its states, events and per-operation options.
 */
import type { ActionCamError } from '../errors';
import type { ControlMessage } from '../protocol';

export type SessionState = 'idle' | 'connecting' | 'loggingIn' | 'ready' | 'reconnecting' | 'closed';

/** Event signatures; there is deliberately no 'error' event (it would crash Node-RED unheard). */
export interface CameraSessionEvents {
  /** Every transition; `error` is set when a failure caused it. */
  state: [state: SessionState, previous: SessionState, error?: ActionCamError];
  /** A message of a type no request waits for (unknown types, late replies). */
  unsolicited: [message: ControlMessage];
  /** Bytes skipped while resynchronising on the magic. */
  garbage: [bytes: Buffer];
  /** Logged in (after the first connect and after every reconnect). */
  ready: [];
}

export interface OperationOptions {
  /** Limit for the whole operation, including a wait for a reconnect; defaults to requestTimeoutMs. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RequestOptions extends OperationOptions {
  /** Reply type to wait for; defaults to type + 1; null = send only (resolves undefined). */
  replyType?: number | null;
}
