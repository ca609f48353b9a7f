/**
 * The simulated SD card: an in-memory list of files the control side lists (A025 -> A026) and
 * grows (A038 still, A03A stop), and the HTTP side serves. Contents are shared Buffers, so a
 * long-running demo that records often does not grow memory by the file size each time.
 */
import { fileTypeOf } from '../protocol';
import type { FileType } from '../protocol';

export interface SimFile {
  /** Path as listed and as the URL path, e.g. /DCIM/MOVIE/VID_0001.MP4. */
  path: string;
  name: string;
  size: number;
  type: FileType;
  data: Buffer;
}

/** Directory and naming scheme; real cameras' names are not recorded anywhere (PROTOCOL.md §2.7.1). */
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
    return this.add(`${PHOTO_DIR}/IMG_${pad(this.nextPhoto++)}.JPG`, this.photoData);
  }

  addVideo(): SimFile {
    return this.add(`${VIDEO_DIR}/VID_${pad(this.nextVideo++)}.MP4`, this.videoData);
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
