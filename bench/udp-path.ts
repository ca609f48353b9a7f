/**
 * One UDP path under test (the forwarder or our receiver -> relay): its subject process, the traffic
 * driver that feeds and drains it, and the phases measured so far, summed over the rounds in which
 * pipeline-bench.ts alternates the paths.
 */
import { CameraFeed } from './camera-feed';
import type { FrameEnd } from './frame-ends';
import { SubjectProcess, type SubjectKind } from './ipc';
import type { ProbeResult } from './probe';
import { TrafficDriver, type PhaseResult, type PhaseSpec } from './traffic';

export interface SubjectEnd {
  probe: ProbeResult;
  stats: Record<string, unknown>;
}

export class UdpPath {
  /** The measured full-speed phases, summed. */
  readonly loaded = emptyPhase();
  /** The one-frame-in-flight phases, summed. */
  readonly unloaded = emptyPhase();
  private loadedLatencies: Float64Array[] = [];
  private unloadedLatencies: Float64Array[] = [];

  private constructor(readonly name: string, private readonly driver: TrafficDriver, private readonly subject: SubjectProcess) {}

  static async open(name: string, kind: SubjectKind, frameEnd: FrameEnd): Promise<UdpPath> {
    const driver = await TrafficDriver.open(new CameraFeed(), frameEnd);
    try {
      const subject = await SubjectProcess.start(kind, { sinkPort: driver.sinkPort });
      await driver.connect(Number(subject.info.port));
      return new UdpPath(name, driver, subject);
    } catch (err) {
      await driver.close();
      throw err;
    }
  }

  async warmUp(spec: PhaseSpec): Promise<void> {
    const warm = await this.driver.run(spec);
    if (warm.delivered === 0) throw new Error(`${this.name}: no frame came through during the warm-up`);
  }

  /** Starts the subject's CPU and memory measurement. */
  mark(): Promise<void> {
    return this.subject.call('mark');
  }

  async measureLoaded(spec: PhaseSpec): Promise<void> {
    const phase = await this.driver.run(spec);
    add(this.loaded, phase);
    this.loadedLatencies.push(phase.latencies);
  }

  async measureUnloaded(spec: PhaseSpec): Promise<void> {
    const phase = await this.driver.run({ ...spec, window: 1 });
    add(this.unloaded, phase);
    this.unloadedLatencies.push(phase.latencies);
  }

  /** Ends the subject's measurement (a forced GC included; bounded wait). */
  end(): Promise<SubjectEnd> {
    return this.subject.call<SubjectEnd>('end', 30_000);
  }

  /** The phases with every round's latencies joined. */
  results(): { loaded: PhaseResult; unloaded: PhaseResult } {
    return {
      loaded: { ...this.loaded, latencies: concat(this.loadedLatencies) },
      unloaded: { ...this.unloaded, latencies: concat(this.unloadedLatencies) },
    };
  }

  async close(): Promise<void> {
    await this.subject.stop();
    await this.driver.close();
  }
}

function emptyPhase(): PhaseResult {
  return {
    frames: 0, delivered: 0, lost: 0, wallMs: 0, payloadBytes: 0, datagramsIn: 0, datagramsOut: 0, bytesOut: 0,
    latencies: new Float64Array(0), cutShort: false,
  };
}

function add(sum: PhaseResult, phase: PhaseResult): void {
  sum.frames += phase.frames;
  sum.delivered += phase.delivered;
  sum.lost += phase.lost;
  sum.wallMs += phase.wallMs;
  sum.payloadBytes += phase.payloadBytes;
  sum.datagramsIn += phase.datagramsIn;
  sum.datagramsOut += phase.datagramsOut;
  sum.bytesOut += phase.bytesOut;
  sum.cutShort ||= phase.cutShort;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
