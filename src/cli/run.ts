/**
 * The CLI as a function: parse the command line, run one command, turn every failure into a one-line
 * reason on stderr and an exit status (0 ok, 1 failure, 2 usage, 130 interrupted). Nothing here
 * exits the process; main.ts does.
 */
import { ActionCamError } from '../errors';
import type { CommandName } from './args';
import { UsageError, isCommand, parseCommandLine } from './args';
import type { Command } from './context';
import type { CliStreams } from './output';
import { Output } from './output';
import { stderrLogger } from './stderr-logger';
import { MAIN_USAGE, commandUsage } from './usage';
import { packageVersion } from './version';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Each command's module is loaded when it runs, so `simulate` does not load the RTSP server, etc. */
const HANDLERS: Record<Exclude<CommandName, 'help'>, () => Promise<Command>> = {
  discover: async () => (await import('./commands/discover')).discoverCommand,
  firmware: async () => (await import('./commands/firmware')).firmwareCommand,
  ls: async () => (await import('./commands/files')).lsCommand,
  still: async () => (await import('./commands/capture')).stillCommand,
  record: async () => (await import('./commands/capture')).recordCommand(true),
  stop: async () => (await import('./commands/capture')).recordCommand(false),
  fetch: async () => (await import('./commands/files')).fetchCommand,
  sync: async () => (await import('./commands/sync')).syncCommand,
  clock: async () => (await import('./commands/clock')).clockCommand,
  watch: async () => (await import('./commands/watch')).watchCommand,
  cmd: async () => (await import('./commands/raw')).cmdCommand,
  simulate: async () => (await import('./commands/simulate')).simulateCommand,
  relay: async () => (await import('./commands/preview')).relayCommand,
  rtsp: async () => (await import('./commands/preview')).rtspCommand,
  clip: async () => (await import('./commands/clip')).clipCommand,
  live: async () => (await import('./commands/live')).liveCommand,
};

export async function runCli(argv: readonly string[], streams: CliStreams, signal: AbortSignal): Promise<number> {
  const out = new Output(streams, argv.includes('--json'));
  let verbose = argv.includes('--verbose');
  try {
    const args = parseCommandLine(argv);
    verbose = args.verbose;
    if (args.version) {
      out.line(packageVersion());
      return EXIT_OK;
    }
    if (args.command === undefined || args.command === 'help' || args.help) {
      const topic = args.command === 'help' ? args.args[0] : args.command;
      if (topic === undefined) out.line(MAIN_USAGE);
      else if (isCommand(topic)) out.line(commandUsage(topic));
      else throw new UsageError(`unknown command '${topic}'`);
      return EXIT_OK;
    }
    const logger = stderrLogger(streams.stderr, args.verbose);
    const command = await HANDLERS[args.command]();
    await command({ args, out: new Output(streams, args.json), logger, signal });
    return EXIT_OK;
  } catch (err) {
    return report(err, out, signal, verbose);
  }
}

function report(err: unknown, out: Output, signal: AbortSignal, verbose: boolean): number {
  if (err instanceof UsageError) {
    out.error(`${err.message} (see 'actioncam --help')`);
    return EXIT_USAGE;
  }
  if (signal.aborted) {
    out.error('interrupted');
    return EXIT_INTERRUPTED;
  }
  if (verbose && err instanceof Error && err.stack) out.note(err.stack);
  out.error(describe(err));
  return EXIT_FAILURE;
}

/** The library's typed errors already read well; system errors get a hint where one helps. */
function describe(err: unknown): string {
  if (err instanceof ActionCamError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return `${err.message} (another program uses that port: choose another, or 0 for any free port)`;
    if (code === 'EACCES' && /listen|bind/.test(err.message)) return `${err.message} (ports below 1024 need privileges: choose a port above 1023)`;
    return err.message;
  }
  return String(err);
}
