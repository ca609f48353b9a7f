/**
 * Simulator control conversations over a raw TCP socket on 127.0.0.1: the vendor login sequence
 * (docs/PROTOCOL.md §2.3), keep-alive, and every command the protocol notes describe.
 */
import assert from 'node:assert/strict';
import * as http from 'http';
import { promises as fs } from 'fs';
import * as path from 'path';
import { CameraSimulator } from '../../src/simulator';
import type { SimulatorAddresses, SimulatorOptions } from '../../src/simulator';
import {
  FileListAssembler,
  MessageType,
  decodeFileListPart,
  encodeFileListRequestPayload,
  encodeLoginPayload,
  encodeRecordPayload,
  parseFileList,
  parseFirmware,
} from '../../src/protocol';
import type { FileEntry } from '../../src/protocol';
import { RawClient } from './raw-client';

const ASSETS = path.join(__dirname, '..', '..', 'src', 'simulator', 'assets');

describe('simulator: control channel', function () {
  let sim: CameraSimulator;
  let addr: SimulatorAddresses;
  const clients: RawClient[] = [];

  async function startSim(opts: SimulatorOptions = {}): Promise<void> {
    sim = new CameraSimulator(opts);
    addr = await sim.start();
  }

  async function connect(): Promise<RawClient> {
    const c = await RawClient.connect(addr.controlPort);
    clients.push(c);
    return c;
  }

  async function loggedIn(): Promise<RawClient> {
    const c = await connect();
    await c.loginAndWait();
    return c;
  }

  afterEach(async function () {
    for (const c of clients.splice(0)) c.close();
    await sim.stop();
  });

  describe('login', function () {
    beforeEach(() => startSim());

    it('sends its alive request before the accept, and the accept after the client answers it', async function () {
      const c = await connect();
      c.login();
      await c.next(MessageType.ALIVE_REQUEST);
      assert.deepEqual(c.types, [MessageType.ALIVE_REQUEST], 'nothing but the alive request before the client answers');
      c.send(MessageType.ALIVE_RESPONSE);
      const accept = await c.next(MessageType.LOGIN_ACCEPT);
      assert.deepEqual(c.types, [MessageType.ALIVE_REQUEST, MessageType.LOGIN_ACCEPT]);
      assert.deepEqual(accept.payload, encodeLoginPayload('admin', '12345'), 'the XPro2 accept echoes the 128-byte login');
      assert.equal(sim.stats.logins, 1);
    });

    it('sends the accept anyway when the client never answers the alive request', async function () {
      const c = await connect();
      c.login();
      const accept = await c.next(MessageType.LOGIN_ACCEPT);
      assert.equal(accept.payload.length, 128);
      assert.equal(c.types[0], MessageType.ALIVE_REQUEST);
    });

    it('never accepts wrong credentials, but keeps the connection and answers alive', async function () {
      const c = await connect();
      c.login('admin', 'wrong');
      await c.next(MessageType.ALIVE_REQUEST);
      c.send(MessageType.ALIVE_RESPONSE);
      assert.ok(await c.noneWithin(MessageType.LOGIN_ACCEPT, 1300));
      c.send(MessageType.ALIVE_REQUEST);
      await c.next(MessageType.ALIVE_RESPONSE);
      assert.equal(sim.stats.logins, 0);
    });

    it('ignores commands before login and answers them after', async function () {
      const c = await connect();
      c.send(MessageType.REQUEST_FIRMWARE_INFO);
      assert.ok(await c.noneWithin(MessageType.FIRMWARE_INFORMATION, 200));
      await c.loginAndWait();
      c.send(MessageType.REQUEST_FIRMWARE_INFO);
      await c.next(MessageType.FIRMWARE_INFORMATION);
    });

    it('emits client, login and command events', async function () {
      const seen: string[] = [];
      sim.on('client', () => seen.push('client'));
      sim.on('login', () => seen.push('login'));
      sim.on('command', (type: number) => seen.push(`command:${type.toString(16)}`));
      await loggedIn();
      assert.deepEqual(seen, ['client', 'command:110', 'command:113', 'login']);
    });
  });

  it('answers with a 129-byte accept when configured like the SJ4000 Air', async function () {
    await startSim({ loginAcceptLength: 129 });
    const c = await connect();
    const accept = await c.loginAndWait();
    assert.equal(accept.payload.length, 129);
    assert.deepEqual(accept.payload.subarray(0, 128), encodeLoginPayload('admin', '12345'));
  });

  it('checks configured credentials', async function () {
    await startSim({ username: 'cam', password: 'secret' });
    const c = await connect();
    c.login('cam', 'secret');
    await c.next(MessageType.ALIVE_REQUEST);
    c.send(MessageType.ALIVE_RESPONSE);
    await c.next(MessageType.LOGIN_ACCEPT);
  });

  describe('keep-alive', function () {
    it('answers the client alive request at once, before login too', async function () {
      await startSim();
      const c = await connect();
      c.send(MessageType.ALIVE_REQUEST);
      await c.next(MessageType.ALIVE_RESPONSE);
    });

    it('sends its own alive request every aliveIntervalMs', async function () {
      await startSim({ aliveIntervalMs: 50 });
      const c = await connect();
      await c.next(MessageType.ALIVE_REQUEST);
      await c.next(MessageType.ALIVE_REQUEST);
    });
  });

  describe('commands', function () {
    beforeEach(() => startSim());

    it('A034 answers the XPro2 firmware block with the configured version', async function () {
      const c = await loggedIn();
      c.send(MessageType.REQUEST_FIRMWARE_INFO);
      const reply = await c.next(MessageType.FIRMWARE_INFORMATION);
      assert.equal(reply.payload.length, 112);
      const fw = parseFirmware(reply.payload);
      assert.equal(fw.version, 'v1.0 rc5');
      assert.deepEqual(fw.words, [1, 0, 0, 1, 1, 4, 0, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 8, 0, 0]);
    });

    it('A025 answers the seeded files in several A026 parts', async function () {
      const c = await loggedIn();
      const entries = await listFiles(c);
      assert.deepEqual(
        entries.map((e) => [e.path, e.size, e.type]),
        sim.files.map((f) => [f.path, f.size, f.type]),
      );
      assert.deepEqual(entries.map((e) => e.type).sort(), ['photo', 'video']);
    });

    it('A038 adds a JPEG that HTTP serves byte for byte, then A039', async function () {
      const c = await loggedIn();
      const before = sim.files.length;
      c.send(MessageType.TAKE_PICTURE);
      await c.next(MessageType.PICTURE_SAVED);
      assert.equal(sim.files.length, before + 1);
      const listed = await listFiles(c);
      const newest = listed[listed.length - 1];
      assert.match(newest.path, /^\/DCIM\/PHOTO\/IMG_\d{4}\.JPG$/);
      const body = await get(addr.httpPort, newest.path);
      assert.equal(body.status, 200);
      assert.equal(body.contentType, 'image/jpeg');
      assert.deepEqual(body.data, await fs.readFile(path.join(ASSETS, 'still.jpg')));
      assert.equal(body.data.length, newest.size);
    });

    it('A03A start/stop answers A03B and the stop adds a video', async function () {
      const c = await loggedIn();
      const before = sim.files.length;
      c.send(MessageType.CONTROL_RECORDING, encodeRecordPayload(true));
      await c.next(MessageType.RECORD_COMMAND_ACCEPT);
      assert.equal(sim.recording, true);
      c.send(MessageType.CONTROL_RECORDING, encodeRecordPayload(false));
      await c.next(MessageType.RECORD_COMMAND_ACCEPT);
      assert.equal(sim.recording, false);
      assert.equal(sim.files.length, before + 1);
      const video = sim.files[sim.files.length - 1];
      assert.equal(video.type, 'video');
      assert.match(video.path, /^\/DCIM\/MOVIE\/VID_\d{4}\.MP4$/);
      assert.ok(video.size > 100_000, 'a few hundred KB');
      const listed = (await listFiles(c)).find((e) => e.path === video.path);
      assert.equal(listed?.size, video.size);
    });

    it('an unknown type gets no reply and the session carries on', async function () {
      const c = await loggedIn();
      c.send(0xa0ff, Buffer.from('0102', 'hex'));
      c.send(MessageType.REQUEST_FIRMWARE_INFO);
      await c.next(MessageType.FIRMWARE_INFORMATION);
      assert.ok(!c.types.includes(0xa100));
    });

    it('understands messages split across TCP segments and coalesced in one', async function () {
      const c = await connect();
      const login = Buffer.concat([
        Buffer.from([0xab, 0xcd, 0x00, 0x80, 0x00, 0x00, 0x01, 0x10]),
        encodeLoginPayload('admin', '12345'),
      ]);
      c.socket.write(login.subarray(0, 5));
      await new Promise((r) => setTimeout(r, 20));
      c.socket.write(login.subarray(5));
      await c.next(MessageType.ALIVE_REQUEST);
      c.socket.write(Buffer.from('abcd000000000113abcd00000000a034', 'hex'));
      await c.next(MessageType.LOGIN_ACCEPT);
      await c.next(MessageType.FIRMWARE_INFORMATION);
    });
  });

  describe('lifecycle', function () {
    it('stop() destroys clients, is idempotent, and a stopped simulator cannot restart', async function () {
      await startSim();
      const c = await loggedIn();
      await sim.stop();
      await sim.stop();
      await c.whenClosed();
      assert.equal(sim.clientCount, 0);
      await assert.rejects(sim.start(), { code: 'ESTATE' });
    });

    it('start() rejects when the control port is taken and releases what it bound', async function () {
      await startSim();
      const other = new CameraSimulator({ controlPort: addr.controlPort });
      await assert.rejects(other.start(), { code: 'EADDRINUSE' });
      await other.stop();
    });
  });
});

/** Requests the list and reassembles the A026 parts in index order. */
async function listFiles(c: RawClient): Promise<FileEntry[]> {
  c.send(MessageType.REQUEST_FILE_LIST, encodeFileListRequestPayload());
  const assembler = new FileListAssembler();
  let parts = 0;
  for (;;) {
    parts++;
    if (assembler.add(decodeFileListPart((await c.next(MessageType.FILE_LIST_CONTENT)).payload))) break;
  }
  assert.ok(parts > 1, `the list should come in several parts, got ${parts}`);
  return parseFileList(assembler.text());
}

interface Fetched {
  status: number;
  contentType?: string;
  data: Buffer;
}

function get(port: number, urlPath: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], data: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
