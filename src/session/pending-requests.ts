/**
 * Request/reply matching for the control channel (docs/DESIGN.md rule 6, docs/PROTOCOL.md §7 item 6).
 *
 * The protocol has no request ids: a reply is recognised by its type only. So at most one request
 * per reply type is in flight; later ones wait in a FIFO queue and are written only when their turn
 * comes (record start and stop both answer A03B, so they queue). Each request has a deadline
 * counted from add(), an optional AbortSignal, and always cleans up its timer and listener. A reply
 * nobody waits for is handed back as unmatched, so the owner can report it ('unsolicited').
 *
 * Limitation inherent to the protocol: if a request times out and its reply arrives after the next
 * request of the same reply type was written, that late reply answers the newer request.
 */
import { AbortedError, ProtocolError, TimeoutError, type ActionCamError } from '../errors';
import type { ControlMessage } from '../protocol';
import { seconds, typeLabel } from './format';

export interface PendingRequestSpec {
  /** Type of the request, for error messages. */
  requestType: number;
  /** Type of the reply that completes (or continues) it. */
  replyType: number;
  /** Deadline in ms from add(), covering the wait in the queue. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Writes the request; called once, when the request reaches the head of its queue. May throw. */
  send(): void;
  /**
   * Takes each reply of replyType; returns true when the request is complete. Defaults to "the
   * first reply completes it". For multi-part replies (the file list). A throw rejects the request.
   */
  accept?(reply: ControlMessage): boolean;
}

interface Entry {
  spec: PendingRequestSpec;
  resolve(reply: ControlMessage): void;
  reject(err: Error): void;
}

export class PendingRequests {
  /** Queues keyed by reply type; the head of each queue is the request in flight. */
  private readonly queues = new Map<number, Entry[]>();

  /** @param peer names the camera in error messages, e.g. "camera 192.168.100.1:6666". */
  constructor(private readonly peer: string) {}

  /** Requests in flight or queued. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Queues a request; it is sent at once when no other request waits for the same reply type. */
  add(spec: PendingRequestSpec): Promise<ControlMessage> {
    if (spec.signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise<ControlMessage>((resolve, reject) => {
      const { signal } = spec;
      let settled = false;
      const onAbort = (): void => finish(() => reject(new AbortedError()));
      const timer = setTimeout(() => finish(() => reject(this.timeoutError(spec))), Math.max(0, spec.timeoutMs));
      const finish = (how: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.detach(entry);
        how();
      };
      const entry: Entry = {
        spec,
        resolve: (reply) => finish(() => resolve(reply)),
        reject: (err) => finish(() => reject(err)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues.get(spec.replyType);
      if (queue) {
        queue.push(entry);
      } else {
        this.queues.set(spec.replyType, [entry]);
        this.start(entry);
      }
    });
  }

  /** Offers an inbound message; returns false when no request waits for its type. */
  resolve(message: ControlMessage): boolean {
    const head = this.queues.get(message.type)?.[0];
    if (!head) return false;
    let done: boolean;
    try {
      done = head.spec.accept ? head.spec.accept(message) : true;
    } catch (err) {
      head.reject(asError(err));
      return true;
    }
    if (done) head.resolve(message);
    return true;
  }

  /** Rejects every request, in flight or queued (close, lost connection). */
  rejectAll(err: ActionCamError): void {
    const all = [...this.queues.values()].flat();
    // Empty the queues first, so that rejecting a head starts (sends) no successor.
    this.queues.clear();
    for (const entry of all) entry.reject(err);
  }

  /** Takes a settled entry out of its queue; when it was in flight, the next one is sent. */
  private detach(entry: Entry): void {
    const type = entry.spec.replyType;
    const queue = this.queues.get(type);
    const index = queue ? queue.indexOf(entry) : -1;
    if (!queue || index === -1) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(type);
    else if (index === 0) this.start(queue[0]);
  }

  private start(entry: Entry): void {
    try {
      entry.spec.send();
    } catch (err) {
      entry.reject(asError(err));
    }
  }

  private timeoutError(spec: PendingRequestSpec): TimeoutError {
    return new TimeoutError(
      `${this.peer} did not answer ${typeLabel(spec.requestType)} with ${typeLabel(spec.replyType)} within ${seconds(spec.timeoutMs)} s`,
    );
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new ProtocolError(String(err));
}
