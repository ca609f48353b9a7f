/** The --verbose logger: every library log line goes to stderr, prefixed with its level. */
import type { Writable } from 'node:stream';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { printableText } from './output';

export function stderrLogger(stderr: Writable, verbose: boolean): Logger {
  if (!verbose) return silentLogger;
  const write = (level: string, message: string): void => {
    stderr.write(`${new Date().toISOString()} ${level} ${printableText(message)}\n`);
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info ', message),
    warn: (message) => write('warn ', message),
  };
}
