/**
 * TypedInput properties (`<prop>` + `<prop>Type`) evaluated per message. The callback form of
 * RED.util.evaluateNodeProperty is used so flow/global values in asynchronous context stores work.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';

export function evaluateProperty(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  value: string | undefined,
  type: string | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(value ?? '', type || 'str', node, msg, (err: Error | null, result: unknown) => {
        if (err) reject(err);
        else resolve(result);
      });
    } catch (err) {
      reject(err); // json/bin types throw synchronously even with a callback
    }
  });
}
