/**
 * Everything the CLI prints. With --json each command writes exactly one JSON document (one line) on
 * stdout, shaped like the matching Node-RED node's msg.payload; without it, readable text. Notes and
 * progress go to stderr so stdout stays clean for pipes.
 *
 * Strings from the camera (file names above all) reach a terminal here, and a name may carry escape
 * sequences that retitle the window, clear the screen or fake output (issue 10 finding 9). So no
 * control character leaves through this class as is: camera strings in a result are shown with
 * printable() (every control character escaped, `\x1b`), and line(), note() and error() escape
 * whatever control character is left except the line breaks of the text itself; JSON escapes the
 * ones JSON.stringify leaves raw (DEL, the C1 controls such as the one-byte CSI 0x9b, line and
 * paragraph separators, bidirectional overrides).
 */
import type { Writable } from 'node:stream';

/** C0 controls, DEL, C1 controls, bidi marks, line/paragraph separators, bidi embeddings/overrides/isolates. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same but line breaks (LF, and the CR of a CRLF: an SDP's lines end so): a text's own lines stay. */
const CONTROL_BUT_NEWLINE = /\r(?!\n)|[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw of CONTROL (it escapes C0 itself). */
const JSON_RAW_CONTROL = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A camera-supplied string made safe for one line of a terminal: every control character escaped. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/** Control characters escaped, line breaks kept: the safety net of every text the CLI writes. */
export function printableText(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escapeChar);
}

export interface CliStreams {
  stdout: Writable;
  stderr: Writable;
}

export class Output {
  constructor(
    private readonly streams: CliStreams,
    readonly json: boolean,
  ) {}

  /** Prints the command's result: `doc` as one JSON line with --json, else the text `human()` builds. */
  result(doc: unknown, human: () => string): void {
    if (this.json) this.jsonLine(doc);
    else this.line(human());
  }

  /** One JSON document on one line, whatever the mode (simulate always speaks JSON). */
  jsonLine(doc: unknown): void {
    const json = JSON.stringify(doc).replace(JSON_RAW_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    this.streams.stdout.write(`${json}\n`);
  }

  /** Plain text on stdout; a trailing newline is added when missing. */
  line(text: string): void {
    const safe = printableText(text);
    this.streams.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /** A note for the person at the terminal (stderr), never part of the result. */
  note(text: string): void {
    this.streams.stderr.write(`${printableText(text)}\n`);
  }

  /** The one-line failure reason. */
  error(message: string): void {
    this.streams.stderr.write(`actioncam: ${printableText(message.replace(/\s*\n\s*/g, ' '))}\n`);
  }
}

/**
 * Aligned columns; `right` names the columns to right-align (numbers). Cells are shown with
 * printable(). Any number of rows: the widths are a loop, not a spread into Math.max (which ran out
 * of stack at about 150,000 rows, issue 10 finding 9).
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const shown = rows.map((row) => row.map(printable));
  const widths = headers.map((h) => h.length);
  for (const row of shown) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (row[i] ?? '').length);
  }
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]) : i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [format(headers)];
  for (const row of shown) lines.push(format(row));
  return lines.join('\n');
}

/** 1536 -> "1.5 KiB"; exact bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** xxd-style dump: offset, 16 bytes in hex, printable ASCII. Empty string for no bytes. */
export function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.subarray(offset, offset + 16);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
