/** `actioncam discover`: who answers the discovery request (docs/PROTOCOL.md §3). */
import { discover } from '../../discovery/discover';
import type { CommandContext } from '../context';
import { table } from '../output';

export async function discoverCommand(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  const cameras = await discover({
    ...(args.address !== undefined ? { address: args.address } : {}),
    ...(args.ports !== undefined ? { ports: args.ports } : {}),
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
    signal: ctx.signal,
    logger: ctx.logger,
  });
  ctx.out.result(cameras, () =>
    cameras.length === 0
      ? 'no camera answered'
      : table(
          ['ADDRESS', 'PORT', 'SERIAL'],
          cameras.map((c) => [c.address, String(c.port), c.serial ?? '-']),
        ),
  );
}
