/**
 * actioncam-raw-command: sends any control message and waits for a reply, for reverse engineering.
 * Input: the configured command, else msg.payload: a hex string (type in the first two bytes) or
 * {type, payload}. Output 1: msg.payload = {type, typeHex, name, payload: Buffer, hex} of the reply,
 * or null when the reply is "none". Optional output 2 (`unsolicited`): every message the camera
 * sends that nobody asked for, {type, typeHex, name, hex} (nodes/lib/unsolicited-output.ts).
 */
import type { Node, NodeAPI } from 'node-red';
import { SessionDefaults } from '../src/session/defaults';
import { messageName, toHex, typeHex } from '../src/protocol';
import { setupCameraNode } from './lib/camera-node';
import { editorTimeout } from './lib/durations';
import type { Translate } from './lib/i18n';
import { parseCommand, parseReply } from './lib/raw-command-input';
import type { CameraNodeDef } from './lib/types';
import { UnsolicitedOutput } from './lib/unsolicited-output';

interface RawCommandDef extends CameraNodeDef {
  command: string;
  reply: string;
  timeout: number | string;
  /** A second output for what the camera sends unasked; missing in flows from before it existed. */
  unsolicited?: boolean;
}

/** The session's own request timeout (src/session/defaults.ts). */
const DEFAULT_TIMEOUT_MS = SessionDefaults.requestTimeoutMs;

export = function (RED: NodeAPI): void {
  function ActionCamRawCommandNode(this: Node, def: RawCommandDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const fixed = typeof def.command === 'string' && def.command.trim() !== '' ? def.command : undefined;

    setupCameraNode(RED, this, def, ({ t, camera, closing }, { timeoutMs }) => {
      const unsolicited =
        def.unsolicited === true
          ? new UnsolicitedOutput({
              config: camera.config,
              closing,
              send: (msg) => node.send([null, msg]),
              onDropped: (count, limit) => node.warn(t('errors.unsolicitedDropped', { count, limit })),
            })
          : undefined;
      unsolicited?.start();
      return {
        input: async (msg, signal) => {
          const command = parseCommand(fixed ?? msg.payload, t);
          const replyType = parseReply(def.reply, command.type, t);
          const { session } = await camera.connect(signal);
          unsolicited?.attach(session);
          const reply = await session.request(command.type, command.payload, { replyType, timeoutMs, signal });
          msg.payload = reply
            ? { type: reply.type, typeHex: typeHex(reply.type), name: messageName(reply.type), payload: reply.payload, hex: toHex(reply.payload) }
            : null;
          return msg;
        },
        close: () => unsolicited?.stop(),
      };
    }, (t: Translate) => ({ timeoutMs: editorTimeout(t, def.timeout, DEFAULT_TIMEOUT_MS) }));
  }

  RED.nodes.registerType('actioncam-raw-command', ActionCamRawCommandNode);
};
