/**
 * Writes the relay's SDP file so that a player starting at any moment reads a whole description:
 * the text goes to a temporary file in the same directory and is renamed over the target (rename is
 * atomic on POSIX filesystems). Writes are serialised; the last one wins.
 */
import { promises as fs } from 'fs';
import * as path from 'path';

export class SdpFileWriter {
  private chain: Promise<void> = Promise.resolve();
  private counter = 0;

  constructor(readonly file: string) {}

  /** Queues a write; the promise rejects with the fs error of this write (earlier failures do not leak in). */
  write(sdp: string): Promise<void> {
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${++this.counter}.tmp`);
    const run = async (): Promise<void> => {
      try {
        await fs.writeFile(tmp, sdp, 'utf8');
        await fs.rename(tmp, this.file);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        throw err;
      }
    };
    const result = this.chain.then(run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every queued write has finished (successfully or not). */
  idle(): Promise<void> {
    return this.chain;
  }
}
