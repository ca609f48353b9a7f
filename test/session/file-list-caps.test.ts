/**
 * Issue 10, finding 1: a hostile camera's file list (the protocol allows 4096 parts of 64 KiB,
 * 268 MB) must meet a cap on bytes and on entries with a clear error naming the camera, never
 * exhaust the heap. Real sockets on 127.0.0.1; the real-size attack runs against a child process
 * with a small heap, the caps themselves are shown lowered.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ProtocolError } from '../../src/errors';
import { MessageType, encodeFileListPart, encodeFirmware } from '../../src/protocol';
import { CameraSession, SessionDefaults } from '../../src/session';
import { FakeCamera } from '../helpers/fake-camera';
import { partText, sendFileList } from '../helpers/hostile-camera';
import { openSession, fakeCameraPerTest } from './util';

const T = MessageType;
const CHILD = path.resolve(__dirname, '..', 'helpers', 'list-files-child.js');
/** Heap of the child: a small device's. The capped list fits easily; the uncapped one cannot. */
const CHILD_HEAP_MB = 96;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(port: number, timeoutMs: number): Promise<ChildResult> {
  const child = spawn(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MB}`, CHILD, '127.0.0.1', String(port)], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('session: file list caps (issue 10 finding 1)', function () {
  this.timeout(60_000);
  let camera: FakeCamera;
  const sessions: CameraSession[] = [];
  fakeCameraPerTest((c) => (camera = c), sessions);

  it(`a list at the protocol's cap (4096 parts of 64 KiB) meets the entry cap in a ${CHILD_HEAP_MB} MB heap, with a clear error`, async () => {
    const finished = runChild(camera.port, 50_000);
    const conn = await camera.nextConnection();
    await conn.acceptLogin();
    // 9-byte entries: 7280 a part, 29.8 million in the whole list (the heaviest list per byte).
    const sent = sendFileList(conn, partText('/a.JPG:1;'));
    const result = await finished;
    const parts = await sent;
    assert.equal(result.code, 0, `the child died (signal ${result.signal}): ${result.stderr.split('\n').slice(0, 5).join(' | ')}`);
    const doc = JSON.parse(result.stdout) as { ok: boolean; code?: string; message?: string };
    assert.equal(doc.ok, false);
    assert.equal(doc.code, 'EPROTOCOL');
    assert.match(String(doc.message), /^camera 127\.0\.0\.1:\d+ sent a file list of more than 200000 entries, the cap/);
    assert.ok(parts < 4096, `the child read all ${parts} parts instead of stopping at the cap`);
  });

  it('refuses a list past maxFileListBytes with a ProtocolError naming the camera and the cap, and stays usable', async () => {
    const { session, conn } = await openSession(camera, { maxFileListBytes: 100_000 });
    sessions.push(session);
    const listing = session.listFiles({ timeoutMs: 10_000 });
    const sending = sendFileList(conn, partText('/DCIM/MOVIE/' + 'x'.repeat(900) + '.MP4:1;', 40_000), 10);
    await assert.rejects(listing, (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.match(err.message, /^camera 127\.0\.0\.1:\d+ sent a file list of more than 100000 bytes, the cap .*: the list was refused$/);
      return true;
    });
    await sending;
    // The session is still up: the next request is answered.
    const firmware = session.firmware();
    await conn.nextMessage(T.REQUEST_FIRMWARE_INFO);
    conn.sendMessage(T.FIRMWARE_INFORMATION, encodeFirmware('v1.0 rc5', []));
    assert.equal((await firmware).version, 'v1.0 rc5');
    assert.equal(session.state, 'ready');
  });

  it('refuses a list past maxFileListEntries, counting entries as the parts arrive', async () => {
    const { session, conn } = await openSession(camera, { maxFileListEntries: 1000 });
    sessions.push(session);
    const listing = session.listFiles({ timeoutMs: 10_000 });
    await conn.nextMessage(T.REQUEST_FILE_LIST);
    // 600 entries a part: the second part passes the cap, the third is never needed.
    const part = (index: number): Buffer => encodeFileListPart({ total: 3, index, text: partText('/P/IMG.JPG:5;', 600 * 13) });
    conn.sendMessage(T.FILE_LIST_CONTENT, part(0));
    conn.sendMessage(T.FILE_LIST_CONTENT, part(1));
    await assert.rejects(listing, /^ProtocolError: camera 127\.0\.0\.1:\d+ sent a file list of more than 1000 entries, the cap \(a full 512 GB card holds tens of thousands of files\): the list was refused$/);
  });

  it('the defaults are named: 200,000 entries and 16 MiB', () => {
    assert.equal(SessionDefaults.maxFileListEntries, 200_000);
    assert.equal(SessionDefaults.maxFileListBytes, 16 * 1024 * 1024);
  });
});
