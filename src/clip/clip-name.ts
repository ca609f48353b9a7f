/**
 * Where a clip goes: its name from the camera's name and the clip's start time, the hidden temporary
 * names it is written under, and the final step that gives it its name without ever replacing a file.
 *
 * No overwrite without a race: a hard link to the finished temporary file fails with EEXIST,
 * atomically, when the name is taken (a rename never does), and then the next numbered name is
 * tried: "garage-20261130-120005.mp4", "garage-20261130-120005 (1).mp4", ... as desktop browsers
 * number downloads. Where the file system has no hard links (FAT on a USB stick, some network shares)
 * the name is reserved with an exclusive create and the rename replaces that empty reservation.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { StorageError } from '../errors';
import { safeJoin } from '../http/safe-join';
import { removeQuietly, type ClipFs } from './clip-fs';
import { ClipDefaults } from './defaults';

/** A camera name as it may appear in a file name: letters, digits, '.', '_' and '-'; anything else becomes '-'. */
export function fileSafeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, ClipDefaults.maxNameLength)
    .replace(/[-.]+$/g, '');
  return cleaned === '' ? ClipDefaults.cameraName : cleaned;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "garage-20261130-120005.mp4": the camera, then the start in local time (what the person at the folder reads). */
export function clipFileName(camera: string, start: Date): string {
  const stamp =
    `${pad(start.getFullYear(), 4)}${pad(start.getMonth() + 1)}${pad(start.getDate())}-` +
    `${pad(start.getHours())}${pad(start.getMinutes())}${pad(start.getSeconds())}`;
  return `${fileSafeName(camera)}-${stamp}.mp4`;
}

/** `dir/name (n).mp4` for `dir/name.mp4`. */
export function numberedName(file: string, n: number): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const ext = path.extname(base);
  return path.join(dir, `${base.slice(0, base.length - ext.length)} (${n})${ext}`);
}

/** The final path of `name` in `dir`; a name that would leave the folder is a BadInputError (safe-join.ts). */
export function clipPath(dir: string, name: string): string {
  return safeJoin(dir, name);
}

/**
 * A hidden temporary name in `dir`: ".actioncam-clip.<random>.<kind>.part". Hidden so a folder watcher
 * that picks up *.mp4 never sees a half clip; random so clips written at once never collide; the
 * clip's own name is only known at its end (it carries the first frame's time).
 */
export function temporaryName(dir: string, kind: 'payload' | 'clip'): string {
  return path.join(dir, `${TEMPORARY_PREFIX}${randomBytes(6).toString('hex')}.${kind}${TEMPORARY_SUFFIX}`);
}

/** Every temporary name starts and ends so (tests and a careful user can find leftovers of a killed process). */
export const TEMPORARY_PREFIX = '.actioncam-clip.';
export const TEMPORARY_SUFFIX = '.part';

/**
 * Gives the finished temporary file `temp` the name `file`, or the first free numbered name after it.
 * Resolves the path used; `temp` is gone afterwards when it succeeds.
 */
export async function placeClip(fs: ClipFs, temp: string, file: string): Promise<string> {
  for (let n = 0; n <= ClipDefaults.maxNumberedCopies; n++) {
    const candidate = n === 0 ? file : numberedName(file, n);
    if (await claim(fs, temp, candidate)) return candidate;
  }
  throw new StorageError(
    'failed',
    path.dirname(file),
    `saving the clip failed: ${file} and ${ClipDefaults.maxNumberedCopies} numbered names after it are taken; clear the folder`,
  );
}

/** What link() reports on a file system without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Puts `temp` at `candidate` unless something is there; false when the name is taken. */
async function claim(fs: ClipFs, temp: string, candidate: string): Promise<boolean> {
  try {
    await fs.link(temp, candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code ?? '')) throw err;
    return reserveAndRename(fs, temp, candidate);
  }
  // Linked: the clip has its name. The temporary name is only a second link to it now.
  await removeQuietly(fs, temp);
  return true;
}

/** claim() where there are no hard links: an exclusive create reserves the name, the rename fills it. */
async function reserveAndRename(fs: ClipFs, temp: string, candidate: string): Promise<boolean> {
  try {
    await (await fs.open(candidate, 'wx')).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fs.rename(temp, candidate);
  } catch (err) {
    await removeQuietly(fs, candidate); // the empty reservation must not stay under the final name
    throw err;
  }
  return true;
}
