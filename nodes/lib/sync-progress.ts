/**
 * The list-files node's status while it mirrors the card: "syncing 3/12 · 45 %" (file 3 of the 12
 * to download, 45 % of their bytes), redrawn only when the text changes.
 */
import type { SyncProgress } from '../../src/http/sync';
import type { Translate } from './i18n';
import { activityStatus } from './status';
import type { StatusBoard } from './status';

export function syncProgress(board: StatusBoard, t: Translate): (p: SyncProgress) => void {
  let shown: string | undefined;
  return (p) => {
    const status = activityStatus(t, 'status.syncing', { index: p.index, count: p.count, percent: p.percent });
    if (status.text === shown) return;
    shown = status.text;
    board.show(status);
  };
}
