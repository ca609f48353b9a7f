/**
 * CameraSession against the camera simulator on 127.0.0.1 (ephemeral ports), one case per fault
 * knob. Real timers with short limits; assertions are on outcomes, never on wall-clock speed.
 */
import assert from 'node:assert/strict';
import * as dgram from 'dgram';
import { ConnectionClosedError, LoginRejectedError, TimeoutError, UnreachableError } from '../../src/errors';
import { MessageType, type ControlMessage } from '../../src/protocol';
import { CameraSession, type CameraSessionOptions } from '../../src/session';
import { CameraSimulator } from '../../src/simulator';
import { waitFor } from './util';

/** Short limits so the fault cases finish quickly; the relations between them are what matter. */
const FAST: Partial<CameraSessionOptions> = {
  loginTimeoutMs: 1500, // above the simulator's 1 s wait for our 0113 before it accepts anyway
  requestTimeoutMs: 1000,
  keepAliveIntervalMs: 100,
  deadAfterMs: 400,
  reconnectMinMs: 20,
  reconnectMaxMs: 200,
};

/** Resolves when the simulator emits `event` (with any arguments). */
function simEvent(sim: CameraSimulator, event: string): Promise<void> {
  return new Promise((resolve) => sim.once(event, () => resolve()));
}

function nextReady(session: CameraSession): Promise<void> {
  return new Promise((resolve) => session.once('ready', () => resolve()));
}

