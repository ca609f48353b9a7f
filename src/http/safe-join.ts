/**
 * Joining a file name that came from a camera or a flow onto a folder on disk, without letting it
 * land anywhere else. A file list is remote input: a hostile or broken camera could list
 * "../../.bashrc".
 */
import * as path from 'path';
import { BadInputError } from '../errors';

/**
 * `dir/name` when `name` is a plain file name; throws BadInputError for anything that could leave
 * `dir`: empty, "." or "..", a path separator of any platform ("/" or "\"), a NUL, or a drive
 * prefix. Subfolders are refused too: a download writes one file into one folder.
 */
export function safeJoin(dir: string, name: string): string {
  if (typeof dir !== 'string' || dir === '') throw new BadInputError('a download folder is required');
  if (typeof name !== 'string' || name === '') throw new BadInputError('a file name is required');
  if (name === '.' || name === '..') throw new BadInputError(`"${name}" is not a file name`);
  if (name.includes('\0')) throw new BadInputError('a file name must not contain a NUL byte');
  if (/[\\/]/.test(name)) throw new BadInputError(`file name "${name}" must not contain a path separator`);
  if (/^[a-zA-Z]:/.test(name)) throw new BadInputError(`file name "${name}" must not start with a drive letter`);
  const base = path.resolve(dir);
  const joined = path.resolve(base, name);
  if (path.dirname(joined) !== base) throw new BadInputError(`file name "${name}" would be written outside ${base}`);
  return joined;
}

/**
 * `dir/<camera path>` for a mirror of the card (sync): the camera's folders kept, every segment held
 * to the safeJoin rules, so a listed path can never land outside `dir`. Empty segments (the leading
 * "/", a doubled "/") are dropped; "." or "..", a backslash, a NUL or a drive prefix in any segment
 * is refused with BadInputError.
 */
export function safeCameraPath(dir: string, cameraPath: string): string {
  if (typeof dir !== 'string' || dir === '') throw new BadInputError('a download folder is required');
  if (typeof cameraPath !== 'string') throw new BadInputError('a camera file path is required');
  const segments = cameraPath.split('/').filter((s) => s !== '');
  if (segments.length === 0) throw new BadInputError(`camera path "${cameraPath}" names no file`);
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0') || /^[a-zA-Z]:/.test(segment)) {
      throw new BadInputError(`camera path "${cameraPath}" would be written outside ${path.resolve(dir)}`);
    }
  }
  const base = path.resolve(dir);
  const joined = path.resolve(base, ...segments);
  const relative = path.relative(base, joined);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new BadInputError(`camera path "${cameraPath}" would be written outside ${base}`);
  }
  return joined;
}
