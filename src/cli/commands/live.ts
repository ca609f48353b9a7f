/**
 * `actioncam live`: the camera's preview for web browsers — the page at `/`, the live fMP4 stream at
 * `/stream.mp4`, HLS at `/index.m3u8` — until SIGINT/SIGTERM. The pipeline is the one the
 * actioncam-live node runs: a Camera (session + shared live preview) feeding a LiveRunner
 * (src/live/runner.ts); here its request handler sits behind a plain http.Server.
 *
 * The first login must succeed (a wrong address is an error to report); later drops reconnect and
 * the stream resumes by itself while the page shows "camera offline / reconnecting".
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { Camera } from '../../camera/camera';
import { LiveDefaults } from '../../live/defaults';
import { LiveRunner, type LiveEvent } from '../../live/runner';
import { cameraTarget, noteCameraChanges, sessionOptions } from '../camera';
import type { CommandContext } from '../context';
import { untilAborted } from '../interrupt';
import { listenOn } from '../../net/tcp-listen';

export async function liveCommand(ctx: CommandContext): Promise<void> {
  const listen = ctx.args.listen ?? { host: LiveDefaults.host, port: LiveDefaults.port };
  const target = cameraTarget(ctx);
  const camera = new Camera({ session: sessionOptions(ctx, true), preview: { port: target.previewPort } });
  const runner = new LiveRunner(
    { title: `actioncam live · ${target.host}` },
    {
      acquirePreview: () => camera.preview.acquire(),
      releasePreview: () => camera.preview.release(),
      onEvent: (event) => report(ctx, event),
      logger: ctx.logger,
    },
  );
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    runner.handle(req, res, path);
  });
  server.on('clientError', (_err: Error, socket: Socket) => socket.destroy());
  try {
    await camera.open().connect({ signal: ctx.signal });
    noteCameraChanges(ctx, camera, camera.preview, { flowing: true });
    await runner.start();
    const address = await listenOn(server, listen.host, listen.port);
    server.on('error', () => undefined); // after listening: per-connection trouble is not fatal
    const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}/`;
    ctx.out.result({ event: 'started', url }, () => url);
    if (!ctx.out.json) ctx.out.note(`serving the live view (stream.mp4, index.m3u8); Ctrl+C stops`);
    await untilAborted(ctx.signal);
    const stopped = await runner.stop();
    if (!ctx.out.json) ctx.out.note(`stopped after ${stopped.stats.fragments} fragments`);
  } finally {
    await runner.stop();
    await closeServer(server);
    await camera.close();
  }
}

function report(ctx: CommandContext, event: LiveEvent): void {
  if (ctx.out.json || event.event !== 'viewers' || !event.viewer) return;
  const { remote, change, reason } = event.viewer;
  ctx.out.note(`${remote}: ${change}${reason && reason !== 'closed' ? ` (${reason})` : ''}; ${event.viewers} watching`);
}

/** Stops accepting, ends idle keep-alive connections (stream viewers are already closed). */
function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
