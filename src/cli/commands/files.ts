/** `actioncam ls` and `actioncam fetch [PATH] [--out DIR]`: the SD card over control + HTTP. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidStateError } from '../../errors';
import { downloadToFile, fileUrl } from '../../http/download';
import { newestFile } from '../../session/still';
import { cameraTarget, withSession } from '../camera';
import type { CommandContext } from '../context';
import { formatBytes, printable, table } from '../output';

export async function lsCommand(ctx: CommandContext): Promise<void> {
  const { host, httpPort } = cameraTarget(ctx);
  const files = await withSession(ctx, (session) => session.listFiles({ signal: ctx.signal }));
  const docs = files.map((f) => ({ path: f.path, name: f.name, size: f.size, url: fileUrl(host, httpPort, f.path), type: f.type }));
  ctx.out.result(docs, () => {
    if (docs.length === 0) return 'no files';
    const total = docs.reduce((sum, f) => sum + f.size, 0);
    const rows = docs.map((f) => [formatBytes(f.size), f.type, f.path]);
    return `${table(['SIZE', 'TYPE', 'PATH'], rows, [0])}\n${docs.length} ${docs.length === 1 ? 'file' : 'files'}, ${formatBytes(total)}`;
  });
}

export async function fetchCommand(ctx: CommandContext): Promise<void> {
  const { host, httpPort } = cameraTarget(ctx);
  const wanted = ctx.args.args[0];
  let path: string;
  let expectedSize: number | undefined;
  if (wanted !== undefined) {
    // A given path needs no control session: the file server answers on its own.
    path = wanted.startsWith('/') ? wanted : `/${wanted}`;
  } else {
    const files = await withSession(ctx, (session) => session.listFiles({ signal: ctx.signal }));
    const newest = newestFile(files);
    if (!newest) throw new InvalidStateError(`camera ${host} has no files to fetch`);
    path = newest.path;
    expectedSize = newest.size > 0 ? newest.size : undefined;
  }
  const dir = resolve(ctx.args.out ?? '.');
  await mkdir(dir, { recursive: true });
  ctx.logger.info(`downloading ${fileUrl(host, httpPort, path)} to ${dir}`);
  const progress = !ctx.out.json && isTty(process.stderr) ? progressPrinter(path) : undefined;
  const result = await downloadToFile({
    host,
    port: httpPort,
    path,
    dir,
    signal: ctx.signal,
    overwrite: ctx.args.overwrite,
    ...(expectedSize !== undefined ? { expectedSize } : {}),
    ...(ctx.args.maxBytes !== undefined ? { maxBytes: ctx.args.maxBytes } : {}),
    ...(ctx.args.timeoutMs !== undefined ? { timeoutMs: ctx.args.timeoutMs } : {}),
    ...(progress ? { onProgress: progress.update } : {}),
  }).finally(() => progress?.done());
  const doc = { path, size: result.size, file: resolve(result.file) };
  ctx.out.result(doc, () => `${printable(doc.file)}  ${formatBytes(doc.size)}`);
}

function isTty(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true;
}

/** A single self-overwriting progress line on the terminal's stderr. */
function progressPrinter(path: string): { update: (received: number, total?: number) => void; done: () => void } {
  let shown = false;
  let last = 0;
  return {
    update(received, total) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const amount = total ? `${Math.floor((received / total) * 100)} % of ${formatBytes(total)}` : formatBytes(received);
      process.stderr.write(`\r${printable(path)}  ${amount}\u001b[K`);
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}
