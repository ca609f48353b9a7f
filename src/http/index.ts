/** Camera file downloads: see download.ts; the card mirror: sync.ts. */
export { DownloadDefaults, downloadDeadlineMs, downloadToBuffer, downloadToFile, fileUrl, safeJoin } from './download';
export type { DownloadOptions, FileDownloadOptions } from './download';
export { numberedName, placeFile, PlaceDefaults } from '../fs/place-file';
export type { PlaceFs, PlaceOptions } from '../fs/place-file';
export { safeCameraPath } from './safe-join';
export { syncFiles } from './sync';
export type { SyncFilter, SyncOptions, SyncProgress, SyncResult, SyncedFile } from './sync';
