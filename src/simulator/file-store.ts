/**
 * The simulated SD card: an in-memory list of files the control side lists (A025 -> A026) and
 * grows (A038 still, A03A stop), and the HTTP side serves. Contents are shared Buffers, so a
 * long-running demo that records often does not grow memory by the file size each time.
 */
import { fileTypeOf } from '../protocol';
import type { FileType } from '../protocol';
import type { CameraClock } from './camera-clock';

export interface SimFile {
  /** Path as listed and as the URL path, e.g. /DCIM/MOVIE/VID_0001.MP4. */
  path: string;
  name: string;
  size: number;
  type: FileType;
  data: Buffer;
}

/**
 * Directory and naming scheme; real cameras' names are not recorded anywhere (docs/PROTOCOL.md §2.7.1).
 * Until a client sets the clock (A011) new files are IMG_0002.JPG, VID_0002.MP4 ...; afterwards
 * the name carries the camera's date and time, IMG_20240501_123456_0002.JPG, so a test or a user
 * of the demo sees the clock take effect.
 */
const PHOTO_DIR = '/DCIM/PHOTO';
const VIDEO_DIR = '/DCIM/MOVIE';
/** A recorded "video" is the preview clip this many times over: a few hundred KB, several HTTP chunks. */
const VIDEO_REPEATS = 2;

export class FileStore {
  private readonly byPath = new Map<string, SimFile>();
  private nextPhoto = 1;
  private nextVideo = 1;
  private readonly videoData: Buffer;

  constructor(
    private readonly photoData: Buffer,
    clip: Buffer,
    private readonly clock?: CameraClock,
  ) {
    this.videoData = Buffer.concat(Array.from({ length: VIDEO_REPEATS }, () => clip));
  }

  /** Seeds the card like a camera that has been used: one video, one photo. */
  seed(): void {
    this.addVideo();
    this.addPhoto();
  }

  /** Files in the order they were written (oldest first, as S1 assumes). */
  list(): SimFile[] {
    return [...this.byPath.values()];
  }

  get(filePath: string): SimFile | undefined {
    return this.byPath.get(filePath);
  }

  addPhoto(): SimFile {
    return this.add(`${PHOTO_DIR}/IMG_${this.stamp()}${pad(this.nextPhoto++)}.JPG`, this.photoData);
  }

  addVideo(): SimFile {
    return this.add(`${VIDEO_DIR}/VID_${this.stamp()}${pad(this.nextVideo++)}.MP4`, this.videoData);
  }

  /** "20240501_123456_" once the clock is set, else "". */
  private stamp(): string {
    const now = this.clock?.current;
    if (!now) return '';
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}_${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}_`;
  }

  /** Puts (or replaces) a file at any path, listed last. Tests use it for odd or hostile names. */
  add(filePath: string, data: Buffer): SimFile {
    this.byPath.delete(filePath);
    const name = filePath.slice(filePath.lastIndexOf('/') + 1);
    const file: SimFile = { path: filePath, name, size: data.length, type: fileTypeOf(name), data };
    this.byPath.set(filePath, file);
    return file;
  }
}

function pad(n: number): string {
  return String(n).padStart(4, '0');
}
