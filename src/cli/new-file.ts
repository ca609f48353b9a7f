/**
 * Which file is "the new picture" and which is "the newest file". The camera never says: A039 only
 * confirms that a picture was saved, and the file list carries no dates. So a still is found by
 * listing before and after the shot (as the snapshot node does), and the newest file is the last one
 * the camera lists (its list is in recording order; the reference CLI took the last entry as well).
 *
 * NOTE for the lead: this is CLI-local until the library has one shared home for it (the snapshot
 * node needs the same logic).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ActionCamError } from '../errors';
import type { FileEntry } from '../protocol/file-list';
import type { CameraSession } from '../session/camera-session';

/** The file may show up in the list a moment after A039: look again this often, this many times. */
const RELIST_DELAY_MS = 300;
const RELIST_ATTEMPTS = 5;

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Takes a picture (A038 -> A039) and returns the file it created. */
export async function takeStill(session: CameraSession, opts: RequestOptions): Promise<FileEntry> {
  const before = new Set((await session.listFiles(opts)).map((f) => f.path));
  await session.takePicture(opts);
  for (let attempt = 1; ; attempt++) {
    const added = (await session.listFiles(opts)).filter((f) => !before.has(f.path));
    const still = newestFile(added.filter((f) => f.type === 'photo')) ?? newestFile(added);
    if (still) return still;
    if (attempt >= RELIST_ATTEMPTS) break;
    await delay(RELIST_DELAY_MS, undefined, { signal: opts.signal });
  }
  throw new ActionCamError('EPROTOCOL', `camera ${session.host}:${session.port} confirmed the picture but no new file appeared in its file list`);
}

/** The newest complete file: the last listed entry with a size (size 0 means still being written). */
export function newestFile(files: readonly FileEntry[]): FileEntry | undefined {
  for (let i = files.length - 1; i >= 0; i--) if (files[i].size > 0) return files[i];
  return files[files.length - 1];
}
