/**
 * Node status texts (docs/NODES.md "Runtime behaviour") and the per-node status board.
 *
 * A node's status has two layers: the shared session's state, pushed by the config node, and an
 * overlay the node sets itself (an activity such as "recording 12 s", a result such as the name of
 * the last still, or a failure). The overlay wins while it is there; a failure or a result is dropped
 * as soon as the session state changes (and a failure when the next input succeeds), so one failed
 * command does not leave a node red for ever. An activity shown again unchanged (a periodic refresh)
 * is not sent again, so Status nodes hear of its changes only.
 */
import type { Node, NodeStatus } from 'node-red';
import type { SessionState } from '../../src/session/camera-session';
import type { Translate } from './i18n';
import { reasonKey } from './errors';
import { linkFailureStatus, linkStatus } from './link-status';

/** The session's state as a status (nodes/lib/link-status.ts words it). */
export function sessionStatus(t: Translate, state: SessionState, error?: unknown, retryInMs?: number): NodeStatus {
  return linkStatus(t, { state, error, retryInMs });
}

/**
 * Red ring for a failure: a connection failure in the link's own words ("unreachable: connection
 * refused"), anything else as "error: <short reason>"; the full message goes to the Catch node.
 */
export function errorStatus(t: Translate, error: unknown): NodeStatus {
  return linkFailureStatus(t, error) ?? { fill: 'red', shape: 'ring', text: t('status.error', { reason: t(`status.reason.${reasonKey(error)}`) }) };
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

type Overlay = { kind: 'activity' | 'result' | 'failure'; status: NodeStatus };

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
    if (this.overlay && this.overlay.kind !== 'activity') this.overlay = undefined;
    this.render();
  };

  /** The session's status as last pushed (what shows when there is no overlay). */
  get sessionStatus(): NodeStatus {
    return this.base;
  }

  /** Shows the outcome of the last input (e.g. the still's file name) until the session state changes. */
  result(status: NodeStatus): void {
    this.overlay = { kind: 'result', status };
    this.render();
  }

  /** Shows an activity over the session state until clear(). */
  show(status: NodeStatus): void {
    if (this.overlay?.kind === 'activity' && JSON.stringify(this.overlay.status) === JSON.stringify(status)) return;
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

  /** Back to the session state (nothing to send when it shows already). */
  clear(): void {
    if (!this.overlay) return;
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
