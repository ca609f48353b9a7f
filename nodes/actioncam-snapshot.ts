/**
 * actioncam-snapshot: takes a still (A038 -> A039) and finds the new file in the card's list.
 * msg.payload = {path, name, size, url}; with "download" on, msg.payload = the JPEG as a Buffer,
 * msg.file = that object and msg.contentType = "image/jpeg".
 */
import { setTimeout as sleep } from 'timers/promises';
import type { Node, NodeAPI } from 'node-red';
import { downloadToBuffer } from '../src/http/download';
import type { FileEntry } from '../src/protocol';
import type { CameraSession } from '../src/session/camera-session';
import { ProtocolError } from '../src/errors';
import { setupCameraNode } from './lib/camera-node';
import { withDeadline } from './lib/deadline';
import { newFiles, toCameraFile } from './lib/files';
import { numberOr } from './lib/numbers';
import { activityStatus, downloadProgress } from './lib/status';
import type { CameraNodeDef } from './lib/types';

interface SnapshotDef extends CameraNodeDef {
  download: boolean;
  timeout: number | string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A039 means "written", but a slow card may list the file a moment later: look again this often. */
const RELIST_ATTEMPTS = 5;
const RELIST_DELAY_MS = 300;

export = function (RED: NodeAPI): void {
  function ActionCamSnapshotNode(this: Node, def: SnapshotDef): void {
    RED.nodes.createNode(this, def);
    const timeoutMs = numberOr(def.timeout, DEFAULT_TIMEOUT_MS, 1);
    const download = def.download === true;

    setupCameraNode(RED, this, def, ({ t, board, camera }) => ({
      input: async (msg, signal) => {
        board.show(activityStatus(t, 'status.capturing'));
        try {
          const timeoutText = t('errors.snapshotTimeout', { seconds: timeoutMs / 1000 });
          return await withDeadline(signal, timeoutMs, timeoutText, async (deadline) => {
            const { session, config } = await camera.connect(deadline);
            const before = await session.listFiles({ signal: deadline });
            await session.takePicture({ signal: deadline });
            const entry = await findNewPhoto(session, before, deadline);
            if (!entry) throw new ProtocolError(t('errors.noNewPhoto', { camera: session.host }));
            const file = toCameraFile(entry, config);
            if (!download) {
              msg.payload = file;
              return msg;
            }
            msg.payload = await downloadToBuffer({
              host: config.host,
              port: config.httpPort,
              path: entry.path,
              expectedSize: entry.size > 0 ? entry.size : undefined,
              timeoutMs,
              signal: deadline,
              onProgress: downloadProgress(board, t, entry.size),
            });
            msg.file = file;
            msg.contentType = 'image/jpeg';
            return msg;
          });
        } finally {
          board.clear();
        }
      },
    }));
  }

  RED.nodes.registerType('actioncam-snapshot', ActionCamSnapshotNode);
};

/** The newest photo that was not on the card before; undefined when none appears. */
async function findNewPhoto(session: CameraSession, before: FileEntry[], signal: AbortSignal): Promise<FileEntry | undefined> {
  for (let attempt = 0; attempt < RELIST_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(RELIST_DELAY_MS, undefined, { signal });
    const added = newFiles(before, await session.listFiles({ signal }));
    const photos = added.filter((e) => e.type === 'photo');
    const pick = photos.length > 0 ? photos[photos.length - 1] : added[added.length - 1];
    if (pick) return pick;
  }
  return undefined;
}
