/**
 * The wiring every camera action node shares: translator, status board, camera access, the
 * wrapped input handler, and a close handler that aborts work in flight, runs the node's own
 * clean-up (timers) and leaves the config node.
 *
 * A node with editor settings to check (timeouts, durations) passes `settings`: it runs first, and
 * when it throws, the node is misconfigured: a red status and one error in the log at deploy, every
 * input fails with that error (Catch once), and no camera link is opened for it. Never a crash.
 */
import type { Node, NodeAPI } from 'node-red';
import { useCamera } from './camera-access';
import type { CameraAccess } from './camera-access';
import { toError } from './errors';
import { createTranslator } from './i18n';
import type { Translate } from './i18n';
import { handleInput } from './input';
import type { InputHandler } from './input';
import { StatusBoard } from './status';
import type { CameraNodeDef } from './types';

export interface CameraNodeKit {
  readonly t: Translate;
  readonly board: StatusBoard;
  readonly camera: CameraAccess;
  /** Aborts when the node closes: for work the node starts outside an input (auto-stop). */
  readonly closing: AbortSignal;
}

export interface CameraNodeParts {
  input: InputHandler;
  /**
   * Clean-up on close (clear timers, last words to the camera); runs before the node leaves the
   * config node. Must settle well within Node-RED's 15 s close limit and never reject.
   */
  close?: () => void | Promise<void>;
}

export function setupCameraNode<S = undefined>(
  RED: NodeAPI,
  node: Node,
  def: CameraNodeDef,
  build: (kit: CameraNodeKit, settings: NoInfer<S>) => CameraNodeParts,
  settings?: (t: Translate) => S,
): CameraNodeKit {
  const t = createTranslator(RED);
  const board = new StatusBoard(node, t);
  const closer = new AbortController();
  let checked: S;
  try {
    checked = settings ? settings(t) : (undefined as S);
  } catch (err) {
    return misconfigured(node, { t, board, closer }, toError(err));
  }
  const camera = useCamera(RED, node, def.camera, board, t);
  const kit: CameraNodeKit = { t, board, camera, closing: closer.signal };
  const parts = build(kit, checked);
  handleInput(node, board, closer.signal, parts.input);

  node.on('close', (removed: boolean, done: () => void) => {
    closer.abort();
    void Promise.resolve()
      .then(() => parts.close?.())
      .catch((err: unknown) => node.warn(toError(err).message))
      .then(() => camera.release(removed, done));
  });
  return kit;
}

/** A node whose settings cannot work: red status and the error logged now; each input fails with it. */
function misconfigured(node: Node, parts: { t: Translate; board: StatusBoard; closer: AbortController }, error: Error): CameraNodeKit {
  const { t, board, closer } = parts;
  board.fail(error);
  node.error(error);
  handleInput(node, board, closer.signal, () => Promise.reject(error));
  const camera: CameraAccess = {
    config: undefined,
    connect: () => Promise.reject(error),
    release: (_removed, done) => done(),
  };
  node.on('close', (_removed: boolean, done: () => void) => {
    closer.abort();
    done();
  });
  return { t, board, camera, closing: closer.signal };
}
