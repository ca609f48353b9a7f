/**
 * File list (A025 -> A026...) assembly and parsing, docs/PROTOCOL.md §2.7.1.
 *
 * Each FILE_LIST_CONTENT payload: u32 LE part count, u32 LE part index (0-based), then an ASCII
 * fragment. Fragments are joined in index order (not arrival order); the text is `path:size;`
 * repeated. The parser splits entries on `;`, each at its LAST `:` (paths may contain `:`),
 * ignores empty entries, keeps size-0 entries, and tolerates a missing trailing `;` (S1 panicked).
 */
import { ProtocolError } from '../errors';

export type FileType = 'video' | 'photo' | 'other';

export interface FileEntry {
  /** Path on the camera, usable as the URL path for the HTTP download. */
  path: string;
  /** Base name (after the last `/`). */
  name: string;
  /** Size in bytes as the camera lists it; 0 for files still being written. */
  size: number;
  type: FileType;
}

export interface FileListPart {
  total: number;
  index: number;
  text: string;
}

/** Upper bound on parts, so a corrupt counter cannot make us wait for (or hold) millions of parts. */
export const MAX_FILE_LIST_PARTS = 4096;

export function decodeFileListPart(payload: Buffer): FileListPart {
  if (payload.length < 8) {
    throw new ProtocolError(`file list part too short: ${payload.length} bytes, need at least 8`);
  }
  const total = payload.readUInt32LE(0);
  const index = payload.readUInt32LE(4);
  if (total === 0 || total > MAX_FILE_LIST_PARTS) {
    throw new ProtocolError(`file list part count ${total} is out of range (1..${MAX_FILE_LIST_PARTS})`);
  }
  if (index >= total) throw new ProtocolError(`file list part index ${index} is not below the part count ${total}`);
  return { total, index, text: payload.subarray(8).toString('latin1') };
}

export function encodeFileListPart(part: FileListPart): Buffer {
  const text = Buffer.from(part.text, 'latin1');
  const out = Buffer.alloc(8 + text.length);
  out.writeUInt32LE(part.total, 0);
  out.writeUInt32LE(part.index, 4);
  text.copy(out, 8);
  return out;
}

/**
 * Collects parts in any order; `complete` once every index below the count has arrived. Unbounded
 * and whole-text: for tests and tools. A camera's list goes through FileListCollector
 * (file-list-collector.ts), which caps bytes and entries and parses as the parts arrive.
 */
export class FileListAssembler {
  private total = 0;
  private readonly parts = new Map<number, string>();

  /** Adds a part; returns true when the list is complete. A part that changes the count restarts. */
  add(part: FileListPart): boolean {
    if (part.total !== this.total) {
      this.total = part.total;
      this.parts.clear();
    }
    this.parts.set(part.index, part.text);
    return this.complete;
  }

  get complete(): boolean {
    return this.total > 0 && this.parts.size >= this.total;
  }

  text(): string {
    let out = '';
    for (let i = 0; i < this.total; i++) out += this.parts.get(i) ?? '';
    return out;
  }
}

const VIDEO = /\.(mp4|mov|avi|ts|mkv|3gp)$/i;
const PHOTO = /\.(jpe?g|png|bmp|dng)$/i;

export function fileTypeOf(name: string): FileType {
  return VIDEO.test(name) ? 'video' : PHOTO.test(name) ? 'photo' : 'other';
}

/** Parses a whole list text. For a list from a camera, FileListCollector parses part by part, bounded. */
export function parseFileList(text: string): FileEntry[] {
  const out: FileEntry[] = [];
  for (const raw of text.split(';')) {
    const entry = parseFileListEntry(raw);
    if (entry) out.push(entry);
  }
  return out;
}

/** One `path:size` entry (the text between two `;`); undefined for an empty one. */
export function parseFileListEntry(raw: string): FileEntry | undefined {
  const entry = raw.replace(/[\0\r\n]+/g, '').trim();
  if (!entry) return undefined;
  const colon = entry.lastIndexOf(':');
  let path = entry;
  let size = 0;
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1))) {
    path = entry.slice(0, colon);
    size = Number(entry.slice(colon + 1));
  }
  const name = path.slice(path.lastIndexOf('/') + 1);
  return { path, name, size, type: fileTypeOf(name) };
}

export function formatFileList(entries: ReadonlyArray<Pick<FileEntry, 'path' | 'size'>>): string {
  return entries.map((e) => `${e.path}:${e.size};`).join('');
}
