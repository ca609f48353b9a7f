/**
 * The simulated camera's TCP control listener: accepts clients (or turns a second one away when the
 * rejectSecondClient fault is on), keeps the set of live ControlClients, and tears them down on
 * close.
 */
import * as net from 'net';
import type { ClientHooks } from './control-client';
import { ControlClient } from './control-client';
import { listenOn } from '../net/tcp-listen';

export class ControlServer {
  private readonly server: net.Server;
  private readonly clients = new Set<ControlClient>();

  constructor(
    private readonly hooks: ClientHooks,
    private readonly onClient: (client: ControlClient) => void,
  ) {
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on('error', (err) => hooks.options.logger.warn(`sim: control server error: ${err.message}`));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get all(): ControlClient[] {
    return [...this.clients];
  }

  /** Listens on host:port and resolves the real port. */
  async listen(host: string, port: number): Promise<number> {
    return (await listenOn(this.server, host, port)).port;
  }

  /** Destroys every client connection at once; each client's timers and stream stop synchronously. */
  dropConnections(): void {
    for (const client of [...this.clients]) client.destroy();
  }

  /** Stops listening and destroys every client; resolves once the listener is closed. Idempotent. */
  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private onConnection(socket: net.Socket): void {
    const { faults, options } = this.hooks;
    if (faults.rejectSecondClient && this.clients.size > 0) {
      options.logger.info(`sim: rejectSecondClient fault: closing connection from ${socket.remoteAddress}:${socket.remotePort}`);
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const client = new ControlClient(socket, {
      ...this.hooks,
      onClose: (c) => {
        this.clients.delete(c);
        this.hooks.onClose(c);
      },
    });
    this.clients.add(client);
    this.onClient(client);
  }
}
