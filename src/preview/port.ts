/**
 * One UDP socket per preview port for the whole process, shared by every camera that sends to it.
 *
 * Every camera streams its preview to the same fixed port (6669) of the host that logged in
 * (docs/PROTOCOL.md §1, §4), so two cameras on one Node-RED cannot each bind the port: the first
 * receiver to open a port binds it, later ones join it, and the socket closes when the last one
 * leaves. Datagrams are routed by source address to the receiver of that camera; a datagram from
 * an address no receiver claims is counted and dropped. A receiver may claim every address nobody
 * else claims (a wildcard: a receiver told no camera address, as in tests and benchmarks).
 *
 * Port 0 (any free port) is never shared: each open gets a socket of its own.
 */
import * as dgram from 'dgram';
import { AbortedError, BadInputError, ConnectionClosedError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { closeUdpSocket } from '../net/udp-socket';

/** Kernel receive buffer asked for: an IDR arrives as a burst of datagrams (best effort, the OS may cap it). */
const RECEIVE_BUFFER_BYTES = 1024 * 1024;

/** Where the datagrams of one camera go. */
export type DatagramHandler = (datagram: Buffer, sourcePort: number) => void;

export interface OpenPortOptions {
  host: string;
  port: number;
  /** The camera's addresses (IPv4-mapped IPv6 unwrapped); undefined = every address no one else claims. */
  addresses: ReadonlySet<string> | undefined;
  onDatagram: DatagramHandler;
  signal?: AbortSignal;
  logger?: Logger;
  /** Socket factory; injectable for tests. */
  createSocket?: (type: 'udp4' | 'udp6') => dgram.Socket;
}

/** A receiver's place on a shared port. */
export interface PortMembership {
  /** The bound local address and port. */
  readonly local: { address: string; port: number };
  /** Datagrams on this port from addresses no receiver claims, since this membership began. */
  readonly foreign: number;
  /** Leaves the port; the last member closes the socket. Idempotent. */
  leave(): Promise<void>;
}

/** One bound socket and the receivers routed from it. */
class SharedPort {
  private readonly routes = new Map<string, DatagramHandler>();
  private wildcard: DatagramHandler | undefined;
  private members = 0;
  /** Datagrams from unclaimed addresses since the socket was bound. */
  foreign = 0;
  private foreignLogged = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly socket: dgram.Socket,
    readonly local: { address: string; port: number },
    private readonly logger: Logger,
    private readonly onEmpty: () => void,
  ) {
    socket.on('message', (datagram, rinfo) => this.route(datagram, rinfo));
  }

  join(addresses: ReadonlySet<string> | undefined, handler: DatagramHandler): PortMembership {
    if (addresses === undefined) {
      if (this.wildcard) throw new BadInputError(`UDP port ${this.local.port} already has a receiver for every camera address`);
      this.wildcard = handler;
    } else {
      for (const address of addresses) {
        if (this.routes.has(address)) {
          throw new BadInputError(
            `the preview of camera ${address} is already received on UDP port ${this.local.port}: use one camera (config) node per camera`,
          );
        }
      }
      for (const address of addresses) this.routes.set(address, handler);
    }
    this.members++;
    const foreignAtJoin = this.foreign;
    let left: Promise<void> | undefined;
    const port = this;
    return {
      local: this.local,
      get foreign(): number {
        return port.foreign - foreignAtJoin;
      },
      leave: () => {
        left ??= this.leave(addresses, handler);
        return left;
      },
    };
  }

  private leave(addresses: ReadonlySet<string> | undefined, handler: DatagramHandler): Promise<void> {
    if (addresses === undefined) {
      if (this.wildcard === handler) this.wildcard = undefined;
    } else {
      for (const address of addresses) if (this.routes.get(address) === handler) this.routes.delete(address);
    }
    this.members--;
    if (this.members > 0) return Promise.resolve();
    this.onEmpty();
    this.closing ??= closeUdpSocket(this.socket);
    return this.closing;
  }

  private route(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    let address = rinfo.address;
    if (address.startsWith('::ffff:')) address = address.slice(7);
    const handler = this.routes.get(address) ?? this.wildcard;
    if (handler) {
      handler(datagram, rinfo.port);
      return;
    }
    this.foreign++;
    if (this.foreignLogged < FOREIGN_LOG_LIMIT) {
      this.foreignLogged++;
      const last = this.foreignLogged === FOREIGN_LOG_LIMIT ? ' (further ones are only counted)' : '';
      this.logger.debug(`preview: ignored a datagram from ${rinfo.address}:${rinfo.port} on UDP port ${this.local.port}: no camera there${last}`);
    }
  }
}

/** Foreign datagrams logged (debug) per port before the log goes quiet; the counter keeps counting. */
const FOREIGN_LOG_LIMIT = 16;

/**
 * The process's preview ports. `PreviewPorts.shared` is the one every receiver uses unless given
 * another (tests may use a registry of their own).
 */
export class PreviewPorts {
  static readonly shared = new PreviewPorts();
  private readonly ports = new Map<string, SharedPort>();
  private readonly binding = new Map<string, Promise<SharedPort>>();
  private nextPrivate = 0;

  /** Ports bound right now (for tests and diagnostics). */
  get size(): number {
    return this.ports.size;
  }

  /** Joins (binding first if needed) the port `host:port` for the given camera addresses. */
  async open(options: OpenPortOptions): Promise<PortMembership> {
    if (options.signal?.aborted) throw new AbortedError();
    const key = options.port === 0 ? `private:${this.nextPrivate++}` : `${options.host}|${options.port}`;
    let port = this.ports.get(key);
    if (!port) {
      let pending = this.binding.get(key);
      if (!pending) {
        pending = this.bind(key, options).finally(() => this.binding.delete(key));
        this.binding.set(key, pending);
      }
      port = await pending;
    }
    if (options.signal?.aborted) throw new AbortedError();
    const membership = port.join(options.addresses, options.onDatagram);
    return membership;
  }

  private async bind(key: string, options: OpenPortOptions): Promise<SharedPort> {
    const { host, port } = options;
    const logger = options.logger ?? silentLogger;
    const type = host.includes(':') ? 'udp6' : 'udp4';
    const socket = options.createSocket ? options.createSocket(type) : dgram.createSocket({ type });
    try {
      await bindSocket(socket, host, port, options.signal);
    } catch (err) {
      closeQuietly(socket);
      if (err instanceof AbortedError || err instanceof ConnectionClosedError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? ' (another program uses it: stop it or choose another port)' : '';
      throw new BadInputError(`cannot listen for the camera preview on UDP ${host}:${port}: ${(err as Error).message}${hint}`);
    }
    socket.on('error', (err) => logger.warn(`preview socket error: ${err.message}`));
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch (err) {
      logger.debug(`preview: could not enlarge the receive buffer: ${(err as Error).message}`);
    }
    const local = socket.address();
    logger.debug(`preview: listening on UDP ${local.address}:${local.port}`);
    const shared = new SharedPort(key, socket, { address: local.address, port: local.port }, logger, () => {
      if (this.ports.get(key) === shared) this.ports.delete(key);
    });
    this.ports.set(key, shared);
    return shared;
  }
}

/** socket.bind as a promise that rejects (instead of emitting 'error') on EADDRINUSE and friends. */
function bindSocket(socket: dgram.Socket, host: string, port: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onError = (err: Error): void => done(err);
    const onAbort = (): void => done(new AbortedError());
    const onClose = (): void => done(new ConnectionClosedError('the preview socket was closed while binding'));
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.bind(port, host, () => done());
  });
}

function closeQuietly(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch {
    // not bound or already closed
  }
}
