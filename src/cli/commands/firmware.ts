/** `actioncam firmware`: the A034 -> A035 reply, decoded (docs/PROTOCOL.md §2.7.2). */
import { withSession } from '../camera';
import type { CommandContext } from '../context';

export async function firmwareCommand(ctx: CommandContext): Promise<void> {
  const info = await withSession(ctx, (session) => session.firmware({ signal: ctx.signal }));
  ctx.out.result(info, () =>
    [`version  ${info.version || '(none found)'}`, `words    ${info.words.join(' ')}`, `raw      ${info.raw}`].join('\n'),
  );
}
