/**
 * actioncam-record: starts and stops recording (A03A -> A03B), optionally stopping by itself after
 * a duration that each new start trigger pushes back.
 * Input: msg.payload "start" | "stop" | "toggle" | true | false (or a fixed action), msg.duration
 * (seconds) overriding the editor's. Output 1: msg.payload = {recording, action} for each input.
 * Output 2: when the auto-stop fires, a copy of the last start msg with payload {recording: false,
 * action: "auto-stop"} — on its own output, so it cannot re-trigger what follows output 1 (issue 9).
 * A node closed while its auto-stop is armed stops the recording first.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { setupCameraNode } from './lib/camera-node';
import { toError } from './lib/errors';
import { failOutside } from './lib/failure';
import { withDeadline } from './lib/deadline';
import { RecordingTimer } from './lib/recording-timer';
import { resolveAction, resolveDuration } from './lib/record-input';
import { activityStatus } from './lib/status';
import { evaluateProperty } from './lib/typed-input';
import type { Translate } from './lib/i18n';
import type { CameraNodeDef } from './lib/types';

interface RecordDef extends CameraNodeDef {
  action: string;
  duration: string;
  durationType: string;
}

/** How long a closing node may spend stopping a recording whose auto-stop it owns. */
const CLOSE_STOP_MS = 3000;

export = function (RED: NodeAPI): void {
  function ActionCamRecordNode(this: Node, def: RecordDef): void {
    RED.nodes.createNode(this, def);
    const node = this;

    setupCameraNode(RED, node, def, ({ t, board, camera, closing }) => {
      let lastStart: NodeMessage | undefined;
      const timer = new RecordingTimer({
        tick: (seconds) => board.show(activityStatus(t, 'status.recording', { seconds })),
        expire: () => void autoStop(),
      });

      /** No input to answer here: the failure goes to the msg that started the recording (failure.ts). */
      async function autoStop(): Promise<void> {
        const trigger = lastStart ?? {};
        try {
          const { session } = await camera.connect(closing);
          await session.setRecording(false, { signal: closing });
          timer.stop();
          board.clear();
          const out = RED.util.cloneMessage(trigger);
          out.payload = { recording: false, action: 'auto-stop' };
          node.send([null, out]);
        } catch (err) {
          if (closing.aborted) return;
          timer.stop();
          failOutside(node, board, err, trigger);
        }
      }

      /**
       * Closing (a redeploy) with an auto-stop armed would leave the camera recording until its card
       * is full, so the stop is sent now, bounded well inside Node-RED's close limit.
       */
      async function stopOnClose(): Promise<void> {
        try {
          const message = t('errors.stopOnCloseTimeout', { seconds: CLOSE_STOP_MS / 1000 });
          await withDeadline(new AbortController().signal, CLOSE_STOP_MS, message, async (signal) => {
            const { session } = await camera.connect(signal);
            await session.setRecording(false, { signal, timeoutMs: CLOSE_STOP_MS });
          });
        } catch (err) {
          node.warn(toError(err).message);
        }
      }

      return {
        input: async (msg, signal) => {
          const action = resolveAction(def.action, msg.payload, t);
          const configured = await evaluateProperty(RED, node, msg, def.duration, def.durationType || 'num');
          const seconds = resolveDuration(msg.duration !== undefined ? msg.duration : configured, t);
          const { session } = await camera.connect(signal);
          const on = action === 'toggle' ? !session.recording : action === 'start';
          // Start is sent even when we believe the camera records already: the command is an
          // explicit on/off (docs/PROTOCOL.md §2.7.4), and the camera's button may have stopped it.
          await session.setRecording(on, { signal });
          if (on) {
            lastStart = RED.util.cloneMessage(msg);
            timer.recording(seconds * 1000);
          } else {
            timer.stop();
            board.clear();
          }
          msg.payload = { recording: on, action: on ? 'start' : 'stop' };
          return msg;
        },
        close: async () => {
          const pending = timer.autoStopPending;
          timer.stop();
          if (pending) await stopOnClose();
        },
      };
    }, (t: Translate) => {
      // A fixed "stop after" is checked at deploy; one from msg, flow, global or env at each input.
      if ((def.durationType || 'num') === 'num') resolveDuration(def.duration, t);
    });
  }

  RED.nodes.registerType('actioncam-record', ActionCamRecordNode);
};
