/**
 * Gives a completed download its final name. A camera file named like a file already in the folder
 * (`IMG_0001.JPG` twice, or `.profile` in a home folder) must not replace it unless asked: it gets
 * the next free numbered name, `IMG_0001 (1).JPG`, `.profile (1)`, as desktop browsers do.
 *
 * No-clobber without a race: a hard link to the temporary file fails with EEXIST when the name is
 * taken, atomically, and a rename never does. Where the file system has no hard links (FAT, some
 * network shares) the name is reserved with an exclusive create and the rename replaces that empty
 * reservation at once.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { BadInputError } from '../errors';
import { DownloadDefaults } from './defaults';

/** `dir/IMG_0001 (n).JPG` for `dir/IMG_0001.JPG`; `.profile (n)` for a name that is only an extension. */
export function numberedName(file: string, n: number): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const ext = path.extname(base);
  return path.join(dir, `${base.slice(0, base.length - ext.length)} (${n})${ext}`);
}

/**
 * Moves `temp` to `file`, or with `overwrite` off to the first of `file`, `file (1)`, ... that does
 * not exist. Resolves the name used; `temp` is gone afterwards either way it succeeds.
 */
export async function placeFile(temp: string, file: string, overwrite: boolean): Promise<string> {
  if (overwrite) {
    await fs.rename(temp, file);
    return file;
  }
  for (let n = 0; n <= DownloadDefaults.maxNumberedCopies; n++) {
    const candidate = n === 0 ? file : numberedName(file, n);
    if (await claim(temp, candidate)) return candidate;
  }
  throw new BadInputError(`${file} and ${DownloadDefaults.maxNumberedCopies} numbered copies of it exist already; clear the folder or allow overwriting`);
}

/** Puts `temp` at `candidate` unless something is there; false when the name is taken. */
async function claim(temp: string, candidate: string): Promise<boolean> {
  try {
    await fs.link(temp, candidate);
    await fs.rm(temp, { force: true });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code ?? '')) throw err;
  }
  try {
    await (await fs.open(candidate, 'wx')).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await fs.rename(temp, candidate);
  return true;
}

/** What link() reports on a file system without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);
