/**
 * Where a clip goes: its name from the camera's name and the clip's start time, the hidden temporary
 * names it is written under, and the final step that gives it its name without ever replacing a file.
 *
 * No overwrite, no race: src/fs/place-file.ts gives the finished file its name, or the next free
 * numbered one ("garage-20261130-120005 (1).mp4"), as it does for downloads.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { StorageError } from '../errors';
import { safeJoin } from '../http/safe-join';
import { placeFile } from '../fs/place-file';
import type { ClipFs } from './clip-fs';
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
export function placeClip(fs: ClipFs, temp: string, file: string): Promise<string> {
  return placeFile(temp, file, {
    fs,
    exhausted: (wanted, copies) =>
      new StorageError('failed', path.dirname(wanted), `saving the clip failed: ${wanted} and ${copies} numbered names after it are taken; clear the folder`),
  });
}
