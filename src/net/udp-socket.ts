/** Small helpers around Node's dgram sockets, shared by the RTP relay, the RTSP server and the preview receiver. */
import type * as dgram from 'dgram';

/** Closes `socket` and resolves once it is closed; a socket that is already closed resolves at once. */
export function closeUdpSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** One send in this many asks for its completion by default: about one a second at a camera's rate. */
export const SEND_PROBE_EVERY = 32;

/**
 * Which UDP sends ask for a completion callback: one in `every`. A callback is a deferred call
 * (process.nextTick) and a pass of the tick queue per datagram, which at a camera's 25 fps costs
 * more than the send: that once-a-frame path never runs often enough for V8 to compile it. Without a
 * callback Node drops a failed send's error, so one send in `every` still asks, which counts
 * failures that only a send reports (ICMP errors arrive as the socket's 'error' anyway) and notices
 * the end of an outage.
 */
export class SendProbe {
  private sends = 0;

  constructor(
    private readonly done: (err: Error | null) => void,
    private readonly every: number = SEND_PROBE_EVERY,
  ) {}

  /** The callback for this send: `done` for one send in `every`, else undefined. */
  next(): ((err: Error | null) => void) | undefined {
    return ++this.sends % this.every === 0 ? this.done : undefined;
  }
}
