/** Camera file downloads: see download.ts. */
export { DownloadDefaults, downloadDeadlineMs, downloadToBuffer, downloadToFile, fileUrl, safeJoin } from './download';
export type { DownloadOptions, FileDownloadOptions } from './download';
export { numberedName } from './place-file';
