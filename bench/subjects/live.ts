/**
 * The browser live view as `actioncam live` runs it: a Camera (session to the simulator the parent
 * runs, shared preview on 127.0.0.1) feeding a LiveRunner behind an http.Server on 127.0.0.1:0.
 * The viewers (plain HTTP readers of stream.mp4) live in the parent, so the CPU this process reports
 * is the intake's and the live output's.
 *
 * The delay from a frame's last camera datagram to its fragment being written: the preview socket
 * is made here (the Camera's createSocket seam) with a first 'message' listener that notes the time
 * of every datagram; a listener on the preview's 'accessUnit', added after the live output's own,
 * runs once the output has muxed the frame and written the fragment to every viewer, all within the
 * handling of that last datagram. Nothing in src/ is instrumented.
 *
 * Commands beyond mark/end/stop: "live-on" starts the live output, "live-off" stops it (the preview
 * stays held, so the baseline row is the intake alone).
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Camera } from '../../src/camera/camera';
import { LiveRunner } from '../../src/live/runner';
import { percentile } from '../stats';
import type { Subject } from './subject';

/** Delay samples kept per measuring window: 25 fps for 10 minutes. */
const MAX_SAMPLES = 15_000;

export async function startLive(controlPort: number, previewPort: number): Promise<Subject> {
  let lastDatagramAt = 0;
  const camera = new Camera({
    session: { host: '127.0.0.1', port: controlPort, reconnect: false },
    preview: {
      port: previewPort,
      bindHost: '127.0.0.1',
      // A long stall limit: the bench pauses nothing, but a busy machine must not turn a late frame into a resync.
      stallAfterMs: 60_000,
      createSocket: (type) => {
        const socket = dgram.createSocket({ type });
        socket.prependListener('message', () => {
          lastDatagramAt = performance.now();
        });
        return socket;
      },
    },
  });
  const runner = new LiveRunner({ title: 'bench', maxViewers: 64 }, {
    acquirePreview: () => camera.preview.acquire(),
    releasePreview: () => camera.preview.release(),
    onEvent: () => undefined,
  });
  const server = http.createServer((req, res) => runner.handle(req, res, new URL(req.url ?? '/', 'http://x').pathname));
  server.on('clientError', (_err, socket) => socket.destroy());
  await camera.open().connect();
  const preview = await camera.preview.acquire(); // held for the whole run: the baseline is the intake alone
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  let delays = new Float64Array(MAX_SAMPLES);
  let count = 0;
  let frames = 0;
  /** The live output's counters at the previous stats() call (a new output starts from 0). */
  let last = { skipped: 0, bytesSent: 0 };
  const onAccessUnit = (): void => {
    frames++;
    if (count < MAX_SAMPLES) delays[count++] = performance.now() - lastDatagramAt;
  };
  const measureAfterOutput = (): void => {
    // Re-added after the live output's listener, so it runs after the fragment was written.
    preview.removeListener('accessUnit', onAccessUnit);
    preview.on('accessUnit', onAccessUnit);
  };
  measureAfterOutput();

  return {
    info: { port: (server.address() as AddressInfo).port },
    stats: () => {
      const window = delays.subarray(0, count);
      const live = runner.liveStream?.stats;
      const now = { skipped: live?.framesSkipped ?? 0, bytesSent: live?.bytesSent ?? 0 };
      if (now.skipped < last.skipped || now.bytesSent < last.bytesSent) last = { skipped: 0, bytesSent: 0 };
      const out = {
        frames,
        viewers: runner.liveStream?.viewerCount ?? 0,
        delayP50Ms: percentile(window, 50),
        delayP99Ms: percentile(window, 99),
        delayMaxMs: count ? Math.max(...window) : NaN,
        skipped: now.skipped - last.skipped,
        bytesSent: now.bytesSent - last.bytesSent,
      };
      last = now;
      delays = new Float64Array(MAX_SAMPLES);
      count = 0;
      frames = 0;
      return out;
    },
    command: async (cmd) => {
      if (cmd === 'live-on') {
        await runner.start();
        measureAfterOutput();
      } else if (cmd === 'live-off') await runner.stop();
      else throw new Error(`unknown command ${cmd}`);
      return null;
    },
    close: async () => {
      await runner.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await camera.close();
    },
  };
}
