/**
 * The file-system calls a clip makes, as a seam (docs/DESIGN.md rule 7): Node's `fs.promises` by default; a
 * test passes one that fails the way a full disk or a vanished folder does. And the one place system
 * errors become StorageError, worded for the person who has to fix it.
 */
import { promises as fsp } from 'fs';
import { StorageError, type StorageFailure } from '../errors';

/** What a clip needs of an open file (a subset of fs.promises.FileHandle). */
export interface ClipFileHandle {
  writev(buffers: Buffer[], position?: number): Promise<{ bytesWritten: number }>;
  write(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** What a clip needs of the file system (a subset of fs.promises). */
export interface ClipFs {
  /** Flags used: 'wx+' (the payload file, written then read back) and 'wx' (the clip under its temporary name). */
  open(path: string, flags: string): Promise<ClipFileHandle>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeFs: ClipFs = {
  open: (path, flags) => fsp.open(path, flags),
  link: (existingPath, newPath) => fsp.link(existingPath, newPath),
  rename: (oldPath, newPath) => fsp.rename(oldPath, newPath),
  unlink: (path) => fsp.unlink(path),
};

const REASONS: Record<string, StorageFailure> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
  ENOENT: 'missing',
  ENOTDIR: 'missing',
  EACCES: 'denied',
  EPERM: 'denied',
  EROFS: 'denied',
};

/**
 * `err` from writing into folder `dir` as a StorageError (returned as it is when it already is one).
 * `doing` says what was being done, e.g. "saving the clip".
 */
export function storageError(err: unknown, dir: string, doing: string): StorageError {
  if (err instanceof StorageError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason: StorageFailure = REASONS[code] ?? 'failed';
  const detail = err instanceof Error ? err.message : String(err);
  switch (reason) {
    case 'full':
      return new StorageError(reason, dir, `${doing} failed: the disk holding ${dir} is full (${code}); free some space or choose another folder`, err);
    case 'missing':
      return new StorageError(reason, dir, `${doing} failed: the folder ${dir} does not exist; create it or choose another folder`, err);
    case 'denied':
      return new StorageError(reason, dir, `${doing} failed: ${dir} is not writable (${code}); choose a folder this process may write to`, err);
    default:
      return new StorageError('failed', dir, `${doing} failed in ${dir}: ${detail}`, err);
  }
}

/** Removes a file and ignores every failure (already gone, or nothing more can be done). */
export async function removeQuietly(fs: ClipFs, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch {
    // ENOENT: gone already; anything else: a temporary name is all that is left, and it says so.
  }
}
