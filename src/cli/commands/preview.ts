/**
 * `actioncam relay` and `actioncam rtsp`: the camera's live preview as standard RTP or as an RTSP URL,
 * until SIGINT/SIGTERM. Unlike the reference (PROTOCOL.md §7 items 16, 27) the preview port is an
 * option, the session reconnects on its own, nothing waits on stdin, and every part is closed once.
 *
 * Order: bind the preview port first (the camera starts sending as soon as it is asked), then log in
 * and ask for the preview, then start the output. Teardown runs the other way round.
 */
import { resolve } from 'node:path';
import { RtpRelay } from '../../relay/rtp-relay';
import { RtspServer } from '../../rtsp/server';
import type { RtspSessionEvent } from '../../rtsp/server';
import { CameraSession } from '../../session/camera-session';
import { PreviewReceiver } from '../../session/preview-receiver';
import { UsageError } from '../args';
import { cameraTarget, sessionOptions } from '../camera';
import type { CommandContext } from '../context';
import { untilAborted } from '../interrupt';

/** Where `relay` sends by default: a player on this machine (the relay's own default). */
const RELAY_DEFAULT = { host: '127.0.0.1', port: 5220 };
/** Where `rtsp` serves by default: this machine only; 0.0.0.0 is a deliberate choice. */
const RTSP_DEFAULT = { host: '127.0.0.1', port: 8554, path: '/live' };

export async function relayCommand(ctx: CommandContext): Promise<void> {
  const to = ctx.args.to ?? RELAY_DEFAULT;
  if (to.port > 65534) throw new UsageError(`--to port must be 1-65534 (RTCP goes to the next port), got ${to.port}`);
  await withPreview(ctx, async (source) => {
    const relay = new RtpRelay({
      source,
      host: to.host,
      port: to.port,
      logger: ctx.logger,
      ...(ctx.args.sdp !== undefined ? { sdpFile: resolve(ctx.args.sdp) } : {}),
    });
    try {
      const { sdp } = await relay.start({ signal: ctx.signal });
      ctx.out.result({ event: 'started', sdp }, () => sdp);
      if (!ctx.out.json) ctx.out.note(`sending RTP to ${to.host}:${to.port} (RTCP ${to.port + 1}); Ctrl+C stops`);
      relay.on('sdp', () => {
        if (!ctx.out.json) ctx.out.note(`the stream's parameter sets changed: the SDP is now${ctx.args.sdp ? ` (rewritten to ${ctx.args.sdp})` : ''}:\n${relay.sdp()}`);
      });
      await untilAborted(ctx.signal);
      const stats = relay.stats();
      if (!ctx.out.json) ctx.out.note(`stopped after ${stats.frames} frames (${stats.packets} RTP packets)`);
    } finally {
      await relay.stop();
    }
  });
}

export async function rtspCommand(ctx: CommandContext): Promise<void> {
  const listen = ctx.args.listen ?? RTSP_DEFAULT;
  await withPreview(ctx, async (source) => {
    const server = new RtspServer({
      source,
      host: listen.host,
      port: listen.port,
      path: ctx.args.path ?? RTSP_DEFAULT.path,
      auth: ctx.args.rtspAuth,
      logger: ctx.logger,
    });
    try {
      const { url } = await server.listen();
      ctx.out.result({ event: 'started', url }, () => url);
      if (!ctx.out.json) {
        ctx.out.note(`serving the camera preview; Ctrl+C stops`);
        server.on('session', (e: RtspSessionEvent) => {
          ctx.out.note(`${e.remote}: ${e.event} (${e.transport})`);
        });
      }
      await untilAborted(ctx.signal);
    } finally {
      await server.close();
    }
  });
}

/**
 * Binds the preview port, logs in (the first connect must succeed; later drops reconnect), starts
 * the preview, runs `work` with the receiver as the stream source, and closes everything once.
 */
async function withPreview(ctx: CommandContext, work: (source: PreviewReceiver) => Promise<void>): Promise<void> {
  const target = cameraTarget(ctx);
  const receiver = new PreviewReceiver({ port: target.previewPort, cameraHost: target.host, logger: ctx.logger });
  const session = new CameraSession(sessionOptions(ctx, true));
  const notes = !ctx.out.json;
  try {
    await receiver.start({ signal: ctx.signal });
    await session.connect({ signal: ctx.signal });
    if (notes) {
      session.on('state', (state: string) => {
        if (state === 'reconnecting') ctx.out.note(`camera ${target.host}:${target.port} lost; reconnecting`);
        if (state === 'ready') ctx.out.note(`camera ${target.host}:${target.port} back`);
      });
      receiver.on('stalled', () => ctx.out.note(`no preview from ${target.host} on UDP port ${target.previewPort}`));
      receiver.on('flowing', () => ctx.out.note(`preview flowing from ${target.host}`));
    }
    session.startPreview();
    await work(receiver);
  } finally {
    session.stopPreview();
    await session.close();
    await receiver.stop();
  }
}
