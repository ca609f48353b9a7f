/**
 * `actioncam cmd HEX [--reply HEX|none]`: the reverse-engineering tool (docs/PROTOCOL.md §2.7.6). Sends
 * any message and prints the reply it waited for (by default the command type + 1).
 */
import { messageName } from '../../protocol/constants';
import { parseRawCommand, parseReplyOption, typeHex } from '../../protocol/raw-command';
import { asUsage } from '../args';
import { withSession } from '../camera';
import type { CommandContext } from '../context';
import { hexDump } from '../output';

export async function cmdCommand(ctx: CommandContext): Promise<void> {
  const command = asUsage(() => parseRawCommand(ctx.args.args[0]));
  const wanted = asUsage(() => parseReplyOption(ctx.args.reply, '--reply'));
  const replyType = wanted === undefined ? command.type + 1 : wanted;
  const reply = await withSession(ctx, (session) =>
    session.request(command.type, command.payload, {
      replyType,
      signal: ctx.signal,
      ...(ctx.args.timeoutMs !== undefined ? { timeoutMs: ctx.args.timeoutMs } : {}),
    }),
  );
  if (!reply) {
    ctx.out.result(null, () => `sent ${typeHex(command.type)} (${messageName(command.type)}), ${command.payload.length} payload bytes; no reply awaited`);
    return;
  }
  // The raw-command node's msg.payload, with the payload Buffer as hex (JSON has no bytes).
  const hex = reply.payload.toString('hex');
  const doc = { type: reply.type, typeHex: typeHex(reply.type), name: messageName(reply.type), payload: hex, hex };
  ctx.out.result(doc, () => {
    const head = `reply ${doc.typeHex} (${doc.name}), ${reply.payload.length} payload bytes`;
    return reply.payload.length > 0 ? `${head}\n${hexDump(reply.payload)}` : head;
  });
}
