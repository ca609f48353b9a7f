/**
 * Node status texts (docs/NODES.md "Runtime behaviour") and the per-node status board.
 *
 * A node's status has two layers: the shared session's state, pushed by the config node, and an
 * overlay the node sets itself (an activity such as "recording 12 s", or a failure). The overlay
 * wins while it is there; a failure is dropped as soon as the session state changes or the next
 * input succeeds, so one failed command does not leave a node red for ever.
 */
import type { Node, NodeStatus } from 'node-red';
import type { SessionState } from '../../src/session/camera-session';
import type { Translate } from './i18n';
import { reasonKey } from './errors';

export function sessionStatus(t: Translate, state: SessionState, error?: unknown): NodeStatus {
  switch (state) {
    case 'connecting':
    case 'loggingIn':
      return { fill: 'yellow', shape: 'ring', text: t('status.connecting') };
    case 'reconnecting':
      return { fill: 'yellow', shape: 'ring', text: t('status.reconnecting') };
    case 'ready':
      return { fill: 'green', shape: 'dot', text: t('status.ready') };
    case 'closed':
      return { fill: 'grey', shape: 'ring', text: t('status.stopped') };
    case 'idle':
    default:
      return error === undefined ? { fill: 'grey', shape: 'ring', text: t('status.idle') } : errorStatus(t, error);
  }
}

/** Red ring "error: <short reason>"; the full message goes to the Catch node. */
export function errorStatus(t: Translate, error: unknown): NodeStatus {
  return { fill: 'red', shape: 'ring', text: t('status.error', { reason: t(`status.reason.${reasonKey(error)}`) }) };
}

export function activityStatus(t: Translate, key: string, vars?: Record<string, string | number>): NodeStatus {
  return { fill: 'blue', shape: 'dot', text: t(key, vars) };
}

/** "downloading 45 %", or "downloading" while the size is unknown. */
export function downloadStatus(t: Translate, received: number, total: number | undefined): NodeStatus {
  if (total === undefined || !(total > 0)) return activityStatus(t, 'status.downloadingUnknown');
  const percent = Math.min(100, Math.floor((received / total) * 100));
  return activityStatus(t, 'status.downloading', { percent });
}

type Overlay = { kind: 'activity' | 'failure'; status: NodeStatus };

export class StatusBoard {
  private base: NodeStatus = {};
  private overlay: Overlay | undefined;

  constructor(
    private readonly node: Node,
    private readonly t: Translate,
  ) {}

  /** The session state changed (called by the config node through register()). */
  readonly session = (status: NodeStatus): void => {
    this.base = status;
    if (this.overlay && this.overlay.kind === 'failure') this.overlay = undefined;
    this.render();
  };

  /** Shows an activity over the session state until clear(). */
  show(status: NodeStatus): void {
    this.overlay = { kind: 'activity', status };
    this.render();
  }

  /** Red ring for a failed input, until the session state changes or an input succeeds. */
  fail(error: unknown): void {
    this.overlay = { kind: 'failure', status: errorStatus(this.t, error) };
    this.render();
  }

  /** A failure is shown (activities a node refreshes by itself should not paint over it). */
  get failing(): boolean {
    return this.overlay?.kind === 'failure';
  }

  /** An input succeeded: a failure is no longer news. */
  succeeded(): void {
    if (this.overlay && this.overlay.kind === 'failure') this.clear();
  }

  /** Back to the session state. */
  clear(): void {
    this.overlay = undefined;
    this.render();
  }

  private render(): void {
    this.node.status(this.overlay ? this.overlay.status : this.base);
  }
}

/** onProgress for a download that updates the board only when the shown text changes. */
export function downloadProgress(board: StatusBoard, t: Translate, expectedSize?: number): (received: number, total?: number) => void {
  let shown: string | undefined;
  return (received, total) => {
    const status = downloadStatus(t, received, total ?? (expectedSize && expectedSize > 0 ? expectedSize : undefined));
    if (status.text === shown) return;
    shown = status.text;
    board.show(status);
  };
}
