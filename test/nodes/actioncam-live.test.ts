/**
 * actioncam-live in node-red-node-test-helper, its HTTP side served by the runtime's own express app
 * (RED.httpNode, put behind a plain http.Server on 127.0.0.1:0 here): the page and stream.mp4 under
 * /actioncam/<stream>/, start/stop/stats by msg, viewers in the status and as events, a clear error
 * for a bad or a duplicate stream name, and no route left behind by a redeploy or a close.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeAPI } from 'node-red';
import configModule = require('../../nodes/actioncam-config');
import liveModule = require('../../nodes/actioncam-live');
import { routerStack } from '../../nodes/lib/http-mount';
import type { CameraSimulator } from '../../src/simulator';
import {
  CREDENTIALS,
  TAB,
  actionFlow,
  activeResources,
  collectors,
  delay,
  helper,
  leakedResources,
  loadFlow,
  startStreamingSimulator,
  statusTexts,
  waitUntil,
} from '../helpers/node-red';
import type { NodeModule, StreamingSimulator } from '../helpers/node-red';

interface LiveEventMsg {
  event: string;
  stream: string;
  path: string;
  viewers: number;
  stats: { fps: number; frames: number; fragments: number; bytes: number };
  viewer?: { change: string };
}

describe('actioncam-live node', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let camera: StreamingSimulator['config'];
  let red: NodeAPI | undefined;
  let server: http.Server | undefined;
  let base = '';
  const requests: http.ClientRequest[] = [];
  /** The package's node modules, with the runtime API the live node was given kept for the test. */
  const capture: NodeModule = (RED) => {
    red = RED;
    liveModule(RED);
  };
  const NODES: NodeModule[] = [configModule, capture];

  beforeEach(async () => {
    ({ sim, config: camera } = await startStreamingSimulator());
  });

  afterEach(async () => {
    for (const req of requests.splice(0)) req.destroy();
    await helper.unload();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
    await sim.stop();
  });

  function live(props: Record<string, unknown> = {}): Record<string, unknown> & { type: string } {
    return { type: 'actioncam-live', camera: 'c1', stream: 'cam', autoStart: true, maxViewers: 16, ...props };
  }

  /** RED.httpNode behind a server of our own (the test helper does not listen). */
  async function serve(): Promise<void> {
    const app = (red as unknown as { httpNode: http.RequestListener }).httpNode;
    server = http.createServer((req, res) => app(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Opens stream.mp4 and resolves with the response once the first bytes came; counts bytes. */
  function openStream(path: string): Promise<{ res: http.IncomingMessage; bytes: () => number; first: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${base}${path}`, (res) => {
        let bytes = 0;
        let first: Buffer | undefined;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!first) {
            first = chunk;
            resolve({ res, bytes: () => bytes, first });
          }
        });
        res.on('error', () => undefined);
        if (res.statusCode !== 200) resolve({ res, bytes: () => bytes, first: Buffer.alloc(0) });
      });
      req.on('error', reject);
      requests.push(req);
    });
  }

  function ourLayers(): number {
    // Layers mounted with app.use('/actioncam/<stream>') carry the mount path in their regexp.
    return (routerStack(red!) ?? []).filter((layer) => /actioncam/.test(String((layer as { regexp?: unknown }).regexp))).length;
  }

  it('serves the page and stream.mp4 at /actioncam/<stream>/ on deploy and shows viewers and fps', async () => {
    await loadFlow(NODES, actionFlow(live(), camera()), CREDENTIALS);
    const { out, caught, statuses } = collectors();
    await serve();
    const started = (await out.next(10000, 'started')).payload as LiveEventMsg;
    assert.equal(started.event, 'started');
    assert.equal(started.stream, 'cam');
    assert.equal(started.path, '/actioncam/cam/');

    const page = await fetch(`${base}/actioncam/cam/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<video id="video"/);
    const bare = await fetch(`${base}/actioncam/cam?embed`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/actioncam/cam/?embed');
    assert.equal((await fetch(`${base}/actioncam/cam/other`)).status, 404);
    assert.equal((await fetch(`${base}/actioncam/other/`)).status, 404, 'express: nobody serves another stream');

    const viewer = await openStream('/actioncam/cam/stream.mp4');
    assert.equal(viewer.res.statusCode, 200);
    assert.equal(viewer.res.headers['content-type'], 'video/mp4');
    assert.equal(viewer.first.toString('latin1', 4, 8), 'ftyp');
    const joined = (await out.next(5000, 'viewers')).payload as LiveEventMsg;
    assert.equal(joined.event, 'viewers');
    assert.equal(joined.viewer?.change, 'joined');
    assert.equal(joined.viewers, 1);
    await waitUntil(() => statusTexts(statuses).some((t) => /^1 viewer · \d+ fps$/.test(t)), 5000, 'status "1 viewer · N fps"');
    await waitUntil(() => viewer.bytes() > 20000, 10000, 'video bytes');
    assert.equal(caught.messages.length, 0);
  });

  it('starts and stops by msg: 503 while stopped, the viewer closed on stop, figures on "stats"', async () => {
    await loadFlow(NODES, actionFlow(live({ autoStart: false }), camera()), CREDENTIALS);
    const { out, caught } = collectors();
    await serve();
    assert.equal((await fetch(`${base}/actioncam/cam/stream.mp4`)).status, 503);
    assert.equal((await fetch(`${base}/actioncam/cam/`)).status, 200, 'the page is there to wait on');
    const n1 = helper.getNode('n1');

    n1.receive({ payload: 'start', topic: 'go' });
    const started = await out.next(10000, 'started');
    assert.equal((started.payload as LiveEventMsg).event, 'started');
    assert.equal(started.topic, 'go');
    const viewer = await openStream('/actioncam/cam/stream.mp4');
    await waitUntil(() => viewer.bytes() > 10000, 10000, 'video bytes');
    await out.next(5000, 'viewers joined');

    n1.receive({ payload: 'stats' });
    const stats = (await out.next(5000, 'stats')).payload as LiveEventMsg;
    assert.equal(stats.event, 'stats');
    assert.ok(stats.stats.fragments > 0 && stats.stats.bytes > 10000, JSON.stringify(stats.stats));

    const ended = new Promise((resolve) => viewer.res.once('close', resolve));
    n1.receive({ payload: false });
    const stopped = (await out.next(5000, 'stopped')).payload as LiveEventMsg;
    assert.equal(stopped.event, 'stopped');
    assert.equal(stopped.viewers, 0);
    await ended;
    assert.equal((await fetch(`${base}/actioncam/cam/index.m3u8`)).status, 503);

    n1.receive({ payload: 'dance' });
    await waitUntil(() => caught.messages.length === 1, 5000, 'the Catch node');
    assert.match(String((caught.messages[0].error as { message: string }).message), /"start", "stop" or "stats"/);
  });

  it('a second node with the same stream name fails clearly and serves nothing; a bad name too', async () => {
    const flow = actionFlow(live(), camera());
    flow.push({ id: 'n2', z: TAB, type: 'actioncam-live', camera: 'c1', stream: 'cam', autoStart: true, wires: [[]] });
    flow.push({ id: 'n3', z: TAB, type: 'actioncam-live', camera: 'c1', stream: '../x', autoStart: true, wires: [[]] });
    await loadFlow(NODES, flow, CREDENTIALS);
    const { caught } = collectors();
    await waitUntil(() => caught.messages.length >= 2, 5000, 'two errors');
    const errors = caught.messages.map((m) => ({ source: (m.error as { source: { id: string } }).source.id, message: (m.error as { message: string }).message }));
    errors.sort((a, b) => a.source.localeCompare(b.source));
    assert.equal(errors[0].source, 'n2');
    assert.match(errors[0].message, /already serves the stream "cam"/);
    assert.equal(errors[1].source, 'n3');
    assert.match(errors[1].message, /stream name must be 1 to 64 letters/);
    assert.equal(ourLayers(), 1, 'one route: the first node\'s');
  });

  it('leaves no stale route after redeploys, and none after close', async () => {
    const flow = actionFlow(live(), camera());
    await loadFlow(NODES, flow, CREDENTIALS);
    await serve();
    assert.equal(ourLayers(), 1);
    for (const stream of ['cam2', 'cam3']) {
      const next = flow.map((n) => (n.id === 'n1' ? { ...n, stream } : n));
      await helper.setFlows(next, 'nodes', CREDENTIALS);
      await waitUntil(() => ourLayers() === 1, 5000, 'one route after the redeploy');
      assert.equal((await fetch(`${base}/actioncam/${stream}/`)).status, 200);
    }
    assert.equal((await fetch(`${base}/actioncam/cam/`)).status, 404, 'the old stream name is gone');
    await helper.setFlows(flow.filter((n) => n.id !== 'n1'), 'full', CREDENTIALS);
    await waitUntil(() => ourLayers() === 0, 5000, 'no route once the node is gone');
    assert.equal((await fetch(`${base}/actioncam/cam3/`)).status, 404);
  });

  it('leaves no sockets or timers behind, also when closed while still starting', async () => {
    const before = await activeResources();
    // Removed by a redeploy at once: its automatic start finishes after its close.
    const flow = actionFlow(live(), camera());
    await loadFlow(NODES, flow, CREDENTIALS);
    await helper.setFlows(flow.filter((n) => n.id !== 'n1'), 'nodes', CREDENTIALS);
    await delay(500);
    await helper.unload();
    // Closed while a viewer watches.
    await loadFlow(NODES, actionFlow(live(), camera()), CREDENTIALS);
    const { out } = collectors();
    await serve();
    await out.next(10000, 'started');
    const viewer = await openStream('/actioncam/cam/stream.mp4');
    await waitUntil(() => viewer.bytes() > 10000, 10000, 'video bytes');
    await helper.unload();
    for (const req of requests.splice(0)) req.destroy();
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await waitUntil(() => sim.clientCount === 0, 5000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
