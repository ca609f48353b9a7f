/**
 * The server's one RTP/RTCP UDP socket pair, shared by every UDP client (RFC 2326 §12.39
 * server_port; RFC 3550 §11: RTP on an even port, RTCP on the next one). Every client's packets
 * leave from these two ports, which is what the SETUP reply announces, and every datagram arriving
 * on them (RTCP receiver reports, NAT punch packets) counts as liveness of the client it comes from.
 */
import { BadInputError, InvalidStateError } from '../errors';
import * as dgram from 'dgram';
import type { AddressInfo } from 'net';
import type { Logger } from '../logger';
import { closeUdpSocket, SendProbe } from '../net/udp-socket';
import type { PortPair } from './headers';
import type { MediaSink } from './client-stream';

/** Ephemeral binds tried before giving up on finding a free even/odd pair. */
const PAIR_ATTEMPTS = 20;

export interface UdpTransportOptions {
  host: string;
  /** The RTP port (RTCP is port + 1); 0 = an ephemeral pair. */
  rtpPort: number;
  logger: Logger;
  /** A datagram arrived from `address:port` on the RTP (`rtcp` false) or RTCP socket. */
  onDatagram: (address: string, port: number, rtcp: boolean, data: Buffer) => void;
}

export class UdpTransport {
  private readonly options: UdpTransportOptions;
  private rtp: dgram.Socket | undefined;
  private rtcp: dgram.Socket | undefined;
  private sendErrors = 0;

  constructor(options: UdpTransportOptions) {
    this.options = options;
  }

  /** The bound [rtp, rtcp] ports; throws before open() resolved. */
  get ports(): PortPair {
    if (!this.rtp || !this.rtcp) throw new InvalidStateError('UDP transport is not open');
    return [(this.rtp.address() as AddressInfo).port, (this.rtcp.address() as AddressInfo).port];
  }

  /** Binds the pair. A fixed port must be free together with its successor; an ephemeral pair is retried. */
  async open(): Promise<PortPair> {
    const type = this.options.host.includes(':') ? 'udp6' : 'udp4';
    const fixed = this.options.rtpPort !== 0;
    for (let attempt = 0; attempt < (fixed ? 1 : PAIR_ATTEMPTS); attempt++) {
      const rtp = await bind(type, this.options.host, this.options.rtpPort, this.options.logger);
      const port = (rtp.address() as AddressInfo).port;
      if (!fixed && port % 2 !== 0) {
        await closeUdpSocket(rtp);
        continue;
      }
      let rtcp: dgram.Socket;
      try {
        rtcp = await bind(type, this.options.host, port + 1, this.options.logger);
      } catch (err) {
        await closeUdpSocket(rtp);
        if (fixed) throw err;
        continue;
      }
      this.rtp = this.watch(rtp, false);
      this.rtcp = this.watch(rtcp, true);
      return this.ports;
    }
    throw new BadInputError(`no free RTP/RTCP UDP port pair on ${this.options.host} after ${PAIR_ATTEMPTS} attempts: set a fixed rtpPort`);
  }

  /** Sends one access unit's packets; one send in SEND_PROBE_EVERY asks for its completion (SendProbe). */
  sendRtp(packets: readonly Buffer[], address: string, port: number): void {
    const socket = this.rtp;
    if (!socket) return;
    for (let i = 0; i < packets.length; i++) socket.send(packets[i], port, address, this.probe.next());
  }

  sendRtcp(packet: Buffer, address: string, port: number): void {
    this.rtcp?.send(packet, port, address, this.probe.next());
  }

  /** A sink that sends one client's media to `address` at its client_port pair. */
  sink(address: string, clientPorts: PortPair): MediaSink {
    return {
      kind: 'udp',
      sendRtp: (packets) => this.sendRtp(packets, address, clientPorts[0]),
      sendRtcp: (packet) => this.sendRtcp(packet, address, clientPorts[1]),
      backlogBytes: () => 0,
    };
  }

  /** Closes both sockets. Idempotent. */
  async close(): Promise<void> {
    const sockets = [this.rtp, this.rtcp];
    this.rtp = undefined;
    this.rtcp = undefined;
    await Promise.all(sockets.map((s) => (s ? closeUdpSocket(s) : Promise.resolve())));
  }

  /** Failures the probed sends report: the first logged, then every 1000th (a vanished client must not flood the log). */
  private readonly probe = new SendProbe((err) => {
    if (err && this.sendErrors++ % 1000 === 0) this.options.logger.debug(`rtsp: UDP send failed: ${err.message}`);
  });

  private watch(socket: dgram.Socket, rtcp: boolean): dgram.Socket {
    socket.on('message', (data, rinfo) => this.options.onDatagram(rinfo.address, rinfo.port, rtcp, data));
    return socket;
  }
}

function bind(type: 'udp4' | 'udp6', host: string, port: number, logger: Logger): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type, reuseAddr: false });
    const onError = (err: Error): void => {
      void closeUdpSocket(socket);
      reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.removeListener('error', onError);
      // Late errors (ICMP-triggered on some platforms) must never become an uncaught 'error' event.
      socket.on('error', (err) => logger.debug(`rtsp: UDP socket error: ${err.message}`));
      resolve(socket);
    });
  });
}
