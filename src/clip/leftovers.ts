/**
 * Removes what a killed process left of its clips: temporary files (clip-name.ts temporaryName) in a
 * clip folder that nobody has written for a long time. A clip that ends normally, fails or is
 * aborted removes its own; only a process that dies mid-clip (SIGKILL, power loss) leaves one, and
 * the next clip saved to that folder sweeps it.
 *
 * Best effort and never in the way: a folder that cannot be read, a file that vanished or cannot be
 * removed is skipped; the caller logs what was removed. Only names with our prefix and suffix are
 * touched, and only once they are older than ClipDefaults.staleTemporaryMs, so a clip that another
 * process (a second Node-RED, the CLI) is writing into the same folder right now is never taken.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { TEMPORARY_PREFIX, TEMPORARY_SUFFIX } from './clip-name';
import { ClipDefaults } from './defaults';

/** The file-system calls a sweep makes (a subset of fs.promises), as a seam for tests. */
export interface LeftoverFs {
  readdir(dir: string): Promise<string[]>;
  stat(file: string): Promise<{ mtimeMs: number; isFile(): boolean }>;
  unlink(file: string): Promise<void>;
}

const nodeFs: LeftoverFs = {
  readdir: (dir) => fsp.readdir(dir),
  stat: (file) => fsp.stat(file),
  unlink: (file) => fsp.unlink(file),
};

export interface SweepOptions {
  /** Wall-clock milliseconds (file times are wall clock). Default Date.now. */
  now?: () => number;
  maxAgeMs?: number;
  fs?: LeftoverFs;
}

/** Removes stale clip temporaries in `dir`; resolves the paths removed. Never rejects. */
export async function sweepClipLeftovers(dir: string, options: SweepOptions = {}): Promise<string[]> {
  const fs = options.fs ?? nodeFs;
  const maxAgeMs = options.maxAgeMs ?? ClipDefaults.staleTemporaryMs;
  const now = (options.now ?? Date.now)();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(TEMPORARY_PREFIX) || !name.endsWith(TEMPORARY_SUFFIX)) continue;
    const file = path.join(dir, name);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile() || now - stat.mtimeMs < maxAgeMs) continue;
      await fs.unlink(file);
      removed.push(file);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}
