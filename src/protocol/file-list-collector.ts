/**
 * A camera's file list (A026 parts, docs/PROTOCOL.md §2.7.1), collected with bounds and parsed as
 * it arrives (docs/DESIGN.md rule 12).
 *
 * The protocol caps a list at 4096 parts of up to 64 KiB, 268 MB of text: enough for a hostile
 * camera to exhaust a Raspberry Pi's heap, or to freeze the event loop for seconds while one giant
 * string is split into millions of entries. So:
 * - the text is capped (`maxBytes`, every part counted as it arrives, repeats and restarts too) and
 *   so is the number of entries (`maxEntries`); passing either throws a ProtocolError that names
 *   the camera and the cap;
 * - parts are parsed one at a time in index order (a part that arrives early waits, unparsed, for
 *   the ones before it), so the work per message is bounded by one 64 KiB part, and no string of
 *   the whole list is ever built. An entry cut by a part boundary is carried over to the next part.
 *
 * The result equals parseFileList() of the joined parts (same entry rules: split on `;`, the size
 * after the LAST `:`, empty entries skipped, size 0 kept, missing trailing `;` tolerated).
 */
import { ProtocolError } from '../errors';
import { parseFileListEntry, type FileEntry, type FileListPart } from './file-list';

export interface FileListLimits {
  /** Most bytes of list text (all parts together) before the list is refused. */
  maxBytes: number;
  /** Most entries before the list is refused. */
  maxEntries: number;
}

export class FileListCollector {
  private total = 0;
  /** Index of the next part to parse; parts below it are parsed. */
  private next = 0;
  /** Parts that arrived before their predecessors, not parsed yet. */
  private readonly early = new Map<number, string>();
  /** The text after the last `;` parsed so far: the start of an entry a later part completes. */
  private tail = '';
  private readonly list: FileEntry[] = [];
  private received = 0;

  /**
   * @param limits the caps (SessionDefaults has the defaults and their reasons)
   * @param source names the sender in errors, e.g. "camera 192.168.100.1:6666"
   */
  constructor(
    private readonly limits: FileListLimits,
    private readonly source: string,
  ) {}

  /** Bytes of list text received so far (every part, repeats and restarts included). */
  get bytes(): number {
    return this.received;
  }

  /** Entries parsed so far (the list grows as parts arrive in order). */
  get parsed(): number {
    return this.list.length;
  }

  get complete(): boolean {
    return this.total > 0 && this.next >= this.total;
  }

  /**
   * Adds a part; returns true when the list is complete. A part that changes the count restarts
   * the list (its bytes still count towards maxBytes). Throws ProtocolError past a cap.
   */
  add(part: FileListPart): boolean {
    this.received += part.text.length;
    if (this.received > this.limits.maxBytes) {
      throw new ProtocolError(
        `${this.source} sent a file list of more than ${this.limits.maxBytes} bytes, the cap (a real card's list is far smaller): the list was refused`,
      );
    }
    if (part.total !== this.total) this.restart(part.total);
    if (part.index < this.next || this.early.has(part.index)) return this.complete; // a repeat: the first copy stands
    if (part.index !== this.next) {
      this.early.set(part.index, part.text);
      return false;
    }
    this.parse(part.text);
    for (let text = this.early.get(this.next); text !== undefined; text = this.early.get(this.next)) {
      this.early.delete(this.next);
      this.parse(text);
    }
    if (this.complete) this.finish();
    return this.complete;
  }

  /** The parsed entries; the whole list once `complete`. */
  entries(): FileEntry[] {
    return this.list;
  }

  private restart(total: number): void {
    this.total = total;
    this.next = 0;
    this.early.clear();
    this.tail = '';
    this.list.length = 0;
  }

  /** Parses the next part in order: every entry its `;` closes, keeping the rest as the tail. */
  private parse(text: string): void {
    this.next++;
    let start = 0;
    for (let end = text.indexOf(';'); end !== -1; end = text.indexOf(';', start)) {
      const raw = this.tail === '' ? text.slice(start, end) : this.tail + text.slice(start, end);
      this.tail = '';
      this.push(raw);
      start = end + 1;
    }
    // No `;` left in this part: the rest joins the tail (a rope; flattened once, when a `;` ends it).
    if (start < text.length) this.tail += text.slice(start);
  }

  /** The last part arrived: the text after the last `;` is an entry too (S1 sends no trailing `;`). */
  private finish(): void {
    const rest = this.tail;
    this.tail = '';
    if (rest !== '') this.push(rest);
  }

  private push(raw: string): void {
    const entry = parseFileListEntry(raw);
    if (!entry) return;
    if (this.list.length >= this.limits.maxEntries) {
      throw new ProtocolError(
        `${this.source} sent a file list of more than ${this.limits.maxEntries} entries, the cap (a full 512 GB card holds tens of thousands of files): the list was refused`,
      );
    }
    this.list.push(entry);
  }
}
