/**
 * Gives a finished file (a download, a clip) its final name without ever replacing a file that is
 * there: a camera file named like one already in the folder (`IMG_0001.JPG` twice, or `.profile` in a
 * home folder) gets the next free numbered name, `IMG_0001 (1).JPG`, `.profile (1)`, as desktop
 * browsers number downloads — unless the caller asks to overwrite.
 *
 * No-clobber without a race: a hard link to the temporary file fails with EEXIST when the name is
 * taken, atomically, and a rename never does. Where the file system has no hard links (FAT on a USB
 * stick, some network shares) the name is reserved with an exclusive create and the rename replaces
 * that empty reservation at once (and the reservation is removed if the rename fails).
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { BadInputError } from '../errors';

/** The file-system calls placing needs (a subset of fs.promises), as a seam for tests. */
export interface PlaceFs {
  open(path: string, flags: string): Promise<{ close(): Promise<void> }>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const nodeFs: PlaceFs = {
  open: (p, flags) => fsp.open(p, flags),
  link: (a, b) => fsp.link(a, b),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
};

export const PlaceDefaults = {
  /** `IMG_0001 (1).JPG` up to `(999)`: beyond that the folder is not one a person looks after. */
  maxNumberedCopies: 999,
} as const;

export interface PlaceOptions {
  /** Replace a file under the wanted name instead of numbering (default false). */
  overwrite?: boolean;
  maxNumberedCopies?: number;
  fs?: PlaceFs;
  /** The error when every numbered name is taken (default a BadInputError). */
  exhausted?: (file: string, copies: number) => Error;
}

/** `dir/IMG_0001 (n).JPG` for `dir/IMG_0001.JPG`; `.profile (n)` for a name that is only an extension. */
export function numberedName(file: string, n: number): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const ext = path.extname(base);
  return path.join(dir, `${base.slice(0, base.length - ext.length)} (${n})${ext}`);
}

/**
 * Moves `temp` to `file`, or with `overwrite` off to the first of `file`, `file (1)`, ... that does
 * not exist. Resolves the name used; `temp` is gone afterwards when it succeeds.
 */
export async function placeFile(temp: string, file: string, options: PlaceOptions = {}): Promise<string> {
  const fs = options.fs ?? nodeFs;
  if (options.overwrite) {
    await fs.rename(temp, file);
    return file;
  }
  const copies = options.maxNumberedCopies ?? PlaceDefaults.maxNumberedCopies;
  for (let n = 0; n <= copies; n++) {
    const candidate = n === 0 ? file : numberedName(file, n);
    if (await claim(fs, temp, candidate)) return candidate;
  }
  throw options.exhausted
    ? options.exhausted(file, copies)
    : new BadInputError(`${file} and ${copies} numbered copies of it exist already; clear the folder or allow overwriting`);
}

/** What link() reports on a file system without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Puts `temp` at `candidate` unless something is there; false when the name is taken. */
async function claim(fs: PlaceFs, temp: string, candidate: string): Promise<boolean> {
  try {
    await fs.link(temp, candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code ?? '')) throw err;
    return reserveAndRename(fs, temp, candidate);
  }
  // Linked: the file has its name; the temporary name is only a second link to it now.
  await fs.unlink(temp).catch(() => undefined);
  return true;
}

/** claim() where there are no hard links: an exclusive create reserves the name, the rename fills it. */
async function reserveAndRename(fs: PlaceFs, temp: string, candidate: string): Promise<boolean> {
  try {
    await (await fs.open(candidate, 'wx')).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fs.rename(temp, candidate);
  } catch (err) {
    await fs.unlink(candidate).catch(() => undefined); // the empty reservation must not stay under the final name
    throw err;
  }
  return true;
}
