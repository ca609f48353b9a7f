/**
 * Loopback ports for tests: one that nothing listens on, and UDP ports to hand to another program
 * (the CLI, a simulator) that must bind them itself. Everything on 127.0.0.1.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on (bound, read, released); also a free one to listen on. */
export async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A UDP port on 127.0.0.1 held by us until release(): nothing else (a simulator binding its own
 * sockets meanwhile) can be given it, so it is still free when the program it is meant for binds it.
 */
export async function reserveUdpPort(): Promise<{ port: number; release(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { port, release: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** A UDP port on 127.0.0.1 that is free right now (for a preview port both sides must agree on). */
export async function freeUdpPort(): Promise<number> {
  const reserved = await reserveUdpPort();
  await reserved.release();
  return reserved.port;
}
