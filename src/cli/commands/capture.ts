/** `actioncam still`, `record` and `stop`: the camera's shutter and record button. */
import { ProtocolError } from '../../errors';
import { fileUrl } from '../../http/download';
import { takeStill } from '../../session/still';
import { cameraTarget, withSession } from '../camera';
import type { CommandContext } from '../context';
import { formatBytes, printable } from '../output';

export async function stillCommand(ctx: CommandContext): Promise<void> {
  const { host, httpPort } = cameraTarget(ctx);
  const file = await withSession(ctx, async (session) => {
    const still = await takeStill(session, { signal: ctx.signal });
    if (!still) throw new ProtocolError(`camera ${session.host}:${session.port} confirmed the picture but no new file appeared in its file list`);
    return still;
  });
  const doc = { path: file.path, name: file.name, size: file.size, url: fileUrl(host, httpPort, file.path) };
  ctx.out.result(doc, () => `${printable(doc.path)}  ${formatBytes(doc.size)}\n${printable(doc.url)}`);
}

export function recordCommand(on: boolean): (ctx: CommandContext) => Promise<void> {
  return async (ctx) => {
    await withSession(ctx, (session) => session.setRecording(on, { signal: ctx.signal }));
    const doc = { recording: on, action: on ? 'start' : 'stop' };
    ctx.out.result(doc, () => (on ? 'recording started' : 'recording stopped'));
  };
}
