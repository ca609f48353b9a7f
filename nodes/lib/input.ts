/**
 * Wraps a node's async input handler: the result is sent on the same msg, every failure goes
 * through failInput once, and no rejection can escape (an unhandled rejection stops Node-RED).
 * Work still running when the node closes is aborted through `closing`, which the handler gets.
 */
import type { Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import { failInput } from './failure';
import type { StatusBoard } from './status';

/** Resolves to the msg to send, or null to send nothing. */
export type InputHandler = (msg: NodeMessageInFlow, signal: AbortSignal) => Promise<NodeMessage | null>;

/** Listens for input until `closing` fires; inputs after that are acknowledged and ignored. */
export function handleInput(node: Node, board: StatusBoard, closing: AbortSignal, handler: InputHandler): void {
  node.on('input', (msg, send, done) => {
    if (closing.aborted) {
      done();
      return;
    }
    let result: Promise<NodeMessage | null>;
    try {
      result = handler(msg, closing);
    } catch (err) {
      failInput(board, done, err);
      return;
    }
    result.then(
      (out) => {
        if (closing.aborted) {
          done(); // closed meanwhile: nothing left to report to
          return;
        }
        board.succeeded();
        if (out) send(out);
        done();
      },
      (err: unknown) => {
        if (closing.aborted) done();
        else failInput(board, done, err);
      },
    );
  });
}
