/**
 * Loopback UDP sockets for tests and benchmarks: one socket bound on 127.0.0.1, and an even/odd
 * RTP/RTCP port pair (RFC 3550 §11). Binding failures (a port in use) resolve to undefined so
 * callers can try another port; a bound socket keeps an 'error' listener.
 */
import * as dgram from 'node:dgram';

/** Attempts before giving up on a free pair; the kernel hands out odd ports about half the time. */
const PAIR_ATTEMPTS = 50;

export function bindLoopbackUdp(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Two bound sockets: RTP on an even port, RTCP on the next one. */
export async function bindLoopbackUdpPair(): Promise<[dgram.Socket, dgram.Socket]> {
  for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
    const rtp = await bindLoopbackUdp(0);
    const port = rtp?.address().port;
    if (rtp && port !== undefined && port % 2 === 0 && port < 65535) {
      const rtcp = await bindLoopbackUdp(port + 1);
      if (rtcp) return [rtp, rtcp];
    }
    rtp?.close();
  }
  throw new Error(`no free even/odd UDP port pair on 127.0.0.1 after ${PAIR_ATTEMPTS} attempts`);
}
