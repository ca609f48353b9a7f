/**
 * A mirror of the camera's card in a folder (issue 11 "Archive"): every listed file that is not in
 * the folder with its listed size is downloaded, the rest is skipped, so a second run right after
 * the first downloads nothing. The camera's folders are kept (`DIR/DCIM/MOVIE/VID_0001.MP4`), each
 * path held inside DIR (safeCameraPath). Each file goes through downloadToFile: a temporary name,
 * renamed only when complete, so neither a failure nor an interrupt leaves an incomplete file under
 * a final name. One file failing does not stop the others; an abort stops them all.
 *
 * A file in DIR with another size than the camera lists (a broken earlier copy) is replaced: DIR
 * is the mirror. A file the camera lists with size 0 is still being written and is left for the
 * next run.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { AbortedError, BadInputError, throwIfAborted } from '../errors';
import type { FileEntry } from '../protocol';
import { downloadToFile } from './download';
import { safeCameraPath } from './safe-join';

export type SyncFilter = 'all' | 'video' | 'photo';

export interface SyncOptions {
  /** Camera address and HTTP port. */
  host: string;
  port?: number;
  /** The camera's file list (CameraSession.listFiles()). */
  entries: readonly FileEntry[];
  /** The mirror folder; created when missing. */
  dir: string;
  /** Which files: default 'all'. */
  filter?: SyncFilter;
  /** Per file: longest silence, total deadline, size cap (downloadToFile's defaults otherwise). */
  timeoutMs?: number;
  deadlineMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  /** Called when a file starts and as its bytes arrive. */
  onProgress?(progress: SyncProgress): void;
}

export interface SyncProgress {
  /** 1-based number of the file being downloaded, of `count` to download. */
  index: number;
  count: number;
  /** Camera path of that file. */
  path: string;
  /** Bytes of this sync so far, of `totalBytes` (the listed sizes of the files to download). */
  bytes: number;
  totalBytes: number;
  /** 0-100, whole. */
  percent: number;
}

export interface SyncedFile {
  /** Path on the camera. */
  path: string;
  size: number;
  /** Where it was saved. */
  file: string;
}

/** `actioncam sync --json` and the list-files node's sync mode emit exactly this. */
export interface SyncResult {
  downloaded: SyncedFile[];
  /** Files already in DIR with the listed size, and files still being written (size 0). */
  skipped: number;
  failed: Array<{ path: string; error: string }>;
  /** Bytes downloaded. */
  bytes: number;
}

interface Planned {
  entry: FileEntry;
  file: string;
}

export async function syncFiles(opts: SyncOptions): Promise<SyncResult> {
  const filter = opts.filter ?? 'all';
  if (filter !== 'all' && filter !== 'video' && filter !== 'photo') throw new BadInputError(`sync filter must be all, video or photo, got ${String(filter)}`);
  throwIfAborted(opts.signal);
  const dir = path.resolve(opts.dir);
  await fs.mkdir(dir, { recursive: true }); // DIR itself may be a link: the user chose it
  const result: SyncResult = { downloaded: [], skipped: 0, failed: [], bytes: 0 };
  const plan = await planSync(opts.entries, filter, dir, result);
  const totalBytes = plan.reduce((sum, p) => sum + p.entry.size, 0);
  let done = 0;
  for (const [i, { entry, file }] of plan.entries()) {
    throwIfAborted(opts.signal);
    const report = (received: number): void => {
      const bytes = done + Math.min(received, entry.size);
      const percent = totalBytes > 0 ? Math.min(100, Math.floor((bytes / totalBytes) * 100)) : 100;
      opts.onProgress?.({ index: i + 1, count: plan.length, path: entry.path, bytes, totalBytes, percent });
    };
    report(0);
    try {
      await mkdirInside(dir, path.dirname(file));
      const saved = await downloadToFile({
        host: opts.host,
        port: opts.port,
        path: entry.path,
        dir: path.dirname(file),
        fileName: path.basename(file),
        expectedSize: entry.size,
        overwrite: true,
        timeoutMs: opts.timeoutMs,
        deadlineMs: opts.deadlineMs,
        maxBytes: opts.maxBytes,
        signal: opts.signal,
        onProgress: report,
      });
      result.downloaded.push({ path: entry.path, size: saved.size, file: saved.file });
      result.bytes += saved.size;
    } catch (err) {
      // An interrupt ends the whole sync; anything else is this file's failure only.
      if (opts.signal?.aborted || err instanceof AbortedError) throw err;
      result.failed.push({ path: entry.path, error: err instanceof Error ? err.message : String(err) });
    }
    done += entry.size;
  }
  return result;
}

/** Which entries to download; counts the skipped ones and the refused paths into `result`. */
async function planSync(entries: readonly FileEntry[], filter: SyncFilter, dir: string, result: SyncResult): Promise<Planned[]> {
  const plan: Planned[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (filter !== 'all' && entry.type !== filter) continue;
    let file: string;
    try {
      file = safeCameraPath(dir, entry.path);
    } catch (err) {
      result.failed.push({ path: entry.path, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (seen.has(file)) continue; // the same file listed twice ("/A.JPG" and "//A.JPG")
    seen.add(file);
    if (entry.size === 0 || (await sizeOf(file)) === entry.size) {
      result.skipped++;
      continue;
    }
    plan.push({ entry, file });
  }
  return plan;
}

/** The size of a regular file, or undefined when there is none. */
async function sizeOf(file: string): Promise<number | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `folder` (inside `root`) one level at a time without following a symbolic link: a linked
 * subfolder in DIR could otherwise lead the camera's files out of it.
 */
async function mkdirInside(root: string, folder: string): Promise<void> {
  let current = root;
  for (const segment of path.relative(root, folder).split(path.sep).filter((s) => s !== '')) {
    current = path.join(current, segment);
    const stat = await fs.lstat(current).catch(() => undefined);
    if (!stat) await fs.mkdir(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err; // EEXIST: a parallel sync made it a moment ago
    });
    else if (stat.isSymbolicLink()) throw new BadInputError(`${current} is a symbolic link; not writing through it`);
    else if (!stat.isDirectory()) throw new BadInputError(`${current} is a file, not a folder`);
  }
}
