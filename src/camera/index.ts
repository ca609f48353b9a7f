/** Public API of a camera as its users hold it: one session and one live preview, opened when needed. */
export { Camera, CAMERA_CLOSE_BOUND_MS } from './camera';
export type { CameraOptions, CameraPreviewOptions, CloseOutcome } from './camera';
