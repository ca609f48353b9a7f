/**
 * A small, strict ISO BMFF box parser for tests (ISO/IEC 14496-12 §4.2): sizes must add up exactly
 * inside every container, largesize is read, and the boxes that hold children after fields of their
 * own (stsd, dref, avc1) are descended into. Layout tests compare what it returns with tables.
 */

export interface Mp4Box {
  type: string;
  /** Offset of the box's first byte in the buffer parsed. */
  start: number;
  /** Whole box, header included. */
  size: number;
  headerSize: number;
  /** Bytes after the header (a full box's version and flags included). */
  payload: Buffer;
  children: Mp4Box[];
}

/** Boxes made only of boxes. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl', 'mvex', 'moof', 'traf', 'edts']);
/** Boxes with fields before their children: bytes to skip in the payload. */
const CHILDREN_AFTER: Record<string, number> = {
  stsd: 8, // version, flags, entry_count
  dref: 8, // version, flags, entry_count
  avc1: 78, // VisualSampleEntry fields (14496-12 §12.1.3)
};

export function parseBoxes(buf: Buffer, start = 0, end = buf.length): Mp4Box[] {
  const boxes: Mp4Box[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < 8) throw new Error(`mp4-boxes: ${end - pos} stray bytes at ${pos}`);
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(pos + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - pos; // "extends to the end of the file"
    }
    if (size < headerSize || pos + size > end) {
      throw new Error(`mp4-boxes: box '${type}' at ${pos} has size ${size}, ${end - pos} bytes left`);
    }
    const payload = buf.subarray(pos + headerSize, pos + size);
    let children: Mp4Box[] = [];
    if (CONTAINERS.has(type)) children = parseBoxes(buf, pos + headerSize, pos + size);
    else if (type in CHILDREN_AFTER) children = parseBoxes(buf, pos + headerSize + CHILDREN_AFTER[type], pos + size);
    boxes.push({ type, start: pos, size, headerSize, payload, children });
    pos += size;
  }
  return boxes;
}

/**
 * Parses only the top-level box headers of a buffer that may hold just the start of a file
 * (a progressive header without its samples): returns type, start and size of each box that begins
 * inside the buffer, whether or not it ends there.
 */
export function topLevelBoxes(buf: Buffer): Array<{ type: string; start: number; size: number }> {
  const out: Array<{ type: string; start: number; size: number }> = [];
  for (let pos = 0; pos + 8 <= buf.length; ) {
    let size = buf.readUInt32BE(pos);
    if (size === 1) size = Number(buf.readBigUInt64BE(pos + 8));
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos, size });
    if (size < 8) break;
    pos += size;
  }
  return out;
}

/** The box at `path` ('moov/trak/mdia/mdhd'); throws when absent. */
export function findBox(boxes: readonly Mp4Box[], path: string): Mp4Box {
  let level: readonly Mp4Box[] = boxes;
  let found: Mp4Box | undefined;
  for (const type of path.split('/')) {
    found = level.find((b) => b.type === type);
    if (!found) throw new Error(`mp4-boxes: no '${type}' on the way to ${path} (have ${level.map((b) => b.type).join(', ')})`);
    level = found.children;
  }
  return found as Mp4Box;
}

/** Every box in document order with its slash path: the flat view layout tables compare. */
export function flatten(boxes: readonly Mp4Box[], prefix = ''): Array<{ path: string; box: Mp4Box }> {
  const out: Array<{ path: string; box: Mp4Box }> = [];
  for (const b of boxes) {
    const path = prefix ? `${prefix}/${b.type}` : b.type;
    out.push({ path, box: b });
    out.push(...flatten(b.children, path));
  }
  return out;
}

/** version, flags and the fields after them of a full box. */
export function fullBox(b: Mp4Box): { version: number; flags: number; body: Buffer } {
  return { version: b.payload[0], flags: b.payload.readUIntBE(1, 3), body: b.payload.subarray(4) };
}

/** u32 fields of a body, from `offset`, `count` of them. */
export function u32s(body: Buffer, offset: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => body.readUInt32BE(offset + 4 * i));
}

/** The NAL units of an AVCC (4-byte length-prefixed) sample. */
export function splitAvcc(sample: Buffer): Buffer[] {
  const nalus: Buffer[] = [];
  for (let pos = 0; pos < sample.length; ) {
    const n = sample.readUInt32BE(pos);
    if (pos + 4 + n > sample.length) throw new Error(`mp4-boxes: NAL length ${n} at ${pos} runs past the sample`);
    nalus.push(sample.subarray(pos + 4, pos + 4 + n));
    pos += 4 + n;
  }
  return nalus;
}
