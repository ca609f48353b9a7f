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
