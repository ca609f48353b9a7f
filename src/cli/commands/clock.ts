/**
 * `actioncam clock [--time ISO]`: sets the camera's clock (A011, experimental: inferred from a
 * replay of the vendor app, docs/PROTOCOL.md §10). Default now, in this computer's local time, as
 * the camera has no time zone.
 */
import { clockOf, encodeClockPayload, formatClock } from '../../protocol/clock';
import { withSession } from '../camera';
import type { CommandContext } from '../context';

export async function clockCommand(ctx: CommandContext): Promise<void> {
  const date = ctx.args.time ?? new Date();
  const clock = clockOf(date); // an impossible date fails here, before any connection
  await withSession(ctx, async (session) => {
    await session.setClock(date, { signal: ctx.signal });
    // A011 has no reply. The vendor app asks for the firmware information next (docs/PROTOCOL.md
    // §10); its answer also proves the camera has read the clock before the connection closes.
    await session.firmware({ signal: ctx.signal });
  });
  const text = formatClock(clock);
  const doc = { time: text.replace(' ', 'T'), hex: encodeClockPayload(clock).toString('hex') };
  ctx.out.result(doc, () => `camera clock set to ${text} (A011; experimental: the camera does not confirm it, check its date)`);
}
