/**
 * What a subject process measures about itself between mark() and end(): CPU time (user + system,
 * every thread of the process: JS, GC, libuv), wall time, and heap/RSS after a full GC at both ends.
 * The subject is forked with --expose-gc; without it the memory figures include garbage (reported).
 */

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
}

export interface ProbeResult {
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  /** After a forced GC at mark() and at end(). */
  before: MemorySample;
  after: MemorySample;
  /** Largest RSS the process ever had (bytes). */
  maxRss: number;
  gcForced: boolean;
}

export class Probe {
  private cpu: NodeJS.CpuUsage | undefined;
  private startedAt = 0;
  private before: MemorySample | undefined;

  mark(): void {
    this.before = settledMemory();
    this.cpu = process.cpuUsage();
    this.startedAt = performance.now();
  }

  end(): ProbeResult {
    const wallMs = performance.now() - this.startedAt;
    const cpu = process.cpuUsage(this.cpu);
    if (!this.before) throw new Error('Probe.end() before mark()');
    return {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      wallMs,
      before: this.before,
      after: settledMemory(),
      maxRss: process.resourceUsage().maxRSS * 1024,
      gcForced: typeof global.gc === 'function',
    };
  }
}

function settledMemory(): MemorySample {
  const gc = global.gc;
  if (typeof gc === 'function') {
    gc();
    gc(); // a second pass collects what the first one's finalizers released
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external };
}
