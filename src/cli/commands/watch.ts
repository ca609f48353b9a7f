/**
 * `actioncam watch`: prints every message the camera sends that nobody asked for, until Ctrl+C, so a
 * user can watch what the camera says while they press its buttons (issue 11). One line each, or
 * with --json one JSON object per line: {type, typeHex, name, hex}, the raw-command node's
 * unsolicited output. The session reconnects by itself while watching.
 */
import { CameraSession } from '../../session/camera-session';
import { hexPreview } from '../../session/format';
import { RateGate, describeMessage } from '../../session/message-watch';
import type { WatchedMessage } from '../../session/message-watch';
import { cameraTarget, noteCameraChanges, sessionOptions } from '../camera';
import type { CommandContext } from '../context';
import { untilAborted } from '../interrupt';

export async function watchCommand(ctx: CommandContext): Promise<void> {
  const target = cameraTarget(ctx);
  const session = new CameraSession(sessionOptions(ctx, true));
  const gate = new RateGate();
  const notes = !ctx.out.json;
  try {
    await session.connect({ signal: ctx.signal });
    session.on('unsolicited', (message) => {
      const allowed = gate.allow((dropped) => ctx.out.note(`dropped ${dropped} messages: more than ${gate.limit} a second`));
      if (!allowed) return;
      const doc = describeMessage(message);
      ctx.out.result(doc, () => line(doc, message.payload));
    });
    if (notes) {
      noteCameraChanges(ctx, session);
      ctx.out.note(`watching camera ${target.host}:${target.port}; press the camera's buttons; Ctrl+C stops`);
    }
    await untilAborted(ctx.signal);
  } finally {
    await session.close();
  }
}

/** "12:34:56.789  a0f0  0xA0F0  2 bytes  0102" (a long payload's hex cut, with its length; --json has it whole). */
function line(doc: WatchedMessage, payload: Buffer): string {
  const now = new Date();
  const time = `${now.toTimeString().slice(0, 8)}.${String(now.getMilliseconds()).padStart(3, '0')}`;
  const bytes = `${payload.length} ${payload.length === 1 ? 'byte' : 'bytes'}`;
  return `${time}  ${doc.typeHex}  ${doc.name}  ${bytes}${payload.length > 0 ? `  ${hexPreview(payload)}` : ''}`;
}
