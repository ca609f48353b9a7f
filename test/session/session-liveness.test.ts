/**
 * CameraSession keep-alive, watchdog, reconnect and back-off against the scripted fake camera,
 * with fake timers (real sockets on 127.0.0.1).
 */
import assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import { ConnectionClosedError, LoginRejectedError, TimeoutError, UnreachableError } from '../../src/errors';
import { MessageType } from '../../src/protocol';
import { CameraSession, type CameraSessionOptions } from '../../src/session';
import { FakeCamera, closedPort } from '../helpers/fake-camera';
import { advance, flushIo, openSession, recordStates, useFakeTimers, waitFor, waitForState } from './util';

const T = MessageType;

describe('session/CameraSession liveness and reconnect (fake camera, fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];

  beforeEach(async () => {
    clock = useFakeTimers();
    camera = await FakeCamera.start();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    clock.restore();
    await camera.close();
  });

  async function open(options: Partial<CameraSessionOptions> = {}): ReturnType<typeof openSession> {
    const opened = await openSession(camera, { reconnect: true, random: () => 0, ...options });
    sessions.push(opened.session);
    return opened;
  }

  function session(options: Partial<CameraSessionOptions> = {}): CameraSession {
    const s = new CameraSession({ host: camera.host, port: camera.port, reconnect: true, random: () => 0, ...options });
    sessions.push(s);
    return s;
  }

  it('sends its own alive request every keepAliveIntervalMs and stays up while the camera answers', async () => {
    const { session: s, conn } = await open();
    clock.tick(4999);
    await flushIo();
    assert.equal(conn.count(T.ALIVE_REQUEST), 0);
    for (let i = 1; i <= 8; i++) {
      clock.tick(i === 1 ? 1 : 5000);
      await conn.nextMessage(T.ALIVE_REQUEST);
      conn.sendMessage(T.ALIVE_RESPONSE);
      await flushIo();
    }
    assert.equal(conn.count(T.ALIVE_REQUEST), 8);
    assert.equal(s.state, 'ready');
    assert.equal(camera.connections.length, 1);
  });

  it("answers the camera's alive requests at once while ready, and they count as traffic", async () => {
    const { session: s, conn } = await open({ keepAliveIntervalMs: 60000, deadAfterMs: 15000 });
    for (let i = 0; i < 4; i++) {
      clock.tick(10000);
      conn.sendMessage(T.ALIVE_REQUEST);
      await conn.nextMessage(T.ALIVE_RESPONSE);
    }
    assert.equal(s.state, 'ready');
  });

  it('declares a silent link dead after deadAfterMs, reconnects, logs in again and re-sends START_PREVIEW', async () => {
    const { session: s, conn } = await open();
    const states = recordStates(s);
    s.startPreview();
    const preview = await conn.nextMessage(T.START_PREVIEW);
    assert.deepEqual(preview.payload, Buffer.alloc(8));
    let lostError: unknown;
    s.on('state', (state, _previous, error) => {
      if (state === 'reconnecting') lostError = error;
    });
    await advance(clock, s, 14900);
    assert.equal(s.state, 'ready');
    await advance(clock, s, 100);
    assert.equal(s.state, 'reconnecting');
    assert.ok(lostError instanceof ConnectionClosedError);
    assert.match(lostError.message, /sent nothing for 15 s: link dead/);
    await conn.waitClosed();
    await advance(clock, s, 1000);
    const again = await camera.nextConnection();
    await again.acceptLogin();
    await waitForState(s, 'ready');
    const resent = await again.nextMessage(T.START_PREVIEW);
    assert.deepEqual(resent.payload, Buffer.alloc(8));
    assert.deepEqual(states, ['ready>reconnecting', 'reconnecting>connecting', 'connecting>loggingIn', 'loggingIn>ready']);
  });

  it('a 23 s freeze of our own event loop does not make the camera dead; its silence afterwards does (issue 10 finding 1)', async () => {
    const { session: s, conn } = await open();
    const states = recordStates(s);
    await advance(clock, s, 4000);
    conn.sendMessage(T.ALIVE_REQUEST); // t = 4 s: the camera's last word before our freeze
    await conn.nextMessage(T.ALIVE_RESPONSE);
    // Our event loop is blocked from 4 s to 27 s: every timer due meanwhile fires once, late, at 27 s.
    clock.jump(23_000);
    await flushIo();
    assert.equal(s.state, 'ready', 'the camera was blamed for our stall');
    // The camera answered our keep-alive all along; its bytes are read now that we run again.
    conn.sendMessage(T.ALIVE_RESPONSE);
    await flushIo();
    await advance(clock, s, 10_000);
    assert.equal(s.state, 'ready');
    assert.deepEqual(states, []);
    // A camera that then really falls silent is still found out.
    await advance(clock, s, 5_100);
    assert.equal(s.state, 'reconnecting');
    assert.match(String(s.lastError?.message), /sent nothing for 15 s: link dead/);
  });

  it('after stopPreview() a reconnect does not restart the preview', async () => {
    const { session: s, conn } = await open();
    s.startPreview();
    s.stopPreview();
    conn.destroy();
    await waitForState(s, 'reconnecting');
    await advance(clock, s, 1000);
    const again = await camera.nextConnection();
    await again.acceptLogin();
    await waitForState(s, 'ready');
    s.takePicture().catch(() => undefined); // a marker: everything before it has been written
    await again.nextMessage(T.TAKE_PICTURE);
    assert.equal(again.count(T.START_PREVIEW), 0);
  });

  it('a request made while reconnecting waits for the new login and goes out on the new link', async () => {
    const { session: s, conn } = await open();
    conn.end();
    await waitForState(s, 'reconnecting');
    const taken = s.takePicture({ timeoutMs: 10000 });
    await advance(clock, s, 1000);
    const again = await camera.nextConnection();
    await again.acceptLogin();
    await again.nextMessage(T.TAKE_PICTURE);
    again.sendMessage(T.PICTURE_SAVED);
    await taken;
  });

  it('a request made while reconnecting fails with TimeoutError when the camera does not come back in time', async () => {
    const { session: s, conn } = await open({ reconnectMinMs: 20000, reconnectMaxMs: 30000 });
    conn.end();
    await waitForState(s, 'reconnecting');
    const taken = s.takePicture({ timeoutMs: 3000 });
    clock.tick(3000);
    await assert.rejects(taken, (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.match(err.message, /not ready within 3 s for TAKE_PICTURE \(0xA038\) \(state reconnecting; last error: .*closed the connection\)/);
      return true;
    });
  });

  it('connect() rejects with the first failure, then the session keeps retrying and ready() resolves', async () => {
    const s = session();
    const connected = s.connect();
    const ready = s.ready();
    const first = await camera.nextConnection();
    await first.nextMessage(T.LOGIN);
    clock.tick(5000);
    await assert.rejects(connected, (err: unknown) => {
      assert.ok(err instanceof LoginRejectedError);
      assert.match(err.message, /^login rejected or camera busy: no accept within 5 s from camera 127\.0\.0\.1:\d+/);
      return true;
    });
    assert.equal(s.state, 'reconnecting');
    await advance(clock, s, 1000);
    const second = await camera.nextConnection();
    await second.acceptLogin();
    await ready;
    assert.equal(s.state, 'ready');
    assert.ok(s.lastError instanceof LoginRejectedError);
  });

  it('a refused dial is retried with back-off and reported as UnreachableError', async () => {
    const port = await closedPort();
    const s = new CameraSession({ host: '127.0.0.1', port, random: () => 0 });
    sessions.push(s);
    let dials = 0;
    s.on('state', (state) => (state === 'connecting' ? dials++ : undefined));
    await assert.rejects(s.connect(), (err: unknown) => err instanceof UnreachableError && err.message === `camera 127.0.0.1:${port} unreachable: ECONNREFUSED`);
    assert.equal(s.state, 'reconnecting');
    await advance(clock, s, 999);
    await waitFor(() => s.state === 'reconnecting', 'reconnecting');
    assert.equal(dials, 1);
    await advance(clock, s, 1);
    await waitFor(() => s.state === 'reconnecting', 'the second refusal');
    assert.equal(dials, 2);
  });

  it('does not storm a camera that rejects the login: one attempt per back-off step', async () => {
    // Every login times out (5 s). random() = 0.5 gives delays 1000, 1500, 2500, 4500, 8500, 15500 ms.
    const s = session({ random: () => 0.5 });
    const attempts: number[] = [];
    s.on('state', (state) => (state === 'loggingIn' ? attempts.push(Date.now()) : undefined));
    s.connect().catch(() => undefined);
    await advance(clock, s, 60000);
    assert.deepEqual(attempts, [0, 6000, 12500, 20000, 29500, 43000]);
    assert.equal(camera.connections.length, 6);
    await waitFor(() => camera.connections.slice(0, 5).every((c) => c.closed), 'failed links to be closed');
    assert.ok(camera.connections.every((c) => c.count(T.LOGIN) === 1), 'one login per connection');
  });

  it('keeps every re-dial delay within [reconnectMinMs, min(reconnectMaxMs, min * 2^n)]', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const s = session({ random, reconnectMinMs: 500, reconnectMaxMs: 4000, loginTimeoutMs: 1000 });
    const failedAt: number[] = [];
    const startedAt: number[] = [];
    s.on('state', (state, previous) => {
      if (state === 'reconnecting') failedAt.push(Date.now());
      if (state === 'connecting' && previous === 'reconnecting') startedAt.push(Date.now());
    });
    s.connect().catch(() => undefined);
    await advance(clock, s, 40000);
    assert.ok(startedAt.length >= 8, `only ${startedAt.length} re-dials`);
    startedAt.forEach((t, n) => {
      const delay = t - failedAt[n];
      const ceiling = Math.min(4000, 500 * 2 ** n);
      assert.ok(delay >= 500 && delay <= ceiling + 100, `re-dial ${n}: ${delay} ms, ceiling ${ceiling}`); // +100: time step
    });
  });

  it('close() while reconnecting clears every timer and rejects waiting callers', async () => {
    const { session: s, conn } = await open();
    const waiting = s.ready({ timeoutMs: 60000 });
    conn.destroy();
    await waitForState(s, 'reconnecting');
    const taken = s.takePicture({ timeoutMs: 60000 });
    await s.close();
    await assert.rejects(taken, ConnectionClosedError);
    await waiting; // it was ready when called
    assert.equal(clock.countTimers(), 0);
    assert.equal(s.state, 'closed');
  });
});
