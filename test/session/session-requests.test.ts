/**
 * CameraSession requests against the scripted fake camera: matching, serialisation, timeouts,
 * abort, close, unknown types and garbage.
 */
import assert from 'node:assert/strict';
import { AbortedError, BadInputError, ConnectionClosedError, TimeoutError } from '../../src/errors';
import { MessageType, encodeFileListPart, encodeFirmware, encodeMessage, type ControlMessage } from '../../src/protocol';
import type { CameraSession } from '../../src/session';
import { FakeCamera, type FakeConnection } from '../helpers/fake-camera';
import { flushIo, openSession, recordingLogger, waitFor } from './util';

const T = MessageType;

describe('session/CameraSession requests (fake camera)', () => {
  let camera: FakeCamera;
  let session: CameraSession;
  let conn: FakeConnection;
  let unsolicited: ControlMessage[];
  let garbage: Buffer[];
  const logger = recordingLogger();

  beforeEach(async () => {
    camera = await FakeCamera.start();
    logger.lines.length = 0;
    ({ session, conn } = await openSession(camera, { logger, requestTimeoutMs: 200 }));
    unsolicited = [];
    garbage = [];
    session.on('unsolicited', (m) => unsolicited.push(m));
    session.on('garbage', (b) => garbage.push(b));
  });
  afterEach(async () => {
    await session.close();
    await camera.close();
  });

  it('firmware(): A034 -> A035 parsed', async () => {
    const fw = session.firmware();
    await conn.nextMessage(T.REQUEST_FIRMWARE_INFO);
    conn.sendMessage(T.FIRMWARE_INFORMATION, encodeFirmware('v1.0 rc5', [1, 0, 0, 1]));
    const info = await fw;
    assert.equal(info.version, 'v1.0 rc5');
    assert.deepEqual(info.words.slice(0, 4), [1, 0, 0, 1]);
  });

  it('listFiles(): A025 with payload 1, then parts in any order, split and coalesced', async () => {
    const list = session.listFiles();
    const request = await conn.nextMessage(T.REQUEST_FILE_LIST);
    assert.deepEqual(request.payload, Buffer.from([1, 0, 0, 0]));
    const parts = [
      { total: 3, index: 2, text: 'C/FILE0003.JPG:30;' },
      { total: 3, index: 0, text: '/DCIM/A/FILE0001.MP4:10;/DCIM/A/FI' },
      { total: 3, index: 1, text: 'LE0002.MP4:20;/DCIM/' },
    ].map((p) => encodeMessage(T.FILE_LIST_CONTENT, encodeFileListPart(p)));
    const bytes = Buffer.concat(parts);
    conn.send(bytes.subarray(0, 11));
    await flushIo();
    conn.send(bytes.subarray(11));
    assert.deepEqual(
      (await list).map((f) => [f.path, f.size, f.type]),
      [
        ['/DCIM/A/FILE0001.MP4', 10, 'video'],
        ['/DCIM/A/FILE0002.MP4', 20, 'video'],
        ['/DCIM/C/FILE0003.JPG', 30, 'photo'],
      ],
    );
  });

  it('takePicture(): A038 -> A039', async () => {
    const taken = session.takePicture();
    const request = await conn.nextMessage(T.TAKE_PICTURE);
    assert.equal(request.payload.length, 0);
    conn.sendMessage(T.PICTURE_SAVED);
    await taken;
  });

  it('serialises record start and stop (both answer A03B) and updates `recording`', async () => {
    const start = session.setRecording(true);
    const stop = session.setRecording(false);
    const first = await conn.nextMessage(T.CONTROL_RECORDING);
    assert.deepEqual(first.payload, Buffer.from([1, 0, 0, 0]));
    await flushIo();
    assert.equal(conn.count(T.CONTROL_RECORDING), 1, 'stop is held back until start is answered');
    conn.sendMessage(T.RECORD_COMMAND_ACCEPT);
    await start;
    assert.equal(session.recording, true);
    const second = await conn.nextMessage(T.CONTROL_RECORDING);
    assert.deepEqual(second.payload, Buffer.from([0, 0, 0, 0]));
    conn.sendMessage(T.RECORD_COMMAND_ACCEPT);
    await stop;
    assert.equal(session.recording, false);
  });

  it('request(): raw type and payload, default reply type + 1, or send only', async () => {
    const reply = session.request(0xa0f0, Buffer.from([9, 8]));
    const sent = await conn.nextMessage(0xa0f0);
    assert.deepEqual(sent.payload, Buffer.from([9, 8]));
    conn.sendMessage(0xa0f1, Buffer.from([7]));
    assert.deepEqual(await reply, { type: 0xa0f1, payload: Buffer.from([7]) });
    assert.equal(await session.request(T.START_PREVIEW, Buffer.alloc(8), { replyType: null }), undefined);
    await conn.nextMessage(T.START_PREVIEW);
    await assert.rejects(session.request(0x1_0000_0000), BadInputError);
    await assert.rejects(session.request(1, Buffer.alloc(70000)), BadInputError);
  });

  it('rejects a timeoutMs setTimeout cannot honour (above 2^31-1 ms, 0, negative, NaN) before sending anything', async () => {
    for (const timeoutMs of [2 ** 31, 3e9, 0, -1, Number.NaN]) {
      await assert.rejects(session.firmware({ timeoutMs }), (err: unknown) => err instanceof BadInputError && /timeoutMs must be a positive number up to 2147483647/.test(err.message));
    }
    await flushIo();
    assert.equal(conn.count(T.REQUEST_FIRMWARE_INFO), 0);
  });

  it('a timed-out request cleans up; its late reply is unsolicited and the session goes on', async () => {
    await assert.rejects(session.takePicture(), (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.match(err.message, /^camera 127\.0\.0\.1:\d+ did not answer TAKE_PICTURE \(0xA038\) with PICTURE_SAVED \(0xA039\) within 0\.2 s$/);
      return true;
    });
    conn.sendMessage(T.PICTURE_SAVED, Buffer.from([0xee]));
    await waitFor(() => unsolicited.length === 1, 'the late reply');
    assert.equal(unsolicited[0].type, T.PICTURE_SAVED);
    assert.ok(logger.lines.some((l) => l.includes('unsolicited PICTURE_SAVED (0xA039)') && l.includes('ee')));
    assert.equal(session.state, 'ready');
    const taken = session.takePicture();
    await conn.nextMessage(T.TAKE_PICTURE);
    await conn.nextMessage(T.TAKE_PICTURE);
    conn.sendMessage(T.PICTURE_SAVED);
    await taken;
  });

  it('abort rejects with AbortedError and the next request of that type still works', async () => {
    const ac = new AbortController();
    const aborted = session.takePicture({ signal: ac.signal, timeoutMs: 5000 });
    await conn.nextMessage(T.TAKE_PICTURE);
    ac.abort();
    await assert.rejects(aborted, AbortedError);
    await assert.rejects(session.takePicture({ signal: AbortSignal.abort() }), AbortedError);
    const taken = session.takePicture();
    await conn.nextMessage(T.TAKE_PICTURE);
    conn.sendMessage(T.PICTURE_SAVED);
    await taken;
  });

  it('close() rejects every pending request with ConnectionClosedError', async () => {
    const picture = session.takePicture({ timeoutMs: 5000 });
    const start = session.setRecording(true, { timeoutMs: 5000 });
    const stop = session.setRecording(false, { timeoutMs: 5000 });
    await conn.nextMessage(T.CONTROL_RECORDING);
    await session.close();
    for (const p of [picture, start, stop]) await assert.rejects(p, ConnectionClosedError);
    await conn.waitClosed();
  });

  it('a dropped link rejects pending requests with ConnectionClosedError', async () => {
    const picture = session.takePicture({ timeoutMs: 5000 });
    await conn.nextMessage(T.TAKE_PICTURE);
    conn.destroy();
    await assert.rejects(picture, (err: unknown) => err instanceof ConnectionClosedError && /127\.0\.0\.1/.test(err.message));
    assert.equal(session.state, 'idle');
  });

  it('an unknown message type is reported and logged in hex without disturbing a pending request', async () => {
    const fw = session.firmware();
    await conn.nextMessage(T.REQUEST_FIRMWARE_INFO);
    conn.sendMessage(0x1234, Buffer.from('dead', 'hex'));
    conn.sendMessage(0x0001_a039); // upper half set: a different type, not a PICTURE_SAVED
    conn.sendMessage(T.FIRMWARE_INFORMATION, encodeFirmware('v2', []));
    assert.equal((await fw).version, 'v2');
    assert.deepEqual(unsolicited.map((m) => m.type), [0x1234, 0x0001_a039]);
    assert.ok(logger.lines.some((l) => l.includes('0x1234') && l.includes('dead')));
    assert.equal(session.state, 'ready');
  });

  it('skips garbage, reports it, and resynchronises on the next magic', async () => {
    const fw = session.firmware();
    await conn.nextMessage(T.REQUEST_FIRMWARE_INFO);
    conn.send(Buffer.from('0102030405ab', 'hex'));
    await flushIo();
    conn.send(Buffer.concat([Buffer.from('ff', 'hex'), encodeMessage(T.FIRMWARE_INFORMATION, encodeFirmware('v3', []))]));
    assert.equal((await fw).version, 'v3');
    assert.deepEqual(Buffer.concat(garbage), Buffer.from('0102030405abff', 'hex'));
    assert.ok(logger.lines.some((l) => l.startsWith('warn:') && l.includes('0102030405')));
    assert.equal(session.state, 'ready');
  });

  it('a file-list part that cannot be decoded rejects listFiles() with a ProtocolError', async () => {
    const list = session.listFiles();
    await conn.nextMessage(T.REQUEST_FILE_LIST);
    conn.sendMessage(T.FILE_LIST_CONTENT, Buffer.from([1, 2]));
    await assert.rejects(list, (err: unknown) => err instanceof Error && 'code' in err && err.code === 'EPROTOCOL');
    assert.equal(session.state, 'ready');
  });
});
