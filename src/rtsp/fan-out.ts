/**
 * Fan-out of one StreamSource to every playing client. Each access unit is handed to each client's
 * ClientStream in turn; a client never waits for another (UDP sends do not block, and a TCP client
 * with a full socket buffer skips frames instead of holding the others back).
 */
import type { AccessUnit } from '../media/types';
import type { Logger } from '../logger';
import type { ClientStream } from './client-stream';
import type { StreamSource } from '../media/source';

export interface FanOutStats {
  packetsSent: number;
  bytesSent: number;
  framesDropped: number;
}

export class FanOut {
  private readonly source: StreamSource;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly streams = new Set<ClientStream>();
  private readonly onAccessUnit = (au: AccessUnit): void => this.distribute(au);
  private attached = false;
  private counters: FanOutStats = { packetsSent: 0, bytesSent: 0, framesDropped: 0 };

  constructor(source: StreamSource, now: () => number, logger: Logger) {
    this.source = source;
    this.now = now;
    this.logger = logger;
  }

  /** Starts listening to the source. Idempotent. */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.source.on('accessUnit', this.onAccessUnit);
  }

  /** Stops listening and forgets every client. Idempotent. */
  detach(): void {
    if (this.attached) this.source.removeListener('accessUnit', this.onAccessUnit);
    this.attached = false;
    this.streams.clear();
  }

  add(stream: ClientStream): void {
    this.streams.add(stream);
  }

  remove(stream: ClientStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  stats(): FanOutStats {
    return { ...this.counters };
  }

  /** Periodic work of every client (RTCP sender reports). */
  tick(nowMs: number): void {
    for (const stream of this.streams) stream.tick(nowMs);
  }

  private distribute(au: AccessUnit): void {
    if (this.streams.size === 0) return;
    const parameterSets = this.source.parameterSets();
    const now = this.now();
    for (const stream of this.streams) {
      try {
        const result = stream.push(au, parameterSets, now);
        this.counters.packetsSent += result.packets;
        this.counters.bytesSent += result.bytes;
        if (result.dropped) this.counters.framesDropped++;
      } catch (err) {
        // A malformed access unit must not take the source's emit() (and the camera session) down.
        this.logger.warn(`rtsp: could not send an access unit to a client: ${(err as Error).message}`);
      }
    }
  }
}
