/**
 * `actioncam sync --out DIR [--type video|photo|all]`: mirrors the card into DIR (src/http/sync.ts).
 * Progress goes to stderr ("syncing 3/12 · 45 %"), the result to stdout: the list-files node's
 * sync msg.payload with --json. Exit 1 when any file failed (the others are still there).
 */
import { resolve } from 'node:path';
import { HttpError } from '../../errors';
import { syncFiles } from '../../http/sync';
import type { SyncProgress, SyncResult } from '../../http/sync';
import { UsageError } from '../args';
import { cameraTarget, withSession } from '../camera';
import type { CommandContext } from '../context';
import { printable } from '../output';
import { formatBytes } from '../output';

/** A terminal's progress line is redrawn at most this often. */
const REDRAW_MS = 200;

export async function syncCommand(ctx: CommandContext): Promise<void> {
  if (ctx.args.out === undefined) throw new UsageError("'sync' needs --out DIR, the folder to mirror the card into");
  const { host, httpPort } = cameraTarget(ctx);
  const entries = await withSession(ctx, (session) => session.listFiles({ signal: ctx.signal }));
  const dir = resolve(ctx.args.out);
  ctx.logger.info(`mirroring ${entries.length} listed files of camera ${host} into ${dir}`);
  const progress = progressPrinter(process.stderr);
  let result: SyncResult;
  try {
    result = await syncFiles({
      host,
      port: httpPort,
      entries,
      dir,
      filter: ctx.args.fileType ?? 'all',
      signal: ctx.signal,
      onProgress: progress.update,
      ...(ctx.args.maxBytes !== undefined ? { maxBytes: ctx.args.maxBytes } : {}),
      ...(ctx.args.timeoutMs !== undefined ? { timeoutMs: ctx.args.timeoutMs } : {}),
    });
  } finally {
    progress.done();
  }
  ctx.out.result(result, () => summary(result));
  const tried = result.downloaded.length + result.failed.length;
  if (result.failed.length > 0) throw new HttpError(`${result.failed.length} of ${tried} files could not be downloaded (see above); the others are in ${dir}`);
}

function summary(result: SyncResult): string {
  const lines = result.downloaded.map((d) => `${printable(d.file)}  ${formatBytes(d.size)}`);
  for (const f of result.failed) lines.push(`failed: ${printable(f.path)}: ${printable(f.error)}`);
  const failed = result.failed.length > 0 ? `, ${result.failed.length} failed` : '';
  lines.push(`${result.downloaded.length} downloaded (${formatBytes(result.bytes)}), ${result.skipped} already there${failed}`);
  return lines.join('\n');
}

/**
 * "syncing 3/12 · 45 %": on a terminal one line redrawn in place, elsewhere (a log, a pipe) one
 * line per file as it starts.
 */
function progressPrinter(stream: NodeJS.WriteStream): { update: (p: SyncProgress) => void; done: () => void } {
  const tty = stream.isTTY === true;
  let lastFile = 0;
  let lastDraw = 0;
  let shown = false;
  return {
    update(p) {
      const text = `syncing ${p.index}/${p.count} · ${p.percent} %  ${printable(p.path)}`;
      if (!tty) {
        if (p.index !== lastFile) stream.write(`${text}\n`);
        lastFile = p.index;
        return;
      }
      const now = Date.now();
      if (p.index === lastFile && now - lastDraw < REDRAW_MS) return;
      lastFile = p.index;
      lastDraw = now;
      shown = true;
      stream.write(`\r${text}\u001b[K`);
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
