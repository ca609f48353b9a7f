/** Camera file downloads: see download.ts. */
export { DownloadDefaults, downloadToBuffer, downloadToFile, fileUrl, safeJoin } from './download';
export type { DownloadOptions, FileDownloadOptions } from './download';
