/**
 * A UDP receiver on 127.0.0.1 for an RTP port pair (RTP on an even port, RTCP on the next one) that
 * records every datagram, for checking what the relay puts on the wire.
 */
import { bindLoopbackUdpPair } from './udp';

export interface RtpSink {
  port: number;
  rtp: Buffer[];
  rtcp: Buffer[];
  /** Resolves once `predicate` holds, checked after every datagram. */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function openRtpSink(): Promise<RtpSink> {
  const [rtpSocket, rtcpSocket] = await bindLoopbackUdpPair();
  const port = rtpSocket.address().port;
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
