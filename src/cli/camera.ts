/**
 * Opens one camera session for a command, runs the command's work on it and closes it exactly once
 * (the reference CLI disconnected twice and crashed). One-shot commands do not reconnect: a dead
 * camera is an error to report, not something to wait for.
 */
import { CameraSession } from '../session/camera-session';
import type { CameraSessionOptions, SessionState } from '../session/camera-session';
import { CAMERA_DEFAULTS } from './args';
import type { CommandContext } from './context';

export interface CameraTarget {
  host: string;
  port: number;
  httpPort: number;
  previewPort: number;
}

export function cameraTarget(ctx: CommandContext): CameraTarget {
  const { args } = ctx;
  return {
    host: args.host ?? CAMERA_DEFAULTS.host,
    port: args.port ?? CAMERA_DEFAULTS.port,
    httpPort: args.httpPort ?? CAMERA_DEFAULTS.httpPort,
    previewPort: args.previewPort ?? CAMERA_DEFAULTS.previewPort,
  };
}

export function sessionOptions(ctx: CommandContext, reconnect: boolean): CameraSessionOptions {
  const { args } = ctx;
  const target = cameraTarget(ctx);
  const options: CameraSessionOptions = {
    host: target.host,
    port: target.port,
    username: args.user ?? CAMERA_DEFAULTS.user,
    password: args.password ?? CAMERA_DEFAULTS.password,
    reconnect,
    logger: ctx.logger,
  };
  if (args.timeoutMs !== undefined) {
    options.connectTimeoutMs = args.timeoutMs;
    options.loginTimeoutMs = args.timeoutMs;
    options.requestTimeoutMs = args.timeoutMs;
  }
  return options;
}

/** Connects, runs `work`, and always closes the session once, whether `work` succeeded or not. */
export async function withSession<T>(ctx: CommandContext, work: (session: CameraSession) => Promise<T>): Promise<T> {
  const session = new CameraSession(sessionOptions(ctx, false));
  try {
    await session.connect({ signal: ctx.signal });
    return await work(session);
  } finally {
    await session.close();
  }
}

/** What emits the link's state: a Camera or a CameraSession. */
interface LinkStates {
  on(event: 'state', listener: (state: SessionState) => void): unknown;
}

/** What emits the preview's health: a Camera's LivePreview. */
interface PreviewHealth {
  on(event: 'stalled' | 'flowing', listener: () => void): unknown;
}

/**
 * Notes on stderr (text output only) when a long-running command's camera drops and comes back, and
 * when its preview stalls or flows again, so the person at the terminal knows why nothing moves.
 */
export function noteCameraChanges(ctx: CommandContext, link: LinkStates, preview?: PreviewHealth, options: { whileLost?: string; flowing?: boolean } = {}): void {
  if (ctx.out.json) return;
  const target = cameraTarget(ctx);
  const lost = `camera ${target.host}:${target.port} lost; reconnecting${options.whileLost ? ` (${options.whileLost})` : ''}`;
  link.on('state', (state) => {
    if (state === 'reconnecting') ctx.out.note(lost);
    if (state === 'ready') ctx.out.note(`camera ${target.host}:${target.port} back`);
  });
  preview?.on('stalled', () => ctx.out.note(`no preview from ${target.host} on UDP port ${target.previewPort}`));
  if (options.flowing) preview?.on('flowing', () => ctx.out.note(`preview flowing from ${target.host}`));
}
