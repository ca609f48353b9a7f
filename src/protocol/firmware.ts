/**
 * FIRMWARE_INFORMATION (A035) parser, docs/PROTOCOL.md §2.7.2.
 *
 * XPro2: 112 bytes = twenty u32 LE words (meaning unknown, kept as `words`) followed by a 32-byte
 * NUL-padded version string at offset 80. Other lengths fall back to the longest printable ASCII run.
 */
export interface FirmwareInfo {
  /** e.g. "v1.0 rc5"; "" when none could be found. */
  version: string;
  /** The u32 LE words before the version (unidentified settings/capabilities). */
  words: number[];
  /** The whole payload in hex, for reverse engineering. */
  raw: string;
}

export const FIRMWARE_WORDS = 20;
export const FIRMWARE_VERSION_OFFSET = FIRMWARE_WORDS * 4;
export const FIRMWARE_PAYLOAD_SIZE = FIRMWARE_VERSION_OFFSET + 32;

export function parseFirmware(payload: Buffer): FirmwareInfo {
  const raw = payload.toString('hex');
  if (payload.length >= FIRMWARE_PAYLOAD_SIZE) {
    const words: number[] = [];
    for (let i = 0; i < FIRMWARE_WORDS; i++) words.push(payload.readUInt32LE(i * 4));
    const field = payload.subarray(FIRMWARE_VERSION_OFFSET, FIRMWARE_PAYLOAD_SIZE);
    const nul = field.indexOf(0);
    const version = printable(field.subarray(0, nul === -1 ? field.length : nul)).trim();
    if (version) return { version, words, raw };
    return { version: longestPrintableRun(payload), words, raw };
  }
  const words: number[] = [];
  for (let i = 0; i + 4 <= Math.min(payload.length, FIRMWARE_VERSION_OFFSET); i += 4) words.push(payload.readUInt32LE(i));
  return { version: longestPrintableRun(payload), words: payload.length >= 4 ? words : [], raw };
}

export function encodeFirmware(version: string, words: readonly number[]): Buffer {
  const out = Buffer.alloc(FIRMWARE_PAYLOAD_SIZE);
  for (let i = 0; i < FIRMWARE_WORDS; i++) out.writeUInt32LE((words[i] ?? 0) >>> 0, i * 4);
  out.write(version.slice(0, 31), FIRMWARE_VERSION_OFFSET, 'ascii');
  return out;
}

function printable(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
  return s;
}

/** Longest run of at least 3 printable ASCII bytes. */
function longestPrintableRun(bytes: Buffer): string {
  let best = '';
  let cur = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) cur += String.fromCharCode(b);
    else {
      if (cur.length > best.length) best = cur;
      cur = '';
    }
  }
  if (cur.length > best.length) best = cur;
  return best.trim().length >= 3 ? best.trim() : '';
}
