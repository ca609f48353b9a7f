/**
 * actioncam-snapshot: takes a still (A038 -> A039) and finds the new file in the card's list.
 * msg.payload = {path, name, size, url}; with "download" on, msg.payload = the JPEG as a Buffer,
 * msg.file = that object and msg.contentType = "image/jpeg". The status then shows the file name.
 */
import type { Node, NodeAPI } from 'node-red';
import { downloadToBuffer } from '../src/http/download';
import { takeStill } from '../src/session/still';
import { ProtocolError } from '../src/errors';
import { setupCameraNode } from './lib/camera-node';
import { withDeadline } from './lib/deadline';
import { toCameraFile } from './lib/files';
import { editorTimeout } from './lib/durations';
import type { Translate } from './lib/i18n';
import { activityStatus, downloadProgress } from './lib/status';
import type { CameraNodeDef } from './lib/types';

interface SnapshotDef extends CameraNodeDef {
  download: boolean;
  timeout: number | string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export = function (RED: NodeAPI): void {
  function ActionCamSnapshotNode(this: Node, def: SnapshotDef): void {
    RED.nodes.createNode(this, def);
    const download = def.download === true;

    setupCameraNode(RED, this, def, ({ t, board, camera }, { timeoutMs }) => ({
      input: async (msg, signal) => {
        board.show(activityStatus(t, 'status.capturing'));
        let connected = false;
        let taken: string | undefined;
        let shown = false;
        // Out of time before the camera answered: say so, with the link's state, not just "timeout".
        const timeoutText = (): string =>
          connected
            ? t('errors.snapshotTimeout', { seconds: timeoutMs / 1000 })
            : t('errors.snapshotTimeoutLink', { seconds: timeoutMs / 1000, link: String(board.sessionStatus.text ?? '') });
        try {
          const result = await withDeadline(signal, timeoutMs, timeoutText, async (deadline) => {
            const { session, config } = await camera.connect(deadline);
            connected = true;
            const entry = await takeStill(session, { signal: deadline });
            if (!entry) throw new ProtocolError(t('errors.noNewPhoto', { camera: session.host }));
            const file = toCameraFile(entry, config);
            taken = file.name;
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
          board.result({ fill: 'green', shape: 'dot', text: t('status.still', { name: taken ?? '' }) });
          shown = true;
          return result;
        } finally {
          if (!shown) board.clear();
        }
      },
    }), (t: Translate) => ({ timeoutMs: editorTimeout(t, def.timeout, DEFAULT_TIMEOUT_MS) }));
  }

  RED.nodes.registerType('actioncam-snapshot', ActionCamSnapshotNode);
};
