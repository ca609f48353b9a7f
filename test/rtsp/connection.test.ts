/**
 * RtspConnection over a fake socket whose writes are flushed only when the test says so: one request
 * in flight (issue 10 finding 2: a client that pipelines requests and never reads made the server
 * buffer every reply), and the request and idle deadlines the server's tick asks about (finding 3).
 */
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { silentLogger } from '../../src/logger';
import { RtspConnection, type ConnectionHandler } from '../../src/rtsp/connection';
import type { RtspRequest, RtspResponse } from '../../src/rtsp/message';

/** The part of net.Socket a connection uses. A write stays unflushed until flush(). */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly localAddress = '127.0.0.1';
  destroyed = false;
  writable = true;
  paused = false;
  readonly written: Buffer[] = [];
  private readonly callbacks: Array<() => void> = [];

  get writableLength(): number {
    return this.written.slice(this.written.length - this.callbacks.length).reduce((n, b) => n + b.length, 0);
  }

  setNoDelay(): this {
    return this;
  }

  write(data: Buffer, callback?: () => void): boolean {
    this.written.push(data);
    this.callbacks.push(callback ?? (() => undefined));
    return false;
  }

  /** The kernel took the oldest unflushed write. */
  flush(): void {
    this.callbacks.shift()?.();
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    return this;
  }

  end(): this {
    this.writable = false;
    return this;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.writable = false;
      process.nextTick(() => this.emit('close'));
    }
    return this;
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function open(options: { status?: number; requestTimeoutMs?: number; idleTimeoutMs?: number } = {}) {
  const socket = new FakeSocket();
  const handled: RtspRequest[] = [];
  let clock = 1_000_000;
  const handler: ConnectionHandler = {
    handleRequest: async (_conn, request): Promise<RtspResponse> => {
      handled.push(request);
      return { status: options.status ?? 200, headers: [] };
    },
    handleInterleaved: () => undefined,
    handleActivity: () => undefined,
    handleClose: () => undefined,
  };
  const conn = new RtspConnection(socket as unknown as Socket, {
    id: 1,
    handler,
    logger: silentLogger,
    serverName: 'test',
    lingerMs: 1000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    now: () => clock,
  });
  return {
    socket,
    handled,
    conn,
    advance: (ms: number): number => (clock += ms),
    now: (): number => clock,
  };
}

function pipelined(method: string, count: number): Buffer {
  let text = '';
  for (let i = 1; i <= count; i++) text += `${method} rtsp://127.0.0.1:8554/live RTSP/1.0\r\nCSeq: ${i}\r\n\r\n`;
  return Buffer.from(text);
}

describe('rtsp/connection', () => {
  for (const [what, status] of [['200 replies', 200], ['401 replies (Digest on)', 401]] as const) {
    it(`a client that pipelines requests and never reads holds one unflushed reply at a time (${what})`, async () => {
      const { socket, handled } = open({ status });
      const count = 1000;
      socket.emit('data', pipelined('DESCRIBE', count));
      await settle();
      assert.equal(handled.length, 1, 'only the first request is answered until its reply is flushed');
      assert.equal(socket.written.length, 1, 'one reply written');
      assert.ok(socket.paused, 'the socket stops reading meanwhile');
      socket.emit('data', pipelined('OPTIONS', 10)); // already on its way when the socket paused
      await settle();
      assert.equal(handled.length, 1, 'bytes that arrive while answering are only buffered');
      for (let i = 2; i <= count + 10; i++) {
        socket.flush();
        await settle();
        assert.equal(handled.length, i, `request ${i} follows the flush of reply ${i - 1}`);
        assert.equal(socket.written.length, i);
      }
      socket.flush();
      await settle();
      assert.ok(!socket.paused, 'reading again once everything is answered');
      const cseqs = socket.written.map((b) => /CSeq: (\d+)/.exec(b.toString('latin1'))?.[1]);
      assert.deepEqual(cseqs.slice(0, 3), ['1', '2', '3']);
      assert.ok(socket.written.every((b) => b.toString('latin1').startsWith(`RTSP/1.0 ${status} `)));
    });
  }

  it('answers interleaved frames without waiting and a malformed request like any other, in order', async () => {
    const { socket, handled } = open();
    const frame = Buffer.from([0x24, 1, 0, 4, 1, 2, 3, 4]);
    socket.emit('data', Buffer.concat([frame, Buffer.from('GARBAGE\r\nCSeq: 1\r\n\r\n'), frame, pipelined('OPTIONS', 1)]));
    await settle();
    assert.equal(socket.written.length, 1);
    assert.match(socket.written[0].toString('latin1'), /^RTSP\/1\.0 400 /);
    socket.flush();
    await settle();
    assert.equal(handled.length, 1);
    assert.match(socket.written[1].toString('latin1'), /^RTSP\/1\.0 200 /);
  });

  it('is overdue when a request stays incomplete past the request deadline, however busy the trickle', async () => {
    const { socket, conn, advance, now } = open({ requestTimeoutMs: 10_000 });
    const head = 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n';
    for (const byte of head) {
      socket.emit('data', Buffer.from(byte)); // one byte a second: slowloris
      advance(1000);
      if (now() - 1_000_000 <= 10_000) assert.equal(conn.overdue(now(), true), undefined);
    }
    assert.match(conn.overdue(now(), true) ?? '', /request incomplete/);
  });

  it('is idle without a session when no request completes, whatever else arrives', async () => {
    const { socket, conn, advance, now } = open({ idleTimeoutMs: 60_000, requestTimeoutMs: 10_000 });
    socket.emit('data', pipelined('OPTIONS', 1));
    await settle();
    socket.flush();
    await settle();
    for (let i = 0; i < 7; i++) {
      advance(10_000);
      socket.emit('data', Buffer.from([0x24, 1, 0, 0])); // an empty interleaved frame: complete, but no request
    }
    assert.match(conn.overdue(now(), false) ?? '', /idle/);
    assert.equal(conn.overdue(now(), true), undefined, 'a connection with a session is kept by its session');
    socket.emit('data', pipelined('OPTIONS', 1));
    await settle();
    socket.flush();
    await settle();
    assert.equal(conn.overdue(now(), false), undefined, 'a request makes it busy again');
  });
});
