import assert from 'node:assert/strict';
import * as net from 'node:net';
import { decodeRtpPacket } from '../../src/media/rtp/header';
import type { CameraSimulator } from '../../src/simulator';
import configModule = require('../../nodes/actioncam-config');
import relayModule = require('../../nodes/actioncam-rtp-relay');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { openRtpSink } from '../helpers/rtp-sink';
import type { RtpSink } from '../helpers/rtp-sink';
import { RawRtspClient } from '../helpers/rtsp-client';
import {
  CREDENTIALS,
  TAB,
  actionFlow,
  activeResources,
  collectors,
  configNode,
  helper,
  leakedResources,
  loadFlow,
  startStreamingSimulator,
  statusTexts,
  waitUntil,
} from '../helpers/node-red';
import type { Msg, StreamingSimulator } from '../helpers/node-red';

const NODES = [configModule, relayModule, snapshotModule];

interface RelayEvent {
  event: string;
  mode: string;
  url?: string;
  sdp?: string;
  clients: number;
  stats: { fps: number; frames: number; packets: number; bytes: number };
  client?: { change: string; transport: string };
}

describe('actioncam-rtp-relay node', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let previewPort: number;
  let camera: StreamingSimulator['config'];
  const clients: RawRtspClient[] = [];
  let sink: RtpSink | undefined;

  beforeEach(async () => {
    ({ sim, previewPort, config: camera } = await startStreamingSimulator());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await helper.unload();
    await sim.stop();
    await sink?.close();
    sink = undefined;
  });

  function relay(props: Record<string, unknown>): Record<string, unknown> & { type: string } {
    return { type: 'actioncam-rtp-relay', camera: 'c1', mode: 'rtsp', bind: '127.0.0.1', rtspPort: 0, path: '/live', autoStart: true, maxPayload: 1400, ...props };
  }

  async function play(url: string): Promise<RawRtspClient> {
    const { port } = new URL(url.replace(/^rtsp:/, 'http:'));
    const client = await RawRtspClient.connect(Number(port));
    clients.push(client);
    assert.equal((await client.request('OPTIONS', url)).status, 200);
    const describe = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
    assert.equal(describe.status, 200);
    assert.match(describe.body.toString(), /a=fmtp:96 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=/);
    const setup = await client.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(setup.status, 200);
    const session = String(setup.headers.get('session')).split(';')[0];
    assert.equal((await client.request('PLAY', `${url}/`, { Session: session, Range: 'npt=0.000-' })).status, 200);
    return client;
  }

  it('serves the camera preview over RTSP on deploy, reports players, and keeps snapshots working', async () => {
    const flow = actionFlow(relay({}), camera());
    flow.push({ id: 'snap', z: TAB, type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 10000, wires: [['snapout']] });
    flow.push({ id: 'snapout', z: TAB, type: 'helper' });
    await loadFlow(NODES, flow, CREDENTIALS);
    const { out, caught, statuses } = collectors();

    // Listening at once, but "waiting" until the camera's video flows, then "started" by itself.
    const waiting = (await out.next()).payload as RelayEvent;
    assert.equal(waiting.event, 'waiting');
    assert.equal(waiting.mode, 'rtsp');
    assert.match(String(waiting.url), /^rtsp:\/\/127\.0\.0\.1:\d+\/live$/);
    const started = (await out.next()).payload as RelayEvent;
    assert.equal(started.event, 'started');
    assert.equal(started.url, waiting.url);

    const client = await play(String(started.url));
    await client.waitFrames(0, 20);
    const packets = client.framesOn(0).map((p) => decodeRtpPacket(p));
    assert.ok(packets.every((p) => p.header.payloadType === 96 && p.payload.length <= 1400));
    assert.ok(packets.some((p) => p.header.marker));

    const joined = (await out.next()).payload as RelayEvent;
    assert.equal(joined.event, 'clients');
    assert.equal(joined.client?.change, 'play');
    assert.equal(joined.client?.transport, 'tcp');
    assert.equal(joined.clients, 1);
    await waitUntil(() => statusTexts(statuses).some((t) => /^1 viewer · \d+ fps$/.test(t)), 5000, 'status "1 viewer · N fps"');

    // The camera has one control session: a still while streaming goes through the same one.
    const snapOut = helper.getNode('snapout');
    const still = new Promise<Msg>((resolve) => snapOut.on('input', resolve));
    helper.getNode('snap').receive({ payload: true });
    const photo = (await still).payload as { name: string };
    assert.match(photo.name, /\.JPG$/i);
    assert.equal(sim.stats.connections, 1);
    await client.waitFrames(0, client.framesOn(0).length + 10);
    assert.equal(caught.messages.length, 0);
  });

  it('sends RTP to host:port in rtp mode, started and stopped by msg, with the SDP on the msg', async () => {
    sink = await openRtpSink();
    await loadFlow(NODES, actionFlow(relay({ mode: 'rtp', host: '127.0.0.1', port: sink.port, autoStart: false, maxPayload: 500 }), camera()), CREDENTIALS);
    const { out, caught, statuses } = collectors();
    const n1 = helper.getNode('n1');

    n1.receive({ payload: 'start', topic: 'go', keep: 7 });
    const msg = await out.next();
    const started = msg.payload as RelayEvent;
    // rtp mode waits (bounded) for the parameter sets, so the video may flow by the time start answers
    assert.ok(['waiting', 'started'].includes(started.event), started.event);
    if (started.event === 'waiting') assert.equal(((await out.next()).payload as RelayEvent).event, 'started');
    assert.equal(msg.topic, 'go');
    assert.equal(msg.keep, 7);
    assert.match(String(started.sdp), new RegExp(`m=video ${sink.port} RTP/AVP 96`));
    assert.match(String(started.sdp), /c=IN IP4 127\.0\.0\.1/);

    const rtp = sink;
    await rtp.until(() => rtp.rtp.length >= 40);
    for (const datagram of rtp.rtp) assert.ok(datagram.length <= 12 + 500, `datagram of ${datagram.length} bytes`);

    n1.receive({ payload: 'stats' });
    const stats = (await out.next()).payload as RelayEvent;
    assert.equal(stats.event, 'stats');
    assert.ok(stats.stats.packets >= 40 && stats.stats.frames > 0);

    n1.receive({ payload: false });
    const stopped = (await out.next()).payload as RelayEvent;
    assert.equal(stopped.event, 'stopped');
    await waitUntil(() => statusTexts(statuses).at(-1) === 'stopped', 2000, 'status "stopped"');
    const grey = statuses.messages.at(-1)!.status as { fill: string; shape: string };
    assert.deepEqual([grey.fill, grey.shape], ['grey', 'ring']);
    const count = rtp.rtp.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rtp.rtp.length, count, 'nothing is sent after stop');
    assert.equal(caught.messages.length, 0);
  });

  it('lets two relays of one camera share its single preview', async () => {
    const flow = actionFlow(relay({}), camera());
    flow.push({ id: 'n2', z: TAB, ...relay({}), wires: [['out']] });
    await loadFlow(NODES, flow, CREDENTIALS);
    const { out, caught } = collectors();
    const events: RelayEvent[] = [];
    for (let i = 0; i < 4; i++) events.push((await out.next()).payload as RelayEvent); // waiting + started of each
    const urls = [...new Set(events.map((e) => String(e.url)))];
    assert.equal(urls.length, 2);
    const players = await Promise.all(urls.map((url) => play(url)));
    await Promise.all(players.map((p) => p.waitFrames(0, 15)));
    assert.equal(caught.messages.length, 0);
  });

  it('rejects an unknown command once to the Catch node with a red status', async () => {
    await loadFlow(NODES, actionFlow(relay({ autoStart: false }), camera()), CREDENTIALS);
    const { out, caught, statuses } = collectors();
    helper.getNode('n1').receive({ payload: 'rewind', topic: 't' });
    const err = await caught.next();
    assert.equal(err.topic, 't');
    assert.match(String((err.error as { message: string }).message), /msg.payload must be "start", "stop" or "stats".*rewind/);
    await waitUntil(() => statusTexts(statuses).includes('error: bad input'), 2000, 'status "error: bad input"');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(caught.messages.length, 1);
    assert.equal(out.messages.length, 0);
  });

  it('reports a busy RTSP port clearly instead of crashing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await loadFlow(NODES, actionFlow(relay({ rtspPort: port, autoStart: false }), camera()), CREDENTIALS);
      const { caught, statuses } = collectors();
      helper.getNode('n1').receive({ payload: 'start' });
      const err = await caught.next();
      assert.match(String((err.error as { message: string }).message), new RegExp(String(port)));
      await waitUntil(() => statusTexts(statuses).some((t) => t.startsWith('error: ')), 2000, 'a red status');
    } finally {
      blocker.close();
    }
  });

  it('a full redeploy with a camera that never answers does not wait out the camera timeout (issue 10 finding 11)', async () => {
    // A camera that takes the connection and never answers: the login waits its 20 s timeout, the
    // RTP relay its parameter sets. A redeploy must abandon both, not wait them out.
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const flow = actionFlow(relay({ mode: 'rtp', host: '127.0.0.1', port: 9 }), configNode(port, 80, { previewPort, timeout: 20000 }));
      flow.push({ id: 'n2', z: TAB, type: 'actioncam-snapshot', camera: 'c1', wires: [[]] });
      await loadFlow(NODES, flow, CREDENTIALS);
      helper.getNode('n2').receive({ payload: true }); // waiting for the login as well
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await helper.setFlows(flow.map((n) => (n.id === 'c1' ? { ...n, name: 'renamed' } : n)), 'full', CREDENTIALS);
      const took = Date.now() - started;
      assert.ok(took < 5000, `the redeploy took ${took} ms: it waited for the camera (timeout 20 s)`);
    } finally {
      silent.close();
    }
  });

  it('leaves no sockets or timers behind after unload while streaming, also when closed while still starting', async () => {
    const before = await activeResources();
    // Removed by a redeploy at once: its automatic start settles after its close.
    const flow = actionFlow(relay({}), camera());
    await loadFlow(NODES, flow, CREDENTIALS);
    await helper.setFlows(flow.filter((n) => n.id !== 'n1'), 'nodes', CREDENTIALS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await helper.unload();
    assert.deepEqual(await leakedResources(before), [], 'nothing left by the relay closed while starting');
    await loadFlow(NODES, actionFlow(relay({}), camera()), CREDENTIALS);
    const { out } = collectors();
    const started = (await out.next()).payload as RelayEvent;
    const client = await play(String(started.url));
    await client.waitFrames(0, 10);
    client.close();
    clients.length = 0;
    await helper.unload();
    await waitUntil(() => sim.clientCount === 0, 3000, 'the camera to see the client leave');
    assert.deepEqual(await leakedResources(before), []);
  });
});
