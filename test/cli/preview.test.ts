/**
 * `actioncam relay` and `actioncam rtsp` against a camera simulator on 127.0.0.1: each prints its
 * SDP / URL first, really carries the preview (RTP packets arrive; an RTSP DESCRIBE is answered),
 * and stops with exit 0 on SIGINT.
 */
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CameraSimulator } from '../../src/simulator';
import { closedTcpPort, collect, exited, firstLine, freeTcpPort, freeUdpPort, reserveUdpPort, runCli, spawnCli } from './helpers';

/** Resolves with the first datagram `socket` receives. */
function nextDatagram(socket: dgram.Socket, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no datagram within ${timeoutMs} ms`)), timeoutMs);
    socket.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Sends one RTSP request on a fresh connection and resolves with the whole response text. */
function rtspRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete RTSP response; got: ${text}`));
    }, 10000);
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/^Content-Length:\s*(\d+)/im.exec(text)?.[1] ?? 0);
      if (text.length >= end + 4 + length) {
        clearTimeout(timer);
        socket.end();
        resolve(text);
      }
    });
  });
}

describe('actioncam CLI: relay and rtsp (integration)', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let camera: string[];
  let tmp: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  function start(args: string[]): ChildProcessWithoutNullStreams {
    const child = spawnCli(args);
    children.push(child);
    return child;
  }

  beforeEach(async () => {
    // A fresh simulator and preview port per test: the preview port must be free for the CLI to bind,
    // so it stays reserved while the simulator binds its own (ephemeral) UDP ports.
    const preview = await reserveUdpPort();
    sim = new CameraSimulator({ host: '127.0.0.1', previewPort: preview.port });
    const addr = await sim.start().finally(() => preview.release());
    camera = ['--host', '127.0.0.1', '--port', String(addr.controlPort), '--preview-port', String(preview.port)];
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    await sim.stop();
  });

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'actioncam-cli-preview-'));
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('relay prints the SDP first, sends RTP to --to, writes --sdp, and exits 0 on SIGINT', async () => {
    const player = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => player.bind(0, '127.0.0.1', resolve));
    try {
      const { port } = player.address();
      const sdpFile = path.join(tmp, 'relay.sdp');
      const packet = nextDatagram(player, 15000);
      const child = start(['relay', ...camera, '--to', `127.0.0.1:${port}`, '--sdp', sdpFile]);
      const output = collect(child, 30000);
      assert.equal(await firstLine(child), 'v=0\r', 'SDP lines end in CRLF (RFC 4566)');
      const rtp = await packet;
      assert.equal(rtp[0] >> 6, 2, 'RTP version 2');
      assert.equal(rtp[1] & 0x7f, 96, 'payload type 96');
      const sdp = await readFile(sdpFile, 'utf8');
      assert.match(sdp, /^v=0\r?\n/);
      assert.match(sdp, new RegExp(`^m=video ${port} RTP/AVP 96`, 'm'));
      assert.match(sdp, /^a=fmtp:96 .*sprop-parameter-sets=/m);
      child.kill('SIGINT');
      const result = await output;
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.startsWith(sdp.split(/\r?\n/)[0]));
      assert.match(result.stdout, /^m=video /m);
    } finally {
      player.close();
    }
  });

  it('relay --json prints {event, sdp} as one line', async () => {
    const port = await freeUdpPort();
    const child = start(['relay', ...camera, '--to', `127.0.0.1:${port}`, '--json']);
    const doc = JSON.parse(await firstLine(child)) as { event: string; sdp: string };
    assert.deepEqual(Object.keys(doc), ['event', 'sdp']);
    assert.equal(doc.event, 'started');
    assert.match(doc.sdp, /^v=0\r?\n/);
    child.kill('SIGTERM');
    assert.equal((await exited(child)).code, 0);
  });

  it('rtsp prints the URL first, answers DESCRIBE with the stream, and exits 0 on SIGINT', async () => {
    const port = await freeTcpPort();
    const child = start(['rtsp', ...camera, '--listen', `127.0.0.1:${port}`, '--path', '/cam']);
    const url = await firstLine(child);
    assert.equal(url, `rtsp://127.0.0.1:${port}/cam`);
    const reply = await rtspRequest(port, `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n`);
    assert.match(reply, /^RTSP\/1\.0 200 OK\r\n/);
    assert.match(reply, /^m=video 0 RTP\/AVP 96/m);
    child.kill('SIGINT');
    const { code } = await exited(child);
    assert.equal(code, 0);
  });

  it('rtsp --rtsp-user/--rtsp-password makes players log in with Digest (the camera keeps its own --user)', async () => {
    const port = await freeTcpPort();
    const child = start(['rtsp', ...camera, '--listen', `127.0.0.1:${port}`, '--rtsp-user', 'viewer', '--rtsp-password', 'pw']);
    const url = await firstLine(child);
    const reply = await rtspRequest(port, `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n`);
    assert.match(reply, /^RTSP\/1\.0 401 Unauthorized\r\n/);
    assert.match(reply, /^WWW-Authenticate: Digest realm="actioncam", nonce="[0-9a-f]+", algorithm=MD5\r$/m);
    child.kill('SIGINT');
    assert.equal((await exited(child)).code, 0);
    const lonely = await runCli(['rtsp', ...camera, '--rtsp-user', 'viewer']);
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /^actioncam: --rtsp-user and --rtsp-password go together \(/);
  });

  it('rtsp --json prints {event, url} as one line', async () => {
    const port = await freeTcpPort();
    const child = start(['rtsp', ...camera, '--listen', `127.0.0.1:${port}`, '--json']);
    assert.deepEqual(JSON.parse(await firstLine(child)), { event: 'started', url: `rtsp://127.0.0.1:${port}/live` });
    child.kill('SIGINT');
    assert.equal((await exited(child)).code, 0);
  });

  it('relay fails with exit 1 and one line when the camera is unreachable', async () => {
    const port = await closedTcpPort();
    const previewPort = await freeUdpPort();
    const r = await runCli(['relay', '--host', '127.0.0.1', '--port', String(port), '--preview-port', String(previewPort), '--timeout', '2000']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^actioncam: camera 127\\.0\\.0\\.1:${port} unreachable.*\\n$`));
  });
});
