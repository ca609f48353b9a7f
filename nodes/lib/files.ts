/**
 * SD-card file helpers shared by the snapshot and list-files nodes: the emitted shape, filters,
 * order, and content types.
 */
import type { FileEntry, FileType } from '../../src/protocol';
import type { FileFilter } from '../../src/session/still';
import type { CameraConfigNode, CameraFile } from './types';

export interface ListedFile extends CameraFile {
  type: FileType;
}

export function toCameraFile(entry: FileEntry, config: CameraConfigNode): CameraFile {
  return { path: entry.path, name: entry.name, size: entry.size, url: config.fileUrl(entry.path) };
}

export function toListedFile(entry: FileEntry, config: CameraConfigNode): ListedFile {
  return { ...toCameraFile(entry, config), type: entry.type };
}

/**
 * The camera reports no dates; it lists files in the order they were written (oldest first, as
 * the reference implementation assumes), so newest first is that order reversed.
 */
export function selectFiles(entries: readonly FileEntry[], filter: FileFilter, newestFirst: boolean, limit: number): FileEntry[] {
  const matching = entries.filter((e) => filter === 'all' || e.type === filter);
  if (newestFirst) matching.reverse();
  return limit > 0 ? matching.slice(0, limit) : matching;
}

const CONTENT_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/\.jpe?g$/i, 'image/jpeg'],
  [/\.png$/i, 'image/png'],
  [/\.bmp$/i, 'image/bmp'],
  [/\.mp4$/i, 'video/mp4'],
  [/\.mov$/i, 'video/quicktime'],
  [/\.avi$/i, 'video/x-msvideo'],
  [/\.ts$/i, 'video/mp2t'],
  [/\.mkv$/i, 'video/x-matroska'],
  [/\.3gp$/i, 'video/3gpp'],
];

export function contentTypeOf(name: string): string {
  for (const [pattern, type] of CONTENT_TYPES) if (pattern.test(name)) return type;
  return 'application/octet-stream';
}

export function isFileFilter(value: unknown): value is FileFilter {
  return value === 'all' || value === 'video' || value === 'photo' || value === 'other';
}
