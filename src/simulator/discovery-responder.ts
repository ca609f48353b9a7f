/**
 * Answers discovery probes (docs/PROTOCOL.md §3) on each configured UDP port: a DISCOVERY_REQUEST (0114)
 * gets a DISCOVERY_RESPONSE (0115) sent back to the request's source address and port.
 *
 * The real reply payload has never been decoded, so this layout is invented, chosen to exercise a
 * tolerant parser: a 32-byte NUL-padded printable serial followed by binary bytes (a made-up MAC
 * and the control port, u16 LE).
 */
import * as dgram from 'dgram';
import * as net from 'net';
import type { Logger } from '../logger';
import { MessageType, encodeMessage, isDiscoveryRequest, toHex } from '../protocol';

const SERIAL_FIELD = 32;
/** Locally administered MAC prefix (bit 1 of the first byte set): never a real vendor's. */
const MAC_PREFIX = [0x02, 0xac, 0x7c];

export class DiscoveryResponder {
  private readonly sockets: dgram.Socket[] = [];

  constructor(
    private readonly serial: string,
    private readonly counters: { discoveryReplies: number },
    private readonly logger: Logger,
  ) {}

  /** The reply datagram for a simulator whose control port is `controlPort`. */
  static replyFor(serial: string, controlPort: number): Buffer {
    const payload = Buffer.alloc(SERIAL_FIELD + 6 + 2);
    payload.write(serial.slice(0, SERIAL_FIELD - 1), 0, 'ascii');
    Buffer.from(MAC_PREFIX).copy(payload, SERIAL_FIELD);
    // The serial's hex tail (if it has one) doubles as the MAC's device part, like real hardware.
    Buffer.from(serial.slice(-6), 'hex').subarray(0, 3).copy(payload, SERIAL_FIELD + MAC_PREFIX.length);
    payload.writeUInt16LE(controlPort & 0xffff, SERIAL_FIELD + 6);
    return encodeMessage(MessageType.DISCOVERY_RESPONSE, payload);
  }

  /** Binds one socket per port on `host` (0 = ephemeral) and resolves the real ports. */
  async start(host: string, ports: readonly number[], controlPort: number): Promise<number[]> {
    const reply = DiscoveryResponder.replyFor(this.serial, controlPort);
    const bound: number[] = [];
    for (const port of ports) {
      const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      this.sockets.push(socket);
      socket.on('error', (err) => this.logger.warn(`sim: discovery socket error: ${err.message}`));
      socket.on('message', (msg, rinfo) => {
        if (!isDiscoveryRequest(msg)) {
          this.logger.debug(`sim: discovery port got a non-request from ${rinfo.address}:${rinfo.port}: ${toHex(msg)}`);
          return;
        }
        this.counters.discoveryReplies++;
        socket.send(reply, rinfo.port, rinfo.address, (err) => {
          if (err) this.logger.debug(`sim: discovery reply to ${rinfo.address}:${rinfo.port} failed: ${err.message}`);
        });
      });
      bound.push(await bindSocket(socket, host, port));
    }
    return bound;
  }

  /** Closes every socket; idempotent. */
  stop(): void {
    for (const socket of this.sockets.splice(0)) {
      try {
        socket.close();
      } catch {
        // already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to release
      }
    }
  }
}

/** socket.bind as a promise; rejects (instead of emitting) on EADDRINUSE and friends. */
export function bindSocket(socket: dgram.Socket, host: string | undefined, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.removeListener('error', onError);
      resolve(socket.address().port);
    });
  });
}
