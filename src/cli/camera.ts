/**
 * Opens one camera session for a command, runs the command's work on it and closes it exactly once
 * (the reference CLI disconnected twice and crashed). One-shot commands do not reconnect: a dead
 * camera is an error to report, not something to wait for.
 */
import { CameraSession } from '../session/camera-session';
import type { CameraSessionOptions } from '../session/camera-session';
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
