/**
 * A UDP receiver on 127.0.0.1 for an RTP port pair (RTP on an even port, RTCP on the next one) that
 * records every datagram, for checking what the relay puts on the wire.
 */
import * as dgram from 'node:dgram';

export interface RtpSink {
  port: number;
  rtp: Buffer[];
  rtcp: Buffer[];
  /** Resolves once `predicate` holds, checked after every datagram. */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

function bind(port: number): Promise<dgram.Socket | undefined> {
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

export async function openRtpSink(): Promise<RtpSink> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtpSocket = await bind(0);
    if (!rtpSocket) continue;
    const port = rtpSocket.address().port;
    const rtcpSocket = port % 2 === 0 ? await bind(port + 1) : undefined;
    if (!rtcpSocket) {
      rtpSocket.close();
      continue;
    }
    const sink: RtpSink = {
      port,
      rtp: [],
      rtcp: [],
      until(predicate) {
        return new Promise((resolve) => {
          const check = (): void => {
            if (!predicate()) return;
            rtpSocket.removeListener('message', check);
            rtcpSocket.removeListener('message', check);
            resolve();
          };
          rtpSocket.on('message', check);
          rtcpSocket.on('message', check);
          check();
        });
      },
      close: () => Promise.all([rtpSocket, rtcpSocket].map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
    };
    // Registered before any `until` listener, so the arrays are up to date when predicates run.
    rtpSocket.prependListener('message', (m: Buffer) => void sink.rtp.push(m));
    rtcpSocket.prependListener('message', (m: Buffer) => void sink.rtcp.push(m));
    return sink;
  }
  throw new Error('no free even/odd UDP port pair on 127.0.0.1');
}
