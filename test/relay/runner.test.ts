/**
 * RelayRunner (src/relay/runner.ts): the one engine of the rtp-relay node and of `actioncam relay` /
 * `actioncam rtsp`. Here: what RTSP RECORD means (the camera's recording, stopped when that player's
 * session ends), and a stop that never waits for a camera that sends nothing (issue 10 finding 11).
 */
import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { AbortedError } from '../../src/errors';
import type { LivePreview } from '../../src/preview/live-preview';
import { RelayRunner, type RelayEvent, type RelaySettings } from '../../src/relay/runner';
import { FakeSource } from '../helpers/fake-source';
import { openRtpSink, type RtpSink } from '../helpers/rtp-sink';
import { RawRtspClient } from '../helpers/rtsp-client';
import { waitUntil } from '../helpers/node-red';

const RTSP: RelaySettings = { mode: 'rtsp', host: '127.0.0.1', port: 5220, bind: '127.0.0.1', rtspPort: 0, path: '/live', maxPayload: 1400 };

/** A FakeSource stands in for the camera's LivePreview: the runner only listens to it. */
function preview(source: FakeSource): () => Promise<LivePreview> {
  return async () => source as unknown as LivePreview;
}

describe('relay: RelayRunner', function () {
  this.timeout(20000);
  const clients: RawRtspClient[] = [];
  let runner: RelayRunner | undefined;
  let sink: RtpSink | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const c of clients.splice(0)) c.close();
    await runner?.stop();
    runner = undefined;
    await sink?.close();
    sink = undefined;
  });

  it('RTSP RECORD starts the camera recording and the end of that session stops it', async () => {
    const recording: boolean[] = [];
    const released: number[] = [];
    const source = new FakeSource();
    runner = new RelayRunner(RTSP, {
      acquirePreview: preview(source),
      releasePreview: async () => void released.push(1),
      setRecording: async (on) => void recording.push(on),
      onEvent: () => undefined,
    });
    const started = await runner.start();
    assert.equal(started.event, 'waiting', 'the FakeSource never reports flowing video');
    const url = String(started.url);
    const client = await RawRtspClient.connect(Number(new URL(url.replace(/^rtsp:/, 'http:')).port));
    clients.push(client);
    assert.match((await client.request('OPTIONS', url)).headers.get('public') ?? '', /RECORD/);
    const setup = await client.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const session = String(setup.headers.get('session')).split(';')[0];
    assert.equal((await client.request('RECORD', url, { Session: session })).status, 200);
    assert.deepEqual(recording, [true]);
    assert.equal((await client.request('TEARDOWN', url, { Session: session })).status, 200);
    await waitUntil(() => recording.length === 2, 5000, 'setRecording(false)');
    assert.deepEqual(recording, [true, false]);
    const stopped: RelayEvent = await runner.stop();
    assert.equal(stopped.event, 'stopped');
    assert.deepEqual(released, [1], 'the preview was given back once');
  });

  it('a recording player still connected when the relay stops has its recording stopped too', async () => {
    const recording: boolean[] = [];
    runner = new RelayRunner(RTSP, {
      acquirePreview: preview(new FakeSource()),
      releasePreview: async () => undefined,
      setRecording: async (on) => void recording.push(on),
      onEvent: () => undefined,
    });
    const url = String((await runner.start()).url);
    const client = await RawRtspClient.connect(Number(new URL(url.replace(/^rtsp:/, 'http:')).port));
    clients.push(client);
    const setup = await client.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    await client.request('RECORD', url, { Session: String(setup.headers.get('session')).split(';')[0] });
    await runner.stop();
    await waitUntil(() => recording.length === 2, 5000, 'setRecording(false)');
    assert.deepEqual(recording, [true, false]);
  });

  it('stop() during an RTP start that waits for parameter sets returns at once and abandons the start (finding 11)', async () => {
    sink = await openRtpSink();
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const source = new FakeSource({ parameterSets: null }); // a camera that sends nothing
    const released: number[] = [];
    runner = new RelayRunner({ ...RTSP, mode: 'rtp', port: sink.port }, {
      acquirePreview: preview(source),
      releasePreview: async () => void released.push(1),
      onEvent: () => undefined,
    });
    const starting = runner.start();
    const startFailed = assert.rejects(starting, AbortedError);
    await new Promise((resolve) => setImmediate(resolve)); // the start is now waiting on its 5 s timer
    assert.equal(runner.state, 'starting');
    const stopped = await runner.stop(); // resolves without the fake clock moving at all
    assert.equal(stopped.event, 'stopped');
    await startFailed;
    assert.equal(runner.state, 'stopped');
    assert.deepEqual(released, [1]);
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
  });
});
