/**
 * The one error path of every node (docs/NODE-RED.md §1): a failure shows a short red status and
 * reaches a Catch node exactly once.
 * - An input that fails goes to `done(err)` (Node-RED turns that into the Catch-node message; calling
 *   node.error as well would report it twice).
 * - Work a node does by itself, outside an input (the record node's auto-stop, the relay's start on
 *   deploy), goes to `node.error(err, msg)` with the msg it belongs to, or a fresh one: without a msg
 *   Node-RED would only log it and no Catch node would hear of it.
 */
import type { Node, NodeMessage } from 'node-red';
import { toError } from './errors';
import type { StatusBoard } from './status';

/** Red status plus done(err). Call it once per failed input, and nothing else. */
export function failInput(board: StatusBoard, done: (err?: Error) => void, err: unknown): void {
  const error = toError(err);
  board.fail(error);
  done(error);
}

/** Red status plus one Catch-node message for a failure outside an input. */
export function failOutside(node: Node, board: StatusBoard, err: unknown, msg?: NodeMessage): void {
  const error = toError(err);
  board.fail(error);
  node.error(error, msg ?? {});
}
