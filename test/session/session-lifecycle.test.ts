/**
 * CameraSession life-cycle edges: connect timeout, injected transports, abort while waiting for a
 * login, and what the logs say during an outage.
 */
import assert from 'node:assert/strict';
import * as net from 'net';
import type * as sinon from 'sinon';
import { AbortedError, TimeoutError, UnreachableError } from '../../src/errors';
import { MessageType } from '../../src/protocol';
import { CameraSession } from '../../src/session';
import { FakeCamera } from '../helpers/fake-camera';
import { advance, recordingLogger, useFakeTimers, waitForState } from './util';

describe('session/CameraSession life cycle', () => {
  let clock: sinon.SinonFakeTimers;
  const sessions: CameraSession[] = [];

  beforeEach(() => (clock = useFakeTimers()));
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    clock.restore();
  });

  function track(s: CameraSession): CameraSession {
    sessions.push(s);
    return s;
  }

  it('gives up a dial that never completes after connectTimeoutMs with UnreachableError', async () => {
    // A socket that is never told to connect: neither 'connect' nor 'error' ever comes.
    const socket = new net.Socket();
    const s = track(new CameraSession({ host: '192.0.2.1', reconnect: false, createConnection: () => socket }));
    const connected = s.connect();
    clock.tick(4999);
    assert.equal(s.state, 'connecting');
    clock.tick(1);
    await assert.rejects(connected, (err: unknown) => err instanceof UnreachableError && err.message === 'camera 192.0.2.1:6666 unreachable: no TCP connection within 5 s');
    assert.equal(socket.destroyed, true);
    assert.equal(clock.countTimers(), 0);
  });

  it('reports a transport factory that throws as UnreachableError', async () => {
    const s = track(
      new CameraSession({
        host: '127.0.0.1',
        reconnect: false,
        createConnection: () => {
          throw new Error('no route');
        },
      }),
    );
    await assert.rejects(s.connect(), (err: unknown) => err instanceof UnreachableError && /unreachable: no route/.test(err.message));
    assert.equal(s.state, 'idle');
  });

  it('close() during a dial is immediate and leaves no timer', async () => {
    const socket = new net.Socket();
    const s = track(new CameraSession({ host: '192.0.2.1', createConnection: () => socket }));
    const connected = s.connect();
    await s.close();
    await assert.rejects(connected);
    assert.equal(socket.destroyed, true);
    assert.equal(clock.countTimers(), 0);
  });

  it('aborting connect() or a request abandons only that wait; the session keeps connecting', async () => {
    const s = track(new CameraSession({ host: '192.0.2.1', createConnection: () => new net.Socket() }));
    const ac = new AbortController();
    const connected = s.connect({ signal: ac.signal });
    const picture = s.takePicture({ signal: ac.signal, timeoutMs: 60000 });
    ac.abort();
    await assert.rejects(connected, AbortedError);
    await assert.rejects(picture, AbortedError);
    assert.equal(s.state, 'connecting');
  });

  it('ready() with a timeout rejects with TimeoutError naming the state and the last error', async () => {
    const s = track(new CameraSession({ host: '192.0.2.1', reconnect: true, random: () => 0, createConnection: () => new net.Socket() }));
    const ready = s.ready({ timeoutMs: 8000 });
    clock.tick(8000);
    await assert.rejects(ready, (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.match(err.message, /^camera 192\.0\.2\.1:6666 not ready within 8 s \(state connecting; last error: camera 192\.0\.2\.1:6666 unreachable: no TCP connection within 5 s\)$/);
      return true;
    });
  });

  it('warns once per outage and logs the retries at debug level', async () => {
    const camera = await FakeCamera.start();
    try {
      const logger = recordingLogger();
      const s = track(new CameraSession({ host: camera.host, port: camera.port, logger, random: () => 0, loginTimeoutMs: 1000 }));
      s.connect().catch(() => undefined);
      await advance(clock, s, 10000); // five logins time out
      const failures = logger.lines.filter((l) => l.includes('login rejected or camera busy'));
      assert.ok(failures.length >= 4);
      assert.equal(failures.filter((l) => l.startsWith('warn:')).length, 1);
      // Recovery and a new outage warn again.
      const conn = camera.connections.at(-1);
      assert.ok(conn);
      await waitForState(s, 'loggingIn');
      conn.sendMessage(MessageType.LOGIN_ACCEPT, Buffer.alloc(128));
      await waitForState(s, 'ready');
      conn.destroy();
      await waitForState(s, 'reconnecting');
      assert.ok(logger.lines.some((l) => l.startsWith('warn:') && l.includes('closed the connection')));
    } finally {
      await camera.close();
    }
  });
});
