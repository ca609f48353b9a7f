/**
 * Which file is "the new still" and which is "the newest file". The camera never says: A039 only
 * confirms that a picture was saved, and the file list carries no dates. So a still is found by
 * listing before and after the shot, and the newest file is the last one the camera lists (its list
 * is in recording order, oldest first; the reference CLI took the last entry as well).
 *
 * Size-0 rule, the same for every caller (CLI `still` and `fetch`, the snapshot and list-files
 * nodes): a listed size of 0 means the camera is still writing the file, so "newest" is the last
 * entry with a size; only when every candidate is size 0 is the last of them taken (a card whose
 * only matching files are empty still has a newest file).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FileEntry, FileType } from '../protocol/file-list';
import type { CameraSession, OperationOptions } from './camera-session';
import { SessionDefaults } from './defaults';

/** Which files count: every file, or one type. */
export type FileFilter = 'all' | FileType;

export interface StillOptions extends OperationOptions {
  /** Listings after the shot before giving up (default SessionDefaults.stillListAttempts). */
  listAttempts?: number;
  /** Pause between those listings (default SessionDefaults.stillRelistDelayMs). */
  relistDelayMs?: number;
}

/** The newest complete file that passes `filter` (see the size-0 rule above); undefined when none matches. */
export function newestFile(entries: readonly FileEntry[], filter: FileFilter = 'all'): FileEntry | undefined {
  let newest: FileEntry | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (filter !== 'all' && entry.type !== filter) continue;
    if (entry.size > 0) return entry;
    newest ??= entry;
  }
  return newest;
}

/** Files in `after` that were not in `before`, in list order. */
export function newFiles(before: readonly FileEntry[], after: readonly FileEntry[]): FileEntry[] {
  const known = new Set(before.map((e) => e.path));
  return after.filter((e) => !known.has(e.path));
}

/**
 * Takes a picture (A038 -> A039) and returns the file it created: the newest new photo, else the
 * newest new file of any type. Lists again (bounded) while the new file is not listed yet; resolves
 * undefined when the camera confirmed the picture but no new file appeared, so each caller words
 * that failure for its own users. `timeoutMs` and `signal` apply to each request.
 */
export async function takeStill(session: CameraSession, opts: StillOptions = {}): Promise<FileEntry | undefined> {
  const { listAttempts = SessionDefaults.stillListAttempts, relistDelayMs = SessionDefaults.stillRelistDelayMs, ...request } = opts;
  const before = await session.listFiles(request);
  await session.takePicture(request);
  for (let attempt = 1; attempt <= listAttempts; attempt++) {
    if (attempt > 1) await delay(relistDelayMs, undefined, { signal: request.signal });
    const added = newFiles(before, await session.listFiles(request));
    const still = newestFile(added, 'photo') ?? newestFile(added);
    if (still) return still;
  }
  return undefined;
}
