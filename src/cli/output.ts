/**
 * Everything the CLI prints. With --json each command writes exactly one JSON document (one line) on
 * stdout, shaped like the matching Node-RED node's msg.payload; without it, readable text. Notes and
 * progress go to stderr so stdout stays clean for pipes.
 */
import type { Writable } from 'node:stream';

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
    this.streams.stdout.write(`${JSON.stringify(doc)}\n`);
  }

  /** Plain text on stdout; a trailing newline is added when missing. */
  line(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A note for the person at the terminal (stderr), never part of the result. */
  note(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  /** The one-line failure reason. */
  error(message: string): void {
    this.streams.stderr.write(`actioncam: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  }
}

/** Aligned columns; `right` names the columns to right-align (numbers). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]) : i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(headers), ...rows.map(format)].join('\n');
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
