/**
 * CameraSession against the scripted fake camera: dial, login and framing, byte for byte.
 */
import assert from 'node:assert/strict';
import { BadInputError, ConnectionClosedError, InvalidStateError, LoginRejectedError, UnreachableError } from '../../src/errors';
import { MessageType, encodeMessage, type ControlMessage } from '../../src/protocol';
import { CameraSession } from '../../src/session';
import { FakeCamera, closedPort } from '../helpers/fake-camera';
import { flushIo, openSession, recordStates, recordingLogger, waitFor, fakeCameraPerTest } from './util';

const { LOGIN, LOGIN_ACCEPT, ALIVE_REQUEST, ALIVE_RESPONSE, REQUEST_FIRMWARE_INFO } = MessageType;

describe('session/CameraSession login and framing (fake camera)', () => {
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];
  fakeCameraPerTest((c) => (camera = c), sessions);

  function session(options: Partial<ConstructorParameters<typeof CameraSession>[0]> = {}): CameraSession {
    const s = new CameraSession({ host: camera.host, port: camera.port, reconnect: false, ...options });
    sessions.push(s);
    return s;
  }

  it('logs in with the 128-byte admin/12345 payload and walks idle > connecting > loggingIn > ready', async () => {
    const s = session();
    const states = recordStates(s);
    let readyEvents = 0;
    s.on('ready', () => readyEvents++);
    const connected = s.connect();
    const conn = await camera.nextConnection();
    const login = await conn.nextMessage(LOGIN);
    assert.equal(login.payload.length, 128);
    assert.equal(login.payload.subarray(0, 64).toString('latin1').replace(/\0+$/, ''), 'admin');
    assert.equal(login.payload.subarray(64).toString('latin1').replace(/\0+$/, ''), '12345');
    assert.equal(s.state, 'loggingIn');
    conn.sendMessage(LOGIN_ACCEPT, login.payload);
    await connected;
    assert.equal(s.state, 'ready');
    assert.deepEqual(states, ['idle>connecting', 'connecting>loggingIn', 'loggingIn>ready']);
    assert.equal(readyEvents, 1);
    assert.equal(s.localAddress, '127.0.0.1');
  });

  it('answers an alive request that arrives before the accept, coalesced with it in one read', async () => {
    const s = session();
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    conn.send(Buffer.concat([encodeMessage(ALIVE_REQUEST), encodeMessage(LOGIN_ACCEPT, Buffer.alloc(128))]));
    await connected;
    await conn.nextMessage(ALIVE_RESPONSE);
  });

  it('answers an alive request before the login is accepted (vendor sequence, docs/PROTOCOL.md §2.3)', async () => {
    const s = session();
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    conn.sendMessage(ALIVE_REQUEST);
    await conn.nextMessage(ALIVE_RESPONSE);
    assert.equal(s.state, 'loggingIn');
    conn.sendMessage(LOGIN_ACCEPT, Buffer.alloc(128));
    await connected;
  });

  it('accepts the 129-byte SJ4000 Air login accept', async () => {
    const s = session();
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.acceptLogin(129);
    await connected;
    assert.equal(s.state, 'ready');
  });

  it('reassembles an accept split into single bytes', async () => {
    const s = session();
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    const frame = encodeMessage(LOGIN_ACCEPT, Buffer.alloc(129, 7));
    for (const byte of frame) {
      conn.send(Buffer.from([byte]));
      await flushIo(1);
    }
    await connected;
  });

  it('delivers several replies coalesced in one read, and a reply split across reads', async () => {
    const { session: s, conn } = await openSession(camera);
    sessions.push(s);
    const unsolicited: ControlMessage[] = [];
    s.on('unsolicited', (m) => unsolicited.push(m));
    const fw = s.firmware();
    await conn.nextMessage(REQUEST_FIRMWARE_INFO);
    const reply = encodeMessage(MessageType.FIRMWARE_INFORMATION, Buffer.alloc(112));
    const extra = encodeMessage(0xa0ff, Buffer.from([1, 2]));
    const bytes = Buffer.concat([extra, reply.subarray(0, 5)]);
    conn.send(bytes);
    await flushIo();
    conn.send(Buffer.concat([reply.subarray(5), encodeMessage(ALIVE_REQUEST)]));
    await fw;
    await conn.nextMessage(ALIVE_RESPONSE);
    assert.deepEqual(unsolicited.map((m) => m.type), [0xa0ff]);
  });

  it('rejects connect() with UnreachableError naming host:port and the errno when refused', async () => {
    const port = await closedPort();
    const s = new CameraSession({ host: '127.0.0.1', port, reconnect: false });
    sessions.push(s);
    const states = recordStates(s);
    await assert.rejects(s.connect(), (err: unknown) => {
      assert.ok(err instanceof UnreachableError);
      assert.equal(err.code, 'EUNREACHABLE');
      assert.equal(err.message, `camera 127.0.0.1:${port} unreachable: ECONNREFUSED`);
      return true;
    });
    assert.equal(s.state, 'idle');
    assert.ok(s.lastError instanceof UnreachableError);
    assert.deepEqual(states, ['idle>connecting', 'connecting>idle']);
  });

  it('rejects connect() with LoginRejectedError when the camera hangs up during login', async () => {
    const s = session();
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    conn.end();
    await assert.rejects(connected, (err: unknown) => err instanceof LoginRejectedError && /login rejected or camera busy/.test(err.message));
    assert.equal(s.state, 'idle');
  });

  it('treats a late accept (after the login failed) as harmless', async () => {
    const s = session({ loginTimeoutMs: 50 });
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    await assert.rejects(connected, LoginRejectedError);
    conn.sendMessage(LOGIN_ACCEPT, Buffer.alloc(128));
    await conn.waitClosed();
    assert.equal(s.state, 'idle');
  });

  it('never logs the password', async () => {
    const logger = recordingLogger();
    const s = session({ logger, password: 'sEcReT-77' });
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.acceptLogin();
    await connected;
    await s.close();
    assert.ok(logger.lines.length > 0);
    assert.ok(logger.lines.every((l) => !l.includes('sEcReT-77') && !l.includes(Buffer.from('sEcReT-77').toString('hex'))));
  });

  it('close() is idempotent, rejects connect() in progress, and later operations say the session is closed', async () => {
    const s = session();
    const states = recordStates(s);
    const connected = s.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(LOGIN);
    await Promise.all([s.close(), s.close()]);
    await assert.rejects(connected, ConnectionClosedError);
    await conn.waitClosed();
    assert.equal(s.state, 'closed');
    assert.equal(states.at(-1), 'loggingIn>closed');
    await assert.rejects(s.connect(), InvalidStateError);
    await assert.rejects(s.ready(), InvalidStateError);
    await assert.rejects(s.takePicture(), InvalidStateError);
    assert.throws(() => s.startPreview(), InvalidStateError);
    await s.close();
  });

  it('survives a listener that throws', async () => {
    const s = session();
    s.on('state', () => {
      throw new Error('careless listener');
    });
    const connected = s.connect();
    await (await camera.nextConnection()).acceptLogin();
    await connected;
    assert.equal(s.state, 'ready');
  });

  it('ready() connects an idle session; connect() on a ready one resolves at once', async () => {
    const s = session();
    const ready = s.ready();
    await (await camera.nextConnection()).acceptLogin();
    await ready;
    await s.connect();
    await waitFor(() => camera.connections.length === 1, 'one connection');
  });

  it('rejects unusable options with BadInputError', () => {
    assert.throws(() => new CameraSession({ host: '' }), BadInputError);
    assert.throws(() => new CameraSession({ host: 'x', port: 70000 }), BadInputError);
    assert.throws(() => new CameraSession({ host: 'x', password: 'é' }), BadInputError);
    assert.throws(() => new CameraSession({ host: 'x', requestTimeoutMs: 0 }), BadInputError);
    assert.throws(() => new CameraSession({ host: 'x', reconnectMinMs: 5000, reconnectMaxMs: 1000 }), BadInputError);
  });
});
