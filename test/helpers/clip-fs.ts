/**
 * File systems that fail on purpose, for the clip output's seam (src/clip/clip-fs.ts): the real
 * fs.promises underneath (so whatever is left behind is really on disk and can be looked for), with
 * writes that fail like a full disk after a byte budget, opens that fail with a given code, hard links
 * the file system "does not have", and writes held until the test lets them go.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ClipFileHandle, ClipFs } from '../../src/clip/clip-fs';
import { TEMPORARY_PREFIX, TEMPORARY_SUFFIX } from '../../src/clip/clip-name';

export interface FaultOptions {
  /** Writes (to any file) fail with `writeError` once this many bytes have been written in all; a write that crosses it is short. */
  writeBudget?: number;
  /** Default ENOSPC. */
  writeError?: string;
  /** open() fails with this code. */
  openError?: string;
  /** open() of the file with this suffix ('.clip.part', '.payload.part') fails with openError; default every open. */
  openErrorFor?: string;
  /** link() fails with EPERM, as on FAT. */
  noHardLinks?: boolean;
  /** Every write waits for release() (a stalled disk). */
  holdWrites?: boolean;
}

export interface FaultyFs extends ClipFs {
  /** Bytes written so far through this file system. */
  readonly written: number;
  /** Lets held writes go. */
  release(): void;
}

function errno(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: simulated failure, ${syscall} '${file}'`) as NodeJS.ErrnoException;
  err.code = code;
  err.syscall = syscall;
  err.path = file;
  return err;
}

export function faultyFs(opts: FaultOptions = {}): FaultyFs {
  let written = 0;
  let held: Array<() => void> = [];
  const gate = async (): Promise<void> => {
    if (opts.holdWrites) await new Promise<void>((resolve) => held.push(resolve));
  };
  /** How much of `want` bytes may still be written; throws once the budget is spent. */
  const allow = (want: number, file: string): number => {
    if (opts.writeBudget === undefined) return want;
    const left = opts.writeBudget - written;
    if (left <= 0) throw errno(opts.writeError ?? 'ENOSPC', 'write', file);
    return Math.min(want, left);
  };
  const wrap = (handle: fsp.FileHandle, file: string): ClipFileHandle => ({
    async writev(buffers, position) {
      await gate();
      const want = buffers.reduce((sum, b) => sum + b.length, 0);
      const n = allow(want, file);
      const data = Buffer.concat(buffers).subarray(0, n);
      const { bytesWritten } = await handle.write(data, 0, data.length, position);
      written += bytesWritten;
      return { bytesWritten };
    },
    async write(buffer, offset, length, position) {
      await gate();
      const n = allow(length, file);
      const { bytesWritten } = await handle.write(buffer, offset, n, position);
      written += bytesWritten;
      return { bytesWritten };
    },
    read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
    close: () => handle.close(),
  });
  return {
    get written() {
      return written;
    },
    release() {
      opts.holdWrites = false;
      const waiting = held;
      held = [];
      for (const resolve of waiting) resolve();
    },
    async open(file, flags) {
      if (opts.openError && (!opts.openErrorFor || file.endsWith(opts.openErrorFor))) throw errno(opts.openError, 'open', file);
      return wrap(await fsp.open(file, flags), file);
    },
    async link(existing, target) {
      if (opts.noHardLinks) throw errno('EPERM', 'link', target);
      await fsp.link(existing, target);
    },
    rename: (from, to) => fsp.rename(from, to),
    unlink: (file) => fsp.unlink(file),
  };
}

/** Names in `dir`, sorted. */
export async function listDir(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir)).sort();
}

/** Temporary clip files left in `dir`. */
export async function temporaryLeftovers(dir: string): Promise<string[]> {
  return (await listDir(dir)).filter((name) => name.startsWith(TEMPORARY_PREFIX) || name.endsWith(TEMPORARY_SUFFIX));
}

/** A fresh empty folder under the system temp dir. */
export async function tempFolder(prefix: string): Promise<string> {
  const os = await import('node:os');
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}
