/**
 * CameraSession and the camera clock (A011, docs/PROTOCOL.md §10) against the scripted fake camera:
 * setClock() sends the local wall-clock fields and waits for nothing; setClockOnLogin sends them
 * after every login, in the vendor order (after START_PREVIEW); a reply is only 'unsolicited'.
 */
import assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { MessageType, decodeClockPayload, type ControlMessage } from '../../src/protocol';
import { CameraSession } from '../../src/session';
import { FakeCamera } from '../helpers/fake-camera';
import { openSession, recordingLogger, waitFor, waitForState, fakeCameraPerTest } from './util';

const T = MessageType;

describe('session/CameraSession clock (fake camera)', () => {
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];
  fakeCameraPerTest((c) => (camera = c), sessions);

  it('setClock(date) sends A011 with the local fields of the date and resolves without a reply', async () => {
    const logger = recordingLogger();
    const { session, conn } = await openSession(camera, { logger });
    sessions.push(session);
    await session.setClock(new Date(2024, 4, 1, 12, 34, 56));
    const sent = await conn.nextMessage(T.SET_CLOCK);
    assert.equal(sent.payload.length, 36);
    assert.deepEqual(decodeClockPayload(sent.payload), { year: 2024, month: 5, day: 1, hour: 12, minute: 34, second: 56 });
    assert.deepEqual(sent.payload.subarray(24), Buffer.alloc(12), 'the three trailing words are zero');
    assert.ok(logger.lines.some((l) => l.includes('clock set to 2024-05-01 12:34:56')), logger.lines.join('\n'));
  });

  it('setClock() without a date sends the time of the injected clock', async () => {
    const { session, conn } = await openSession(camera, { wallClock: () => new Date(2030, 0, 2, 3, 4, 5) });
    sessions.push(session);
    await session.setClock();
    assert.deepEqual(decodeClockPayload((await conn.nextMessage(T.SET_CLOCK)).payload), { year: 2030, month: 1, day: 2, hour: 3, minute: 4, second: 5 });
  });

  it('setClock() refuses an invalid date before sending anything', async () => {
    const { session, conn } = await openSession(camera);
    sessions.push(session);
    await assert.rejects(session.setClock(new Date(Number.NaN)), BadInputError);
    assert.equal(conn.count(T.SET_CLOCK), 0);
  });

  it('a reply to A011, if a camera sends one, is reported as unsolicited', async () => {
    const { session, conn } = await openSession(camera);
    sessions.push(session);
    const unsolicited: ControlMessage[] = [];
    session.on('unsolicited', (m) => unsolicited.push(m));
    await session.setClock(new Date(2024, 0, 1));
    await conn.nextMessage(T.SET_CLOCK);
    conn.sendMessage(0xa012, Buffer.from([1, 0, 0, 0]));
    await waitFor(() => unsolicited.length === 1, 'the unsolicited reply');
    assert.equal(unsolicited[0].type, 0xa012);
  });

  it('no A011 after login unless setClockOnLogin is on', async () => {
    const { session, conn } = await openSession(camera);
    sessions.push(session);
    await session.firmware({ timeoutMs: 50 }).catch(() => undefined); // a round trip after the login
    assert.equal(conn.count(T.SET_CLOCK), 0);
  });

  it('setClockOnLogin sends A011 after START_PREVIEW on every login, reconnects included', async () => {
    let now = new Date(2024, 6, 1, 8, 0, 0);
    const session = new CameraSession({
      host: camera.host,
      port: camera.port,
      setClockOnLogin: true,
      wallClock: () => now,
      reconnect: true,
      reconnectMinMs: 10,
      reconnectMaxMs: 10,
    });
    sessions.push(session);
    session.startPreview();
    const connected = session.connect();
    const first = await camera.nextConnection();
    await first.acceptLogin();
    await connected;
    const clock = await first.nextMessage(T.SET_CLOCK);
    assert.deepEqual(decodeClockPayload(clock.payload), { year: 2024, month: 7, day: 1, hour: 8, minute: 0, second: 0 });
    const order = first.received.map((m) => m.type).filter((t) => t === T.START_PREVIEW || t === T.SET_CLOCK);
    assert.deepEqual(order, [T.START_PREVIEW, T.SET_CLOCK], 'the vendor order');

    now = new Date(2024, 6, 1, 9, 30, 0);
    first.destroy();
    await waitForState(session, 'reconnecting');
    const second = await camera.nextConnection();
    await second.acceptLogin();
    assert.deepEqual(decodeClockPayload((await second.nextMessage(T.SET_CLOCK)).payload).hour, 9);
  });
});
