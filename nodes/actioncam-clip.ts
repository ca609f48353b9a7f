/**
 * actioncam-clip: event clips with pre-roll. While deployed the node holds the camera's live preview
 * and keeps its last seconds (the pre-roll); any input saves an MP4 clip to a folder: the pre-roll,
 * then `duration` seconds (msg.duration overrides). An input while a clip records extends it (up to
 * the longest clip). When the clip is saved the triggering msg goes out with msg.payload =
 * {file, start, duration, frames, size, preRoll}, or with the MP4 as a Buffer in msg.payload, that
 * object in msg.file and msg.contentType "video/mp4". Status: "pre-roll 5 s", "recording clip 12 s",
 * "saving clip". The engine is src/clip/recorder.ts, which `actioncam clip` runs as well.
 *
 * Closing (a redeploy, Node-RED stopping) saves the clip in progress as far as it got, within
 * ClipDefaults.finishBoundMs, else abandons it; either way no half file is left under a clip's name.
 */
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { storageError } from '../src/clip/clip-fs';
import { ClipDefaults } from '../src/clip/defaults';
import { ClipRecorder, type ClipResult } from '../src/clip/recorder';
import { BadInputError } from '../src/errors';
import { DownloadDefaults } from '../src/http/download';
import { setupCameraNode, type CameraNodeKit } from './lib/camera-node';
import { describeValue } from './lib/describe-value';
import { MissingCameraError } from './lib/errors';
import { failOutside } from './lib/failure';
import type { Translate } from './lib/i18n';
import { numberOr } from './lib/numbers';
import { activityStatus } from './lib/status';
import { evaluateProperty } from './lib/typed-input';
import type { CameraNodeDef } from './lib/types';

interface ClipDef extends CameraNodeDef {
  folder: string;
  folderType: string;
  preRoll: number | string;
  duration: number | string;
  maxDuration: number | string;
  output: string;
}

/** The status counts the clip's seconds this often while it records. */
const STATUS_TICK_MS = 1000;

export = function (RED: NodeAPI): void {
  function ActionCamClipNode(this: Node, def: ClipDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const preRollSeconds = Math.min(numberOr(def.preRoll, ClipDefaults.preRollSeconds), ClipDefaults.maxPreRollSeconds);
    const maxClipSeconds = Math.min(numberOr(def.maxDuration, ClipDefaults.maxClipSeconds, Number.MIN_VALUE), ClipDefaults.longestClipSeconds);
    const asBuffer = def.output === 'buffer';

    setupCameraNode(RED, node, def, (kit) => {
      const { t, board, camera, closing } = kit;
      const recorder = new ClipRecorder(
        { preRollSeconds, maxClipSeconds, cameraName: camera.config?.name || camera.config?.host || ClipDefaults.cameraName },
        {
          acquirePreview: async () => {
            if (!camera.config) throw new MissingCameraError(t('errors.noCamera'));
            return camera.config.acquirePreview();
          },
          releasePreview: async () => camera.config?.releasePreview(),
          logger: { debug: (m) => node.debug(m), info: (m) => node.log(m), warn: (m) => node.warn(m) },
        },
      );
      const status = clipStatus(kit, recorder);
      recorder.on('saved', (result: ClipResult) => {
        if (closing.aborted) node.log(t('errors.clipSavedOnClose', { file: result.file }));
      });

      // The pre-roll fills from deploy on. Without a camera the status says so already and every input fails.
      if (camera.config) {
        recorder.arm().catch((err: unknown) => {
          if (!closing.aborted) failOutside(node, board, err);
        });
      }

      return {
        input: async (msg) => {
          const given = msg.duration !== undefined ? msg.duration : def.duration;
          const seconds = clipSeconds(given, t);
          const dir = await clipFolder(RED, node, def, msg, t);
          const { extended, clip } = await recorder.trigger({ seconds, dir });
          if (extended) return null; // the clip in progress goes on; its own msg reports it
          status.refresh();
          const result = await clip;
          if (!asBuffer) {
            msg.payload = result;
            return msg;
          }
          msg.payload = await readClip(result, t);
          (msg as NodeMessage & { file?: ClipResult }).file = result;
          (msg as NodeMessage & { contentType?: string }).contentType = 'video/mp4';
          return msg;
        },
        close: async () => {
          status.stop();
          await recorder.disarm({ finish: true, boundMs: ClipDefaults.finishBoundMs });
        },
      };
    });
  }

  RED.nodes.registerType('actioncam-clip', ActionCamClipNode);
};