describe('session/CameraSession against the camera simulator', () => {
  let sim: CameraSimulator;
  let previewSink: dgram.Socket;
  const sessions: CameraSession[] = [];

  beforeEach(async () => {
    // The preview goes to a port of our own, never to a fixed port another test may be using.
    previewSink = dgram.createSocket('udp4');
    previewSink.on('error', () => undefined);
    await new Promise<void>((resolve) => previewSink.bind(0, '127.0.0.1', () => resolve()));
    sim = new CameraSimulator({ previewPort: previewSink.address().port, aliveIntervalMs: 100 });
    await sim.start();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await sim.stop();
    previewSink.close();
  });

  function session(options: Partial<CameraSessionOptions> = {}): CameraSession {
    const address = sim.address;
    if (!address) throw new Error('simulator not started');
    const s = new CameraSession({ host: address.host, port: address.controlPort, ...FAST, ...options });
    sessions.push(s);
    return s;
  }

  it('logs in through the vendor sequence and runs every command', async () => {
    const s = session();
    await s.connect();
    assert.equal(s.state, 'ready');
    assert.equal(sim.stats.logins, 1);
    assert.equal((await s.firmware()).version, 'v1.0 rc5');
    await s.takePicture();
    await s.setRecording(true);
    assert.equal(sim.recording, true);
    assert.equal(s.recording, true);
    await s.setRecording(false);
    assert.equal(sim.recording, false);
    const files = await s.listFiles();
    assert.deepEqual(
      files.map((f) => [f.path, f.size]),
      sim.files.map((f) => [f.path, f.size]),
    );
    assert.equal(files.length, 4, 'seeded video and photo, the new photo, the recorded video');
  });

  it('accepts the 129-byte SJ4000 Air login accept', async () => {
    await sim.stop();
    sim = new CameraSimulator({ previewPort: previewSink.address().port, loginAcceptLength: 129 });
    await sim.start();
    const s = session();
    await s.connect();
    assert.equal((await s.firmware()).version, 'v1.0 rc5');
  });

  it('dropConnections(): reconnects, logs in again and re-sends START_PREVIEW', async () => {
    const s = session();
    await s.connect();
    const previewRequests: number[] = [];
    sim.on('command', (type: number) => {
      if (type === MessageType.START_PREVIEW) previewRequests.push(type);
    });
    s.startPreview();
    await waitFor(() => previewRequests.length === 1, 'START_PREVIEW');
    const states: string[] = [];
    s.on('state', (state) => states.push(state));
    sim.dropConnections();
    await nextReady(s);
    assert.deepEqual(states, ['reconnecting', 'connecting', 'loggingIn', 'ready']);
    assert.ok(s.lastError instanceof ConnectionClosedError);
    assert.equal(sim.stats.logins, 2);
    await waitFor(() => previewRequests.length === 2, 'START_PREVIEW after the reconnect');
    assert.equal((await s.firmware()).version, 'v1.0 rc5');
  });

  it('rejectLogin: connect() rejects with LoginRejectedError, retries without storming, recovers when lifted', async () => {
    sim.faults.rejectLogin = true;
    const s = session({ loginTimeoutMs: 200, reconnectMinMs: 100, reconnectMaxMs: 400 });
    let clients = 0;
    sim.on('client', () => clients++);
    const dialledAt: number[] = [];
    sim.on('client', () => dialledAt.push(performance.now()));
    const ready = s.ready({ timeoutMs: 20000 });
    await assert.rejects(s.connect(), (err: unknown) => {
      assert.ok(err instanceof LoginRejectedError);
      assert.match(err.message, /login rejected or camera busy: no accept within 0\.2 s/);
      return true;
    });
    await waitFor(() => clients >= 4, 'four attempts');
    // Each attempt costs a 200 ms login wait plus at least 100 ms back-off: dials are spaced, never a
    // loop. (A lower bound on the gaps: a busy machine only makes them longer.)
    const gaps = dialledAt.slice(1).map((t, i) => t - dialledAt[i]);
    assert.ok(gaps.every((gap) => gap >= 290), `gaps between dials: ${gaps.map((g) => Math.round(g)).join(', ')} ms`);
    sim.faults.rejectLogin = false;
    await ready;
    assert.equal(s.state, 'ready');
  });

  it('replyDelayMs: a reply slower than the timeout fails the request, arrives as unsolicited, and the session goes on', async () => {
    const s = session();
    await s.connect();
    const unsolicited: ControlMessage[] = [];
    s.on('unsolicited', (m) => unsolicited.push(m));
    sim.faults.replyDelayMs = 300;
    await assert.rejects(s.firmware({ timeoutMs: 100 }), TimeoutError);
    await waitFor(() => unsolicited.length === 1, 'the late A035');
    assert.equal(unsolicited[0].type, MessageType.FIRMWARE_INFORMATION);
    assert.equal((await s.firmware({ timeoutMs: 2000 })).version, 'v1.0 rc5', 'a timeout above the delay succeeds');
    assert.equal(s.state, 'ready');
  });

  it('garbageBeforeReplies and sendGarbage(): the session resynchronises and reports the bytes', async () => {
    const s = session();
    await s.connect();
    let garbageBytes = 0;
    s.on('garbage', (b) => (garbageBytes += b.length));
    sim.faults.garbageBeforeReplies = true;
    assert.equal((await s.firmware()).version, 'v1.0 rc5');
    assert.ok((await s.listFiles()).length >= 2);
    await s.takePicture();
    assert.ok(garbageBytes > 0);
    const seen = garbageBytes;
    sim.sendGarbage(Buffer.from('00112233', 'hex'));
    await waitFor(() => garbageBytes === seen + 4, 'the injected garbage');
    assert.equal(s.state, 'ready');
    assert.equal((await s.firmware()).version, 'v1.0 rc5');
  });

  it('ignoreAlive: the silent link is declared dead and re-dialled; lifting the fault keeps it up', async () => {
    const s = session();
    await s.connect();
    sim.faults.ignoreAlive = true;
    let lost: unknown;
    s.on('state', (state, _previous, error) => {
      if (state === 'reconnecting' && lost === undefined) lost = error;
    });
    await waitFor(() => lost !== undefined, 'the watchdog');
    assert.ok(lost instanceof ConnectionClosedError);
    assert.match(lost.message, /sent nothing for 0\.4 s: link dead/);
    sim.faults.ignoreAlive = false;
    await s.ready({ timeoutMs: 5000 });
    const logins = sim.stats.logins;
    // Well over deadAfterMs (400 ms) of keep-alive traffic: eight more of our 100 ms pings answered.
    let pings = 0;
    sim.on('command', (type: number) => {
      if (type === MessageType.ALIVE_REQUEST) pings++;
    });
    await waitFor(() => pings >= 8, 'eight keep-alive rounds');
    assert.equal(s.state, 'ready');
    assert.equal(sim.stats.logins, logins, 'no reconnect while the camera answers');
  });

  it('rejectSecondClient: a second session is refused while the first keeps working', async () => {
    const first = session();
    await first.connect();
    sim.faults.rejectSecondClient = true;
    const second = session({ reconnect: false });
    await assert.rejects(second.connect(), (err: unknown) => err instanceof LoginRejectedError || err instanceof UnreachableError);
    assert.equal(second.state, 'idle');
    assert.equal(first.state, 'ready');
    assert.equal((await first.firmware()).version, 'v1.0 rc5');
  });

  it('a command the camera does not know times out and leaves the session usable', async () => {
    const s = session();
    await s.connect();
    await assert.rejects(s.request(0xa0f0, Buffer.alloc(0), { timeoutMs: 200 }), TimeoutError);
    await s.takePicture();
  });

  it('close() while connected ends the simulator side too', async () => {
    const s = session();
    await s.connect();
    const closed = simEvent(sim, 'clientClosed');
    await s.close();
    await closed;
    assert.equal(sim.clientCount, 0);
  });
});
