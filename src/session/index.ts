/**
 * Public API of the session layer: the camera control session and the pieces a caller may reuse.
 */
export { CameraSession } from './camera-session';
export type { CameraSessionEvents, OperationOptions, RequestOptions, SessionState } from './camera-session';
export type { CameraSessionOptions } from './session-options';
export { SessionDefaults } from './defaults';
export { Backoff } from './backoff';
export type { BackoffOptions } from './backoff';
export { PendingRequests } from './pending-requests';
export type { PendingRequestSpec } from './pending-requests';
export { KeepAlive } from './keep-alive';
export type { KeepAliveOptions } from './keep-alive';
// Which file a still created and which is the newest: see still.ts.
export { newFiles, newestFile, takeStill } from './still';
export type { FileFilter, StillOptions } from './still';
// What the camera says unasked, in the shape the raw-command node and `actioncam watch` emit.
export { RateGate, WatchDefaults, describeMessage } from './message-watch';
export type { WatchedMessage } from './message-watch';
