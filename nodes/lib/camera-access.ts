/**
 * How an action node reaches its camera: finds the config node named by its `camera` property,
 * registers with it (so the session state shows in the node's status), and deregisters on close.
 * Without a usable config node the node shows "no camera" and every input fails clearly.
 */
import type { Node, NodeAPI } from 'node-red';
import type { CameraSession } from '../../src/session/camera-session';
import { MissingCameraError } from './errors';
import type { Translate } from './i18n';
import type { StatusBoard } from './status';
import type { CameraConfigNode } from './types';

export const CONFIG_TYPE = 'actioncam-config';

export interface Connected {
  session: CameraSession;
  config: CameraConfigNode;
}

export interface CameraAccess {
  /** The config node, when the node has one. */
  readonly config: CameraConfigNode | undefined;
  /** The ready session with its config node, or a clear error (no camera configured, not reachable, ...). */
  connect(signal: AbortSignal): Promise<Connected>;
  /** For the node's close handler: leaves the config node and calls done. */
  release(removed: boolean, done: () => void): void;
}

export function findConfig(RED: NodeAPI, id: string | undefined): CameraConfigNode | undefined {
  if (!id) return undefined;
  const candidate = RED.nodes.getNode(id) as Node | null | undefined;
  return candidate && candidate.type === CONFIG_TYPE ? (candidate as CameraConfigNode) : undefined;
}

export function useCamera(RED: NodeAPI, node: Node, id: string | undefined, board: StatusBoard, t: Translate): CameraAccess {
  const config = findConfig(RED, id);
  if (config) {
    config.register(node, board.session);
  } else {
    board.session({ fill: 'red', shape: 'ring', text: t('status.noCamera') });
  }
  let released = false;

  return {
    config,
    connect: async (signal) => {
      if (!config) throw new MissingCameraError(t('errors.noCamera'));
      return { session: await config.session({ signal }), config };
    },
    release: (removed, done) => {
      if (released || !config) {
        done();
        return;
      }
      released = true;
      config.deregister(node, done, removed);
    },
  };
}
