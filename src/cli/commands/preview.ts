/**
 * `actioncam relay` and `actioncam rtsp`: the camera's live preview as standard RTP or as an RTSP URL,
 * until SIGINT/SIGTERM. The pipeline is the one the Node-RED relay node runs: a Camera (session +
 * shared live preview, src/camera/camera.ts) feeding a RelayRunner (src/relay/runner.ts). The preview
 * port is an option, the session reconnects on its own, nothing waits on stdin, and every part is
 * closed once (the reference tool did none of this: docs/PROTOCOL.md §7 items 16, 27).
 *
 * The first login must succeed (a wrong address is an error to report, not something to wait for);
 * later drops reconnect and the stream resumes by itself.
 */
import { resolve } from 'node:path';
import { Camera } from '../../camera/camera';
import { RelayDefaults } from '../../relay/defaults';
import { DEFAULT_RELAY_SETTINGS, RelayRunner, type RelayEvent, type RelaySettings } from '../../relay/runner';
import { RtspDefaults } from '../../rtsp/defaults';
import { UsageError } from '../args';
import { cameraTarget, noteCameraChanges, sessionOptions } from '../camera';
import type { CommandContext } from '../context';
import { untilAborted } from '../interrupt';

export async function relayCommand(ctx: CommandContext): Promise<void> {
  const to = ctx.args.to ?? { host: RelayDefaults.host, port: RelayDefaults.port };
  if (to.port > 65534) throw new UsageError(`--to port must be 1-65534 (RTCP goes to the next port), got ${to.port}`);
  await runRelay(ctx, {
    ...DEFAULT_RELAY_SETTINGS,
    mode: 'rtp',
    host: to.host,
    port: to.port,
    sdpFile: ctx.args.sdp !== undefined ? resolve(ctx.args.sdp) : undefined,
  }, (event, first) => {
    if (first) {
      const sdp = event.sdp ?? '';
      ctx.out.result({ event: 'started', sdp }, () => sdp);
      if (!ctx.out.json) ctx.out.note(`sending RTP to ${to.host}:${to.port} (RTCP ${to.port + 1}); Ctrl+C stops`);
    } else if (event.event === 'sdp' && !ctx.out.json) {
      ctx.out.note(`the stream's parameter sets changed: the SDP is now${ctx.args.sdp ? ` (rewritten to ${ctx.args.sdp})` : ''}:\n${event.sdp ?? ''}`);
    } else if (event.event === 'stopped' && !ctx.out.json) {
      ctx.out.note(`stopped after ${event.stats.frames} frames (${event.stats.packets} RTP packets)`);
    }
  });
}

export async function rtspCommand(ctx: CommandContext): Promise<void> {
  const listen = ctx.args.listen ?? { host: RtspDefaults.host, port: RtspDefaults.port };
  await runRelay(ctx, {
    ...DEFAULT_RELAY_SETTINGS,
    mode: 'rtsp',
    bind: listen.host,
    rtspPort: listen.port,
    path: ctx.args.path ?? RtspDefaults.path,
    auth: ctx.args.rtspAuth,
  }, (event, first) => {
    if (first) {
      const url = event.url ?? '';
      ctx.out.result({ event: 'started', url }, () => url);
      if (!ctx.out.json) ctx.out.note('serving the camera preview; Ctrl+C stops');
    } else if (event.event === 'clients' && event.client && !ctx.out.json) {
      ctx.out.note(`${event.client.remote}: ${event.client.change} (${event.client.transport})`);
    }
  });
}


/**
 * Logs in (the first attempt must succeed), runs the relay until interrupted, and closes everything
 * once. `report` gets the answer to the start first (`first` true: "started", or "waiting" while the
 * video does not flow yet; the preview's own notes say when it does), the events while running, and
 * the stopped event.
 */
async function runRelay(ctx: CommandContext, relaySettings: RelaySettings, report: (event: RelayEvent, first: boolean) => void): Promise<void> {
  const target = cameraTarget(ctx);
  const camera = new Camera({ session: sessionOptions(ctx, true), preview: { port: target.previewPort } });
  const runner = new RelayRunner(relaySettings, {
    acquirePreview: () => camera.preview.acquire(),
    releasePreview: () => camera.preview.release(),
    onEvent: (event) => report(event, false),
    logger: ctx.logger,
  });
  try {
    await camera.open().connect({ signal: ctx.signal });
    noteCameraChanges(ctx, camera, camera.preview, { flowing: true });
    report(await runner.start(), true);
    await untilAborted(ctx.signal);
    report(await runner.stop(), false);
  } finally {
    await runner.stop();
    await camera.close();
  }
}
