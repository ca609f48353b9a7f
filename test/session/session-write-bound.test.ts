/**
 * Issue 10, finding 6: a camera that floods alive requests and never reads made the client answer
 * each one into a socket nobody reads, growing without bound (86 -> 659 MB in 16 s). The write
 * queue is bounded: past maxWriteQueueBytes unsent, the link is dead (ConnectionClosedError) and
 * the session re-dials. Scripted fake camera on 127.0.0.1; real timers, no timed assertion.
 */
import assert from 'node:assert/strict';
import { ConnectionClosedError, LoginRejectedError } from '../../src/errors';
import { MessageType } from '../../src/protocol';
import { CameraSession, SessionDefaults } from '../../src/session';
import { FakeCamera } from '../helpers/fake-camera';
import { floodAliveRequests } from '../helpers/hostile-camera';
import { openSession, waitFor, fakeCameraPerTest } from './util';

const T = MessageType;
/**
 * A flood far beyond every buffer on the way (4 M requests, 32 MB; on loopback the link fails after
 * about 0.5 M, once the kernel's socket buffers and the bound are full): the bound must speak first.
 */
const FLOOD_REQUESTS = 4 * 1024 * 1024;

describe('session: bounded write queue (issue 10 finding 6)', function () {
  this.timeout(60_000);
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];
  fakeCameraPerTest((c) => (camera = c), sessions);

  it('a camera that floods alive requests and never reads is a dead link: ConnectionClosedError, then a re-dial', async () => {
    const { session, conn } = await openSession(camera, { reconnect: true, reconnectMinMs: 1, reconnectMaxMs: 1 });
    sessions.push(session);
    let lost: unknown;
    session.on('state', (state, _previous, error) => {
      if (state === 'reconnecting' && lost === undefined) lost = error;
    });
    const sent = await floodAliveRequests(conn, FLOOD_REQUESTS);
    await waitFor(() => lost !== undefined, 'the link to be declared dead');
    assert.ok(lost instanceof ConnectionClosedError);
    assert.match(
      lost.message,
      new RegExp(`^camera 127\\.0\\.0\\.1:\\d+ does not read what we send: \\d+ bytes wait unsent, more than the bound of ${SessionDefaults.maxWriteQueueBytes}: link dead$`),
    );
    assert.ok(sent < FLOOD_REQUESTS, `the whole flood of ${sent} requests was taken in without the link failing`);
    // The session re-dials and works with a camera that reads.
    const again = await camera.nextConnection();
    await again.acceptLogin();
    await waitFor(() => session.state === 'ready', 'the session to be ready again');
    const taken = session.takePicture();
    await again.nextMessage(T.TAKE_PICTURE);
    again.sendMessage(T.PICTURE_SAVED);
    await taken;
  });

  it('a lower bound is honoured, and a flood before the login accept is reported as such, not as a refused login', async () => {
    const session = new CameraSession({ host: camera.host, port: camera.port, reconnect: false, maxWriteQueueBytes: 64 * 1024 });
    sessions.push(session);
    const connecting = session.connect();
    const conn = await camera.nextConnection();
    await conn.nextMessage(T.LOGIN);
    void floodAliveRequests(conn, FLOOD_REQUESTS);
    await assert.rejects(connecting, (err: unknown) => {
      assert.ok(err instanceof ConnectionClosedError && !(err instanceof LoginRejectedError));
      assert.match(err.message, /does not read what we send: \d+ bytes wait unsent, more than the bound of 65536: link dead$/);
      return true;
    });
    assert.equal(session.state, 'idle');
  });

  it('a camera that reads gets every answer to a burst of alive requests', async () => {
    const { session, conn } = await openSession(camera, { maxWriteQueueBytes: 64 * 1024 });
    sessions.push(session);
    const burst = Buffer.concat(Array.from({ length: 5000 }, () => Buffer.from('abcd000000000112', 'hex')));
    conn.send(burst);
    await waitFor(() => conn.count(T.ALIVE_RESPONSE) === 5000, '5000 answers');
    assert.equal(session.state, 'ready');
  });
});
