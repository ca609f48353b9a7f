/**
 * actioncam-list-files: lists the SD card, downloads one file from it, or mirrors it into a folder.
 * List mode: msg.payload = [{path, name, size, url, type}] (filter, newest first, limit).
 * Download mode: the file at msg.path (or the configured path; empty = the newest match), either as
 * msg.payload Buffer with msg.file and msg.contentType, or streamed into a folder (videos are large)
 * with msg.payload = {path, size, file}, never over an existing file unless `overwrite` is on.
 * `timeout` is the download's idle limit: a big video may take much longer in total (the total
 * deadline follows the file's size, src/http/defaults.ts), but the camera must not fall silent for
 * that long.
 * Sync mode: every listed file (of the filter) that is not in the folder with its listed size is
 * downloaded, keeping the camera's folders (src/http/sync.ts); msg.payload = {downloaded: [{path,
 * size, file}], skipped, failed: [{path, error}], bytes}. A file that fails is in `failed` (and one
 * warning), not an error of the input: the others are there.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { downloadToBuffer, downloadToFile } from '../src/http/download';
import { syncFiles } from '../src/http/sync';
import type { DownloadOptions, FileDownloadOptions } from '../src/http/download';
import type { FileEntry } from '../src/protocol';
import { BadInputError } from '../src/errors';
import { newestFile } from '../src/session/still';
import type { FileFilter } from '../src/session/still';
import { setupCameraNode, type CameraNodeKit } from './lib/camera-node';
import { contentTypeOf, isFileFilter, selectFiles, toListedFile } from './lib/files';
import type { Translate } from './lib/i18n';
import { editorTimeout } from './lib/durations';
import { numberOr } from './lib/numbers';
import { describeValue } from './lib/describe-value';
import { activityStatus, downloadProgress } from './lib/status';
import { syncProgress } from './lib/sync-progress';
import { evaluateProperty } from './lib/typed-input';
import type { CameraConfigNode, CameraNodeDef } from './lib/types';

interface ListFilesDef extends CameraNodeDef {
  mode: 'list' | 'download' | 'sync';
  filter: string;
  newestFirst: boolean;
  limit: number | string;
  path: string;
  pathType: string;
  output: 'buffer' | 'folder';
  folder: string;
  folderType: string;
  /** Replace a file of the same name in the folder; off: save under the next free `name (n).ext`. */
  overwrite: boolean;
  timeout: number | string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export = function (RED: NodeAPI): void {
  function ActionCamListFilesNode(this: Node, def: ListFilesDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const filter: FileFilter = isFileFilter(def.filter) ? def.filter : 'all';
    const newestFirst = def.newestFirst !== false;
    const limit = Math.floor(numberOr(def.limit, 0));

    setupCameraNode(RED, node, def, (kit, { timeoutMs }) => ({
      input: async (msg, signal) => {
        const { t, board, camera } = kit;
        if (def.mode === 'sync') return sync(msg, signal, kit, timeoutMs);
        const wanted = def.mode === 'download' ? await evaluateProperty(RED, node, msg, def.path, def.pathType || 'msg') : undefined;
        const folder = def.mode === 'download' && def.output === 'folder' ? await folderOf(msg, t) : undefined;
        const { session, config } = await camera.connect(signal);
        board.show(activityStatus(t, 'status.listing'));
        try {
          const entries = await session.listFiles({ signal });
          if (def.mode !== 'download') {
            msg.payload = selectFiles(entries, filter, newestFirst, limit).map((e) => toListedFile(e, config));
            return msg;
          }
          const entry = pickFile(entries, wanted, filter, t);
          const request: DownloadOptions = {
            host: config.host,
            port: config.httpPort,
            path: entry.path,
            expectedSize: entry.size > 0 ? entry.size : undefined,
            timeoutMs,
            signal,
            onProgress: downloadProgress(board, t, entry.size),
          };
          if (folder === undefined) return await toBuffer(msg, entry, config, request);
          return await toFolder(msg, entry, config, { ...request, dir: folder, fileName: entry.name, overwrite: def.overwrite === true });
        } finally {
          board.clear();
        }
      },
    }), (t: Translate) => ({ timeoutMs: editorTimeout(t, def.timeout, DEFAULT_TIMEOUT_MS) }));

    /** Mirrors the card into the folder; msg.payload = the SyncResult. */
    async function sync(msg: NodeMessage, signal: AbortSignal, kit: CameraNodeKit, timeoutMs: number): Promise<NodeMessage> {
      const { t } = kit;
      const folder = await folderOf(msg, t);
      const { session, config } = await kit.camera.connect(signal);
      kit.board.show(activityStatus(t, 'status.listing'));
      try {
        const entries = await session.listFiles({ signal });
        const result = await syncFiles({
          host: config.host,
          port: config.httpPort,
          entries,
          dir: folder,
          filter: filter === 'other' ? 'all' : filter,
          timeoutMs,
          signal,
          onProgress: syncProgress(kit.board, t),
        });
        if (result.failed.length > 0) {
          const first = result.failed[0];
          node.warn(t('errors.syncFailed', { failed: result.failed.length, total: result.failed.length + result.downloaded.length, path: first.path, error: first.error }));
        }
        msg.payload = result;
        return msg;
      } finally {
        kit.board.clear();
      }
    }

    async function folderOf(msg: NodeMessage, t: Translate): Promise<string> {
      const value = await evaluateProperty(RED, node, msg, def.folder, def.folderType || 'str');
      if (typeof value !== 'string' || value.trim() === '') throw new BadInputError(t('errors.noFolder'));
      return value.trim();
    }
  }

  RED.nodes.registerType('actioncam-list-files', ActionCamListFilesNode);
};

async function toBuffer(msg: NodeMessage, entry: FileEntry, config: CameraConfigNode, request: DownloadOptions): Promise<NodeMessage> {
  msg.payload = await downloadToBuffer(request);
  msg.file = toListedFile(entry, config);
  msg.contentType = contentTypeOf(entry.name);
  return msg;
}

async function toFolder(msg: NodeMessage, entry: FileEntry, config: CameraConfigNode, request: FileDownloadOptions): Promise<NodeMessage> {
  const saved = await downloadToFile(request);
  // Same shape as `actioncam fetch --json`: the camera path, the bytes written, the file on disk.
  msg.payload = { path: entry.path, size: saved.size, file: saved.file };
  msg.file = toListedFile(entry, config);
  return msg;
}

/**
 * The file named by `wanted` (a path, or a bare name), or when nothing is named the newest match
 * (skipping files still being written: src/session/still.ts has the size-0 rule).
 */
function pickFile(entries: FileEntry[], wanted: unknown, filter: FileFilter, t: Translate): FileEntry {
  if (wanted === undefined || wanted === null || wanted === '') {
    const newest = newestFile(entries, filter);
    if (!newest) throw new BadInputError(t('errors.noMatchingFile', { filter }));
    return newest;
  }
  if (typeof wanted !== 'string') throw new BadInputError(t('errors.badPath', { value: describeValue(wanted) }));
  const path = wanted.trim();
  const found = path.includes('/') ? entries.find((e) => e.path === path) : entries.find((e) => e.name === path);
  if (!found) throw new BadInputError(t('errors.fileNotFound', { path }));
  return found;
}
