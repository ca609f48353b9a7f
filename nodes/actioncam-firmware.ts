/**
 * actioncam-firmware: reads the camera's firmware information (A034 -> A035).
 * msg.payload = {version, words, raw}.
 */
import type { Node, NodeAPI } from 'node-red';
import { setupCameraNode } from './lib/camera-node';
import type { CameraNodeDef } from './lib/types';

export = function (RED: NodeAPI): void {
  function ActionCamFirmwareNode(this: Node, def: CameraNodeDef): void {
    RED.nodes.createNode(this, def);
    setupCameraNode(RED, this, def, ({ camera }) => ({
      input: async (msg, signal) => {
        const { session } = await camera.connect(signal);
        const info = await session.firmware({ signal });
        msg.payload = { version: info.version, words: info.words, raw: info.raw };
        return msg;
      },
    }));
  }

  RED.nodes.registerType('actioncam-firmware', ActionCamFirmwareNode);
};
