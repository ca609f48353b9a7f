/**
 * A raw protocol client for simulator tests: a TCP socket, a FrameReader, and "wait for the next
 * message of this type" with a timeout. No session logic, so the tests see the exact wire order.
 */
import * as net from 'net';
import { FrameReader, MessageType, encodeLoginPayload, encodeMessage } from '../../src/protocol';
import type { ControlMessage } from '../../src/protocol';

export class RawClient {
  /** Every message received, in arrival order. */
  readonly received: ControlMessage[] = [];
  /** Types of every message received, never consumed (for order assertions). */
  readonly types: number[] = [];
  /** Every non-frame byte run the reader skipped. */
  readonly skipped: Buffer[] = [];
  private readonly reader = new FrameReader();
  private waiters: Array<() => void> = [];
  private closedFlag = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      const { messages, skipped } = this.reader.push(chunk);
      this.received.push(...messages);
      this.types.push(...messages.map((m) => m.type));
      this.skipped.push(...skipped);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(type: number, payload?: Buffer): void {
    this.socket.write(encodeMessage(type, payload));
  }

  login(username = 'admin', password = '12345'): void {
    this.send(MessageType.LOGIN, encodeLoginPayload(username, password));
  }

  /** Logs in the vendor way (answers the camera's 0112) and resolves the accept. */
  async loginAndWait(): Promise<ControlMessage> {
    this.login();
    await this.next(MessageType.ALIVE_REQUEST);
    this.send(MessageType.ALIVE_RESPONSE);
    return this.next(MessageType.LOGIN_ACCEPT);
  }

  /** Resolves the first not-yet-consumed message of `type` (consuming it and everything before it). */
  next(type: number, timeoutMs = 3000): Promise<ControlMessage> {
    return this.waitFor(() => {
      const i = this.received.findIndex((m) => m.type === type);
      return i === -1 ? undefined : this.received.splice(0, i + 1)[i];
    }, timeoutMs, `message 0x${type.toString(16)}`);
  }

  /** Resolves once the server has closed the connection. */
  whenClosed(timeoutMs = 3000): Promise<true> {
    return this.waitFor(() => (this.closedFlag ? true : undefined), timeoutMs, 'close');
  }

  /** Resolves true if no message of `type` arrives within `ms`. */
  async noneWithin(type: number, ms: number): Promise<boolean> {
    try {
      await this.next(type, ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = (): void => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
