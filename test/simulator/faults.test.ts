/**
 * Each simulator fault knob, observed from a raw client, and the HTTP file server's refusals.
 */
import assert from 'node:assert/strict';
import * as http from 'http';
import { CameraSimulator } from '../../src/simulator';
import type { SimulatorAddresses } from '../../src/simulator';
import { MessageType } from '../../src/protocol';
import { RawClient } from './raw-client';

describe('simulator: faults', function () {
  let sim: CameraSimulator;
  let addr: SimulatorAddresses;
  const clients: RawClient[] = [];

  async function connect(): Promise<RawClient> {
    const c = await RawClient.connect(addr.controlPort);
    clients.push(c);
    return c;
  }

  beforeEach(async function () {
    sim = new CameraSimulator({ aliveIntervalMs: 50 });
    addr = await sim.start();
  });

  afterEach(async function () {
    for (const c of clients.splice(0)) c.close();
    await sim.stop();
  });

  it('rejectLogin: the alive request comes, the accept never does', async function () {
    sim.faults.rejectLogin = true;
    const c = await connect();
    c.login();
    await c.next(MessageType.ALIVE_REQUEST);
    c.send(MessageType.ALIVE_RESPONSE);
    assert.ok(await c.noneWithin(MessageType.LOGIN_ACCEPT, 1300));
    assert.equal(sim.stats.logins, 0);
  });

  it('ignoreAlive: no answer to 0112 and no alive requests of its own, login still works', async function () {
    sim.faults.ignoreAlive = true;
    const c = await connect();
    c.login();
    await c.next(MessageType.LOGIN_ACCEPT);
    c.send(MessageType.ALIVE_REQUEST);
    assert.ok(await c.noneWithin(MessageType.ALIVE_RESPONSE, 300));
    assert.ok(!c.types.includes(MessageType.ALIVE_REQUEST), 'several alive intervals passed without one');
  });

  it('rejectSecondClient: a second concurrent client is closed at once, the first is unaffected', async function () {
    sim.faults.rejectSecondClient = true;
    const first = await connect();
    await first.loginAndWait();
    const second = await connect();
    await second.whenClosed();
    assert.equal(sim.clientCount, 1);
    first.send(MessageType.REQUEST_FIRMWARE_INFO);
    await first.next(MessageType.FIRMWARE_INFORMATION);
  });

  it('without rejectSecondClient two clients are served side by side', async function () {
    const a = await connect();
    const b = await connect();
    await a.loginAndWait();
    await b.loginAndWait();
    assert.equal(sim.clientCount, 2);
  });

  it('replyDelayMs: replies come late but in order', async function () {
    const c = await connect();
    await c.loginAndWait();
    sim.faults.replyDelayMs = 400;
    c.send(MessageType.REQUEST_FIRMWARE_INFO);
    c.send(MessageType.TAKE_PICTURE);
    assert.ok(await c.noneWithin(MessageType.FIRMWARE_INFORMATION, 100), 'not before the delay');
    await c.next(MessageType.FIRMWARE_INFORMATION);
    await c.next(MessageType.PICTURE_SAVED);
    const order = c.types.filter((t) => t === MessageType.FIRMWARE_INFORMATION || t === MessageType.PICTURE_SAVED);
    assert.deepEqual(order, [MessageType.FIRMWARE_INFORMATION, MessageType.PICTURE_SAVED]);
  });

  it('garbageBeforeReplies: non-magic bytes precede each reply, which still parses', async function () {
    const c = await connect();
    await c.loginAndWait();
    sim.faults.garbageBeforeReplies = true;
    c.send(MessageType.REQUEST_FIRMWARE_INFO);
    await c.next(MessageType.FIRMWARE_INFORMATION);
    assert.ok(c.skipped.length > 0);
    for (const junk of c.skipped) assert.ok(!junk.includes(0xab), 'garbage never contains the magic byte');
  });

  it('dropConnections() destroys every client', async function () {
    const a = await connect();
    const b = await connect();
    sim.dropConnections();
    await a.whenClosed();
    await b.whenClosed();
  });

  it('notify() sends a message nobody asked for to every logged-in client only', async function () {
    const loggedIn = await connect();
    await loggedIn.loginAndWait();
    const fresh = await connect();
    sim.notify(0xa0f0, Buffer.from('0102', 'hex'));
    const msg = await loggedIn.next(0xa0f0);
    assert.deepEqual(msg.payload, Buffer.from('0102', 'hex'));
    assert.ok(await fresh.noneWithin(0xa0f0, 100));
  });

  it('sendGarbage() writes the given bytes to every client', async function () {
    const c = await connect();
    sim.sendGarbage(Buffer.from('0102030405', 'hex'));
    c.send(MessageType.ALIVE_REQUEST);
    await c.next(MessageType.ALIVE_RESPONSE);
    assert.deepEqual(Buffer.concat(c.skipped), Buffer.from('0102030405', 'hex'));
  });
});