/**
 * The node's status from the recorder: blue "recording clip 12 s" (the clip's length so far, pre-roll
 * included) counted once a second while a clip records, blue ring "saving clip", then green
 * "pre-roll 5 s" or yellow "waiting for the camera" as the ring fills, changing only when the text does.
 * A failure shown in red stays until the next input succeeds or the camera link changes.
 */
function clipStatus({ t, board }: CameraNodeKit, recorder: ClipRecorder): { refresh(): void; stop(): void } {
  let ticker: NodeJS.Timeout | undefined;
  let saving = 0;
  const show = (): void => {
    const progress = recorder.progress;
    if (progress) {
      board.show(activityStatus(t, 'status.recordingClip', { seconds: Math.floor(progress.seconds) }));
      return;
    }
    if (board.failing) return;
    if (saving > 0) board.show({ fill: 'blue', shape: 'ring', text: t('status.savingClip') });
    else if (recorder.state === 'idle' || recorder.state === 'disarming') board.clear();
    else if (recorder.preRoll.frames === 0) board.show({ fill: 'yellow', shape: 'ring', text: t('status.waitingCamera') });
    else board.show({ fill: 'green', shape: 'dot', text: t('status.preRoll', { seconds: Math.floor(Math.min(recorder.preRoll.seconds, recorder.settings.preRollSeconds)) }) });
  };
  const stopTicker = (): void => {
    clearInterval(ticker);
    ticker = undefined;
  };
  recorder.on('state', (state: string, previous: string) => {
    if (state === 'recording') {
      stopTicker();
      ticker = setInterval(show, STATUS_TICK_MS);
    } else if (previous === 'recording') {
      stopTicker();
      saving++;
    }
    show();
  });
  const saved = (): void => {
    saving = Math.max(0, saving - 1);
    show();
  };
  recorder.on('saved', saved);
  recorder.on('failed', () => {
    saving = Math.max(0, saving - 1); // the input's failure path paints the status red
  });
  recorder.on('preRoll', () => {
    if (!ticker && saving === 0) show();
  });
  return { refresh: show, stop: stopTicker };
}

/** The default folder, for a Folder left empty: beside Node-RED's flows (its user directory), created when missing. */
const DEFAULT_FOLDER_NAME = 'actioncam-clips';

/**
 * The folder to save in: the Folder property (or what it names in msg, flow, global or env), which
 * must exist; left empty, <userDir>/actioncam-clips, created when missing.
 */
async function clipFolder(RED: NodeAPI, node: Node, def: ClipDef, msg: NodeMessage, t: Translate): Promise<string> {
  const type = def.folderType || 'str';
  const value = await evaluateProperty(RED, node, msg, def.folder, type);
  if (type === 'str' && (value === undefined || (typeof value === 'string' && value.trim() === ''))) {
    const base = (RED.settings as { userDir?: string }).userDir || path.join(os.homedir(), '.node-red');
    const dir = path.join(base, DEFAULT_FOLDER_NAME);
    await fsp.mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw storageError(err, dir, 'creating the clip folder');
    });
    return dir;
  }
  if (typeof value !== 'string' || value.trim() === '') throw new BadInputError(t('errors.noClipFolder'));
  return value.trim();
}

/** Seconds above 0 from a number or a numeric string. */
function clipSeconds(value: unknown, t: Translate): number {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BadInputError(t('errors.badClipDuration', { value: describeValue(value) }));
  return seconds;
}

/** The saved clip as a Buffer for msg.payload, bounded like a Buffer download (a message lives in memory). */
async function readClip(result: ClipResult, t: Translate): Promise<Buffer> {
  const max = DownloadDefaults.maxBufferBytes;
  if (result.size > max) {
    const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
    throw new BadInputError(t('errors.clipTooBig', { size: mib(result.size), max: mib(max), file: result.file }));
  }
  return fsp.readFile(result.file);
}
