/** Public API of the clip output: MP4 event clips with pre-roll (ClipRecorder), and the parts it is built from. */
export { ClipRecorder } from './recorder';
export type { ClipDeps, ClipRecorderState, ClipRequest, ClipResult, ClipSettings, ClipTrigger, DisarmOptions } from './types';
export { ClipDefaults } from './defaults';
export { PreRollRing, clipFrame } from './pre-roll';
export type { ClipFrame, PreRollOptions, PreRollStats } from './pre-roll';
export { ClipFile } from './clip-file';
export type { AppendResult, ClipFileOptions, ClipFileState, SavedClip } from './clip-file';
export { nodeFs, storageError } from './clip-fs';
export type { ClipFileHandle, ClipFs } from './clip-fs';
export { clipFileName, fileSafeName, placeClip, TEMPORARY_PREFIX, TEMPORARY_SUFFIX } from './clip-name';
export { sweepClipLeftovers } from './leftovers';
export type { LeftoverFs, SweepOptions } from './leftovers';