describe('simulator: HTTP file server', function () {
  let sim: CameraSimulator;
  let port: number;

  before(async function () {
    sim = new CameraSimulator();
    port = (await sim.start()).httpPort;
  });

  after(() => sim.stop());

  afterEach(() => {
    sim.faults.httpCut = null;
  });

  it('addFile() lists a file under any name and serves it', async function () {
    const file = sim.addFile('/DCIM/PHOTO/odd name.JPG', Buffer.from('abc'));
    assert.deepEqual(sim.files.at(-1), file);
    assert.deepEqual({ name: file.name, size: file.size, type: file.type }, { name: 'odd name.JPG', size: 3, type: 'photo' });
    const res = await request(port, 'GET', '/DCIM/PHOTO/odd%20name.JPG');
    assert.deepEqual(res.body, Buffer.from('abc'));
  });

  it('httpCut: the full Content-Length, then afterBytes of the body, then the connection drops', async function () {
    const [video, photo] = [sim.files.find((f) => f.type === 'video')!, sim.files.find((f) => f.type === 'photo')!];
    sim.faults.httpCut = { path: video.path, afterBytes: 1000 };
    const cut = await partialGet(port, video.path);
    assert.equal(cut.contentLength, String(video.size));
    assert.deepEqual(cut.body, video.data.subarray(0, 1000));
    assert.equal(cut.complete, false);
    const other = await partialGet(port, photo.path);
    assert.equal(other.complete, true, 'another path is served whole');
    sim.faults.httpCut = { afterBytes: 10 };
    assert.equal((await partialGet(port, photo.path)).body.length, 10, 'without a path every file is cut');
  });

  it('HEAD gives the Content-Length and Content-Type without a body', async function () {
    const video = sim.files.find((f) => f.type === 'video');
    assert.ok(video);
    const res = await request(port, 'HEAD', video.path);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(video.size));
    assert.equal(res.headers['content-type'], 'video/mp4');
    assert.equal(res.body.length, 0);
  });

  it('GET of a listed video serves its bytes', async function () {
    const video = sim.files.find((f) => f.type === 'video');
    assert.ok(video);
    const res = await request(port, 'GET', video.path);
    assert.deepEqual(res.body, video.data);
  });

  const refusals: Array<[string, string, number]> = [
    ['GET', '/DCIM/PHOTO/NOPE.JPG', 404],
    ['GET', '/', 404],
    ['GET', '/DCIM/../DCIM/PHOTO/IMG_0001.JPG', 400],
    ['GET', '/DCIM/%2e%2e/etc/passwd', 400],
    ['GET', '/DCIM%5cPHOTO', 400],
    ['GET', '/%E0%A4%A', 400],
    ['POST', '/DCIM/PHOTO/IMG_0001.JPG', 405],
  ];
  for (const [method, urlPath, status] of refusals) {
    it(`${method} ${urlPath} -> ${status}`, async function () {
      assert.equal((await request(port, method, urlPath)).status, status);
    });
  }
});

/** GET that resolves whatever arrives before the connection ends, and whether the body was complete. */
function partialGet(port: number, urlPath: string): Promise<{ contentLength?: string; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ contentLength: res.headers['content-length'], body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', reject);
  });
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(port: number, method: string, urlPath: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
