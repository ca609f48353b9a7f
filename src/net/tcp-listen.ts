/** Listening on a TCP port, shared by the RTSP server, the CLI's live view and the camera simulator. */
import type * as net from 'net';

/**
 * server.listen as a promise: resolves the bound address (port 0 becomes the port the OS chose),
 * rejects with the error (EADDRINUSE, EACCES, ...) instead of emitting it. What the server emits
 * after that is the caller's to listen for.
 */
export function listenOn(server: net.Server, host: string, port: number): Promise<net.AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve(server.address() as net.AddressInfo);
    });
  });
}
