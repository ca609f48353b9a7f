/**
 * The CLI against a scripted camera on 127.0.0.1 (issue 10): `ls` of a card with more files than the
 * old table could print (it threw "Maximum call stack size exceeded" past ~150,000) and of file names
 * carrying terminal escape sequences, which must reach the terminal escaped (finding 9); a camera
 * that floods alive requests and never reads, which must end the command with a clear error instead
 * of growing it without bound (finding 6).
 */
import assert from 'node:assert/strict';
import { MAX_FILE_LIST_PARTS, MessageType, encodeFileListPart } from '../../src/protocol';
import { FakeCamera, type FakeConnection } from '../helpers/fake-camera';
import { MAX_PART_TEXT, floodAliveRequests } from '../helpers/hostile-camera';
import { runCli } from './helpers';

const FILES = 160_000;
/**
 * Names that reset the terminal and clear the screen, colour the rest red (C1 CSI, 0x9b) and rub
 * out what came before (backspaces). No ';': the list would cut the name there (docs/PROTOCOL.md §2.7.1).
 */
const HOSTILE_NAMES = ['/DCIM/\u001bc\u001b[2JIMG.JPG', '/DCIM/\u009b31mVID.MP4', '/DCIM/fake\b\b\b\breal.JPG'];
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Logs the client in and answers its file list request with `text`, cut into whole parts. */
async function serveList(conn: FakeConnection, text: string): Promise<void> {
  await conn.acceptLogin();
  await conn.nextMessage(MessageType.REQUEST_FILE_LIST);
  const total = Math.ceil(text.length / MAX_PART_TEXT);
  assert.ok(total <= MAX_FILE_LIST_PARTS);
  for (let index = 0; index < total; index++) {
    const part = text.slice(index * MAX_PART_TEXT, (index + 1) * MAX_PART_TEXT);
    conn.sendMessage(MessageType.FILE_LIST_CONTENT, encodeFileListPart({ total, index, text: part }));
  }
}

describe('actioncam CLI: a hostile camera (integration, issue 10)', function () {
  this.timeout(60_000);
  let camera: FakeCamera;

  beforeEach(async () => {
    camera = await FakeCamera.start();
  });
  afterEach(async () => {
    await camera.close();
  });

  function ls(...extra: string[]): ReturnType<typeof runCli> {
    return runCli(['ls', '--host', '127.0.0.1', '--port', String(camera.port), '--http-port', '8080', '--timeout', '30000', ...extra], 50_000);
  }

  it(`lists ${FILES} files as a table`, async () => {
    const text = Array.from({ length: FILES }, (_, i) => `/DCIM/PHOTO/IMG_${String(i).padStart(6, '0')}.JPG:${1000 + i};`).join('');
    const listed = ls();
    await serveList(await camera.nextConnection(), text);
    const r = await listed;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, FILES + 2); // header, files, summary
    assert.match(lines[FILES], /^ *157 KiB {2}photo {2}\/DCIM\/PHOTO\/IMG_159999\.JPG$/);
    assert.match(lines[FILES + 1], new RegExp(`^${FILES} files, `));
  });

  it('prints file names with escape sequences escaped, as text and as JSON', async () => {
    const text = HOSTILE_NAMES.map((name) => `${name}:10;`).join('');
    let listed = ls();
    await serveList(await camera.nextConnection(), text);
    let r = await listed;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout.replace(/\n/g, ''), RAW_CONTROL);
    assert.equal(r.stdout.trimEnd().split('\n').length, 5, 'a name added a line');
    assert.ok(r.stdout.includes('/DCIM/\\x1bc\\x1b[2JIMG.JPG\n'), r.stdout);
    assert.ok(r.stdout.includes('/DCIM/\\x9b31mVID.MP4\n'), r.stdout);
    assert.ok(r.stdout.includes('/DCIM/fake\\x08\\x08\\x08\\x08real.JPG\n'), r.stdout);

    listed = ls('--json');
    await serveList(await camera.nextConnection(), text);
    r = await listed;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout.replace(/\n$/, ''), RAW_CONTROL);
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ path: string }>).map((f) => f.path),
      HOSTILE_NAMES,
    );
  });

  it('fails promptly with a clear error when the camera floods alive requests and never reads (finding 6)', async () => {
    const run = runCli(['firmware', '--host', '127.0.0.1', '--port', String(camera.port), '--timeout', '30000'], 20_000);
    const conn = await camera.nextConnection();
    await conn.acceptLogin();
    await conn.nextMessage(MessageType.REQUEST_FIRMWARE_INFO);
    const flood = floodAliveRequests(conn, 4 * 1024 * 1024); // 32 MB at most; ends when the CLI hangs up
    const r = await run;
    const sent = await flood;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^actioncam: camera 127\.0\.0\.1:\d+ does not read what we send: \d+ bytes wait unsent, more than the bound of 1048576: link dead\n$/);
    assert.ok(sent < 4 * 1024 * 1024, 'the CLI took the whole flood in');
  });
});
