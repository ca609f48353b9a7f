#!/usr/bin/env node
/**
 * `actioncam` entry point: wires the real process (argv, stdout/stderr, signals) to runCli and sets
 * the exit status. No unhandled rejection can escape: runCli catches every failure, and the
 * last-resort handlers below report anything that slips out of a library callback.
 */
import { EXIT_FAILURE, EXIT_INTERRUPTED, runCli } from './run';
import { installInterrupt } from './interrupt';
import { printableText } from './output';

/** After the command is done, give stray handles this long before exiting anyway. */
const EXIT_GRACE_MS = 2000;

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`actioncam: unexpected error: ${printableText(message.replace(/\s*\n\s*/g, ' '))}\n`);
  process.exit(EXIT_FAILURE);
}

process.on('unhandledRejection', fatal);
process.on('uncaughtException', fatal);

const interrupt = installInterrupt(() => process.exit(EXIT_INTERRUPTED));

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, interrupt.signal).then(
  (code) => {
    interrupt.dispose();
    process.exitCode = code;
    // A socket or timer someone forgot must not keep a finished command alive; unref'd, so a clean
    // exit does not wait for it.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  fatal,
);
