/** What every command gets: the parsed command line, the printer, a logger and the interrupt signal. */
import type { Logger } from '../logger';
import type { CliArgs } from './args';
import type { Output } from './output';

export interface CommandContext {
  args: CliArgs;
  out: Output;
  logger: Logger;
  /** Aborts on SIGINT/SIGTERM; long-running commands run until it fires. */
  signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<void>;
