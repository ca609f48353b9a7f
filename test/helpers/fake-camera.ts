/**
 * A scripted fake camera for session tests: a TCP server on 127.0.0.1, port 0, that does nothing
 * by itself. The test decides every byte it sends (whole messages, split or coalesced chunks,
 * garbage) and reads what the client sent, message by message. No timers: it works under sinon
 * fake timers because it only waits on real socket events.
 */
import * as net from 'net';
import { FrameReader, MessageType, encodeMessage, type ControlMessage } from '../../src/protocol';

export class FakeConnection {
  /** Every message the client sent, in order. */
  readonly received: ControlMessage[] = [];
  private readonly unread: ControlMessage[] = [];
  private readonly reader = new FrameReader();
  private readonly messageWaiters: Array<{ type?: number; resolve(m: ControlMessage): void }> = [];
  private readonly closeWaiters: Array<() => void> = [];
  private isClosed = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // resets from the client are expected in these tests
    socket.on('close', () => {
      this.isClosed = true;
      for (const w of this.closeWaiters.splice(0)) w();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Writes raw bytes, exactly as given. */
  send(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /** Writes one whole control message. */
  sendMessage(type: number, payload?: Buffer): void {
    this.send(encodeMessage(type, payload));
  }

  /** The next message of `type` (any type when omitted) not yet taken by an earlier call. */
  nextMessage(type?: number): Promise<ControlMessage> {
    const index = this.unread.findIndex((m) => type === undefined || m.type === type);
    if (index !== -1) return Promise.resolve(this.unread.splice(index, 1)[0]);
    return new Promise((resolve) => this.messageWaiters.push({ type, resolve }));
  }

  /** How many messages of `type` the client has sent so far. */
  count(type: number): number {
    return this.received.filter((m) => m.type === type).length;
  }

  /** Waits for LOGIN and answers LOGIN_ACCEPT with `length` payload bytes (128 XPro2, 129 SJ4000 Air). */
  async acceptLogin(length = 128): Promise<ControlMessage> {
    const login = await this.nextMessage(MessageType.LOGIN);
    const accept = Buffer.alloc(length);
    login.payload.copy(accept);
    this.sendMessage(MessageType.LOGIN_ACCEPT, accept);
    return login;
  }

  waitClosed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /** Closes from the camera side (FIN). */
  end(): void {
    this.socket.end();
  }

  /** Resets from the camera side. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const message of this.reader.push(chunk).messages) {
      this.received.push(message);
      const waiter = this.messageWaiters.findIndex((w) => w.type === undefined || w.type === message.type);
      if (waiter === -1) this.unread.push(message);
      else this.messageWaiters.splice(waiter, 1)[0].resolve(message);
    }
  }
}

export class FakeCamera {
  /** Every accepted connection, in order. */
  readonly connections: FakeConnection[] = [];
  private taken = 0;
  private readonly connectionWaiters: Array<(c: FakeConnection) => void> = [];

  private constructor(private readonly server: net.Server) {
    server.on('connection', (socket) => {
      const conn = new FakeConnection(socket);
      this.connections.push(conn);
      const waiter = this.connectionWaiters.shift();
      if (waiter) {
        this.taken++;
        waiter(conn);
      }
    });
  }

  static async start(): Promise<FakeCamera> {
    const server = net.createServer();
    const camera = new FakeCamera(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return camera;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('fake camera is not listening');
    return address.port;
  }

  /** The next connection not yet returned by an earlier call (waits for it). */
  nextConnection(): Promise<FakeConnection> {
    if (this.taken < this.connections.length) return Promise.resolve(this.connections[this.taken++]);
    return new Promise((resolve) => this.connectionWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 where nothing listens (bound once, then released): connecting is refused. */
export { closedTcpPort as closedPort } from './ports';
