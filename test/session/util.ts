/**
 * Helpers shared by the session tests: waiting for real socket I/O while timers are fake, and a
 * logger that records lines.
 */
import { waitUntil } from '../helpers/wait';
import * as sinon from 'sinon';
import type { Logger } from '../../src/logger';
import { CameraSession, type CameraSessionOptions, type SessionState } from '../../src/session';
import { FakeCamera, type FakeConnection } from '../helpers/fake-camera';

/** Lets real I/O run: a few turns of the event loop (setImmediate is never faked in these tests). */
export async function flushIo(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** test/helpers/wait.ts waitUntil with the session tests' argument order; fails after 5 s. */
export function waitFor(predicate: () => boolean, what: string): Promise<void> {
  return waitUntil(predicate, 5000, what);
}

export function waitForState(session: CameraSession, state: SessionState): Promise<void> {
  return waitFor(() => session.state === state, `state ${state} (now ${session.state})`);
}

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
  };
}

/** Records every 'state' event as "previous>state". */
export function recordStates(session: CameraSession): string[] {
  const states: string[] = [];
  session.on('state', (state, previous) => states.push(`${previous}>${state}`));
  return states;
}

/**
 * Installs the fake timers these tests use: timers, Date and performance.now (the watchdog's
 * monotonic clock) only, so socket I/O stays real.
 */
export function useFakeTimers(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
}

/**
 * The set-up of the fake-camera suites, for the describe block it is called in: a fresh FakeCamera on
 * 127.0.0.1 before each test (handed to `use`); after each, every session in `sessions` closed and
 * the camera closed.
 */
export function fakeCameraPerTest(use: (camera: FakeCamera) => void, sessions: CameraSession[]): void {
  let camera: FakeCamera | undefined;
  beforeEach(async () => {
    camera = await FakeCamera.start();
    use(camera);
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await camera?.close();
    camera = undefined;
  });
}

/** A session against `camera`, connected and logged in (128-byte accept); reconnect off unless given. */
export async function openSession(
  camera: FakeCamera,
  options: Partial<CameraSessionOptions> = {},
): Promise<{ session: CameraSession; conn: FakeConnection }> {
  const session = new CameraSession({ host: camera.host, port: camera.port, reconnect: false, ...options });
  const connected = session.connect();
  const conn = await camera.nextConnection();
  await conn.acceptLogin();
  await connected;
  return { session, conn };
}

/**
 * Advances fake time by `ms` in `stepMs` steps, letting real I/O settle after each step: a dial in
 * progress ('connecting') is always waited out, so time never runs while a socket is connecting.
 */
export async function advance(clock: sinon.SinonFakeTimers, session: CameraSession, ms: number, stepMs = 100): Promise<void> {
  await waitFor(() => session.state !== 'connecting', 'the dial to finish');
  for (let t = 0; t < ms; t += stepMs) {
    clock.tick(Math.min(stepMs, ms - t));
    await flushIo();
    await waitFor(() => session.state !== 'connecting', 'the dial to finish');
    await flushIo();
  }
}
