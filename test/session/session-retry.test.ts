/**
 * What a person waiting for the camera gets (issue 9): a camera that is not there is looked for every
 * couple of seconds, so it is logged in within 3 s of coming back; a trigger during a back-off retries
 * at once (not sooner than reconnectMinMs after the failure); a bounded connect() ends within its
 * time with the error of what is missing; log lines name the camera once. Fake timers throughout.
 */
import assert from 'node:assert/strict';
import * as net from 'net';
import type * as sinon from 'sinon';
import { LoginRejectedError, UnreachableError } from '../../src/errors';
import { CameraSession } from '../../src/session';
import { SessionDefaults } from '../../src/session/defaults';
import { FakeCamera, closedPort } from '../helpers/fake-camera';
import { advance, flushIo, recordingLogger, useFakeTimers, waitFor, waitForState } from './util';

describe('session/CameraSession retries and waits (issue 9)', () => {
  let clock: sinon.SinonFakeTimers;
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];

  beforeEach(async () => {
    camera = await FakeCamera.start();
    clock = useFakeTimers();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    clock.restore();
    await camera.close();
  });

  function track(s: CameraSession): CameraSession {
    sessions.push(s);
    return s;
  }

  it('looks for an unreachable camera at most reconnectUnreachableMaxMs apart and is ready within 3 s of its return', async () => {
    assert.equal(SessionDefaults.reconnectUnreachableMaxMs, 2000);
    const refused = await closedPort();
    let up = false;
    // The camera is "off" (its port refuses) until `up`; then the dial reaches the fake camera.
    const s = track(
      new CameraSession({ host: '127.0.0.1', port: 6666, random: () => 1, createConnection: (_port, host) => net.createConnection(up ? camera.port : refused, host) }),
    );
    const waits: number[] = [];
    let failedAt = 0;
    s.on('state', (state, previous) => {
      if (state === 'reconnecting') failedAt = Date.now();
      if (state === 'connecting' && previous === 'reconnecting') waits.push(Date.now() - failedAt);
    });
    s.connect().catch(() => undefined);
    await advance(clock, s, 120_000, 250); // two minutes off: without the short cap the wait would be 30 s by now
    assert.ok(waits.length >= 50, `${waits.length} dials in 2 min`);
    assert.ok(waits.every((w) => w >= SessionDefaults.reconnectMinMs && w <= 2000), `waits ${waits.join(',')}`);
    assert.equal(s.state, 'reconnecting');
    assert.ok(s.lastError instanceof UnreachableError);

    up = true;
    const back = Date.now();
    const accepted = camera.nextConnection().then((conn) => conn.acceptLogin());
    while ((s.state as string) !== 'ready' && Date.now() - back <= 3000) {
      clock.tick(100);
      await flushIo();
      await waitFor(() => s.state !== 'connecting', 'the dial to finish');
      await flushIo();
    }
    await accepted;
    await waitForState(s, 'ready');
    assert.ok(Date.now() - back <= 3000, `ready ${Date.now() - back} ms after the camera came back`);
  });

  it('keeps the long back-off for a camera that is there but does not accept the login', async () => {
    // random() = 1: every delay is its ceiling, 1, 2, 4, 8 s ... only the unreachable cap is short.
    const s = track(new CameraSession({ host: camera.host, port: camera.port, random: () => 1, loginTimeoutMs: 100 }));
    const delays: number[] = [];
    s.on('state', (state) => {
      if (state === 'reconnecting' && s.reconnectAt !== undefined) delays.push(s.reconnectAt - Date.now());
    });
    s.connect().catch(() => undefined);
    await advance(clock, s, 20_000);
    assert.deepEqual(delays.slice(0, 4), [1000, 2000, 4000, 8000]);
  });

  it('retryNow() cuts a running back-off short, yet dials no sooner than reconnectMinMs after the failure', async () => {
    const s = track(new CameraSession({ host: camera.host, port: camera.port, random: () => 1, loginTimeoutMs: 100 }));
    s.connect().catch(() => undefined);
    await advance(clock, s, 7_400); // failures at 0.1, 1.2, 3.3 and 7.4 s: the next wait is 8 s
    await waitForState(s, 'reconnecting');
    assert.equal(s.reconnectAt, Date.now() + 8000);
    const connections = camera.connections.length;

    s.retryNow(); // 0 ms after the failure: the floor of 1 s applies
    assert.equal(s.reconnectAt, Date.now() + 1000);
    clock.tick(999);
    await flushIo();
    assert.equal(s.state, 'reconnecting');
    clock.tick(1);
    await waitFor(() => camera.connections.length === connections + 1, 'the early dial');

    // Later in a wait: at once.
    await advance(clock, s, 200);
    await waitForState(s, 'reconnecting');
    clock.tick(1500);
    s.retryNow();
    assert.equal(s.reconnectAt, Date.now());
    clock.tick(0);
    await waitFor(() => camera.connections.length === connections + 2, 'the immediate dial');
  });

  it('retryNow() does nothing unless the session is backing off', async () => {
    const s = track(new CameraSession({ host: camera.host, port: camera.port }));
    s.retryNow();
    assert.equal(s.state, 'idle');
    assert.equal(s.reconnectAt, undefined);
  });

  it('connect({timeoutMs}) ends in time with what is missing: no TCP connection, no login accept, or the failure the back-off follows', async () => {
    // No TCP connection: a socket that never connects.
    const dialing = track(new CameraSession({ host: '192.0.2.1', connectTimeoutMs: 60_000, createConnection: () => new net.Socket() }));
    const noTcp = dialing.connect({ timeoutMs: 3000 });
    clock.tick(3000);
    await assert.rejects(noTcp, (err: unknown) => err instanceof UnreachableError && err.message === 'camera 192.0.2.1:6666 unreachable: no TCP connection within 3 s');

    // Connected, no login accept.
    const silent = track(new CameraSession({ host: camera.host, port: camera.port, loginTimeoutMs: 60_000 }));
    const noAccept = silent.connect({ timeoutMs: 2000 });
    await waitForState(silent, 'loggingIn');
    clock.tick(2000);
    await assert.rejects(noAccept, (err: unknown) => err instanceof LoginRejectedError && /^login rejected or camera busy: no accept within 2 s from camera 127\.0\.0\.1:\d+ \(check the password/.test(err.message));

    // Backing off for longer than the wait (a 5 s floor between dials).
    const refused = await closedPort();
    const away = track(new CameraSession({ host: '127.0.0.1', port: refused, reconnectMinMs: 5000, reconnectMaxMs: 5000, reconnectUnreachableMaxMs: 5000 }));
    await assert.rejects(away.connect(), UnreachableError);
    away.retryNow();
    const waiting = away.connect({ timeoutMs: 1000 });
    clock.tick(1000);
    // still backing off: the latest failure again (its class, message and socket error), not "timeout"
    await assert.rejects(waiting, (err: unknown) => {
      assert.ok(err instanceof UnreachableError);
      assert.equal(err.message, `camera 127.0.0.1:${refused} unreachable: ECONNREFUSED`);
      assert.equal(((err as { cause?: { code?: string } }).cause)?.code, 'ECONNREFUSED');
      return true;
    });
  });

  it('a trigger during a back-off gets the outcome of the immediate retry, not a wait through retries', async () => {
    const refused = await closedPort();
    const s = track(new CameraSession({ host: '127.0.0.1', port: refused, random: () => 1 }));
    await assert.rejects(s.connect(), UnreachableError);
    clock.tick(1500);
    s.retryNow();
    const started = Date.now();
    const outcome = s.connect({ timeoutMs: 5000 });
    clock.tick(0);
    await assert.rejects(outcome, (err: unknown) => err instanceof UnreachableError && err.message === `camera 127.0.0.1:${refused} unreachable: ECONNREFUSED`);
    assert.equal(Date.now(), started, 'answered without waiting for any timer');
  });

  it('logs a failure naming the camera once', async () => {
    const refused = await closedPort();
    const logger = recordingLogger();
    const s = track(new CameraSession({ host: '127.0.0.1', port: refused, logger }));
    await assert.rejects(s.connect(), UnreachableError);
    const warn = logger.lines.filter((l) => l.startsWith('warn:'));
    assert.deepEqual(warn, [`warn: camera 127.0.0.1:${refused} unreachable: ECONNREFUSED`]);
  });
});
