/**
 * UDP path benchmark: the camera's preview at full speed through (a) a plain UDP forwarder, the
 * baseline, and (b) our receiver -> RTP relay, in the same run, each in a subject process of its own.
 * Per path: a warm-up; then `frames` at `window` frames in flight (throughput, CPU, memory, latency
 * under load), the two paths taking turns in rounds; then `latencyFrames` one at a time (the latency
 * a frame sees when nothing queues, as at the camera's 15 fps), also in turns.
 */
import { CameraFeed } from './camera-feed';
import { cameraFrameEnd, rtpFrameEnd } from './frame-ends';
import type { BenchOptions } from './options';
import { percentile, ratio } from './stats';
import type { PhaseResult } from './traffic';
import { UdpPath, type SubjectEnd } from './udp-path';

/** Frames per path per round at full speed: about a second. */
const ROUND_FRAMES = 10_000;
/** Frames per path per round one at a time: a fraction of a second. */
const LATENCY_ROUND_FRAMES = 1_000;

export interface LatencySummary {
  frames: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
}

export interface PathResult {
  name: string;
  frames: number;
  lost: number;
  cutShort: boolean;
  wallMs: number;
  framesPerSecond: number;
  /** H.264 payload received from the camera, Mbit/s. */
  mbitIn: number;
  /** Everything the sink received (UDP payloads), Mbit/s. */
  mbitOut: number;
  datagramsInPerFrame: number;
  datagramsOutPerFrame: number;
  cpuMsPerFrame: number;
  /** CPU time of the subject / wall time of its rounds (100 = one core busy). */
  cpuPercent: number;
  loadedLatency: LatencySummary;
  unloadedLatency: LatencySummary;
  heapGrowthBytes: number;
  rssGrowthBytes: number;
  maxRssBytes: number;
  gcForced: boolean;
  subjectStats: Record<string, unknown>;
}

export interface PipelineReport {
  window: number;
  warmupFrames: number;
  clipFrames: number;
  cameraDatagramsPerFrame: number;
  baseline: PathResult;
  ours: PathResult;
  /** ours / baseline of each figure. */
  ratios: Record<string, number>;
}

export async function runPipelineBench(options: BenchOptions, progress: (line: string) => void): Promise<PipelineReport> {
  const feed = new CameraFeed();
  const paths: UdpPath[] = [];
  try {
    paths.push(await UdpPath.open('plain UDP forwarder', 'forwarder', cameraFrameEnd));
    paths.push(await UdpPath.open('receiver -> RtpRelay', 'pipeline', rtpFrameEnd));
    const [baselinePath, oursPath] = paths;
    const budgetMs = options.maxPhaseSeconds * 1000;
    progress(`pipeline: warm-up, ${options.warmupFrames} frames per path...`);
    for (const path of paths) await path.warmUp({ frames: options.warmupFrames, window: options.window, deadlineMs: budgetMs });
    for (const path of paths) await path.mark();
    progress(`pipeline: ${options.frames} frames per path at full speed, alternating in rounds of ${ROUND_FRAMES}...`);
    await alternate(paths, options.frames, ROUND_FRAMES, budgetMs, (path, frames, deadlineMs) => path.measureLoaded({ frames, window: options.window, deadlineMs }));
    const ends = [];
    for (const path of paths) ends.push(await path.end());
    progress(`pipeline: ${options.latencyFrames} frames per path one at a time...`);
    await alternate(paths, options.latencyFrames, LATENCY_ROUND_FRAMES, budgetMs, (path, frames, deadlineMs) => path.measureUnloaded({ frames, window: 1, deadlineMs }));
    const baseline = summarise(baselinePath, ends[0]);
    const ours = summarise(oursPath, ends[1]);
    return {
      window: options.window,
      warmupFrames: options.warmupFrames,
      clipFrames: feed.clipFrames,
      cameraDatagramsPerFrame: feed.datagramsPerFrame,
      baseline,
      ours,
      ratios: {
        framesPerSecond: ratio(ours.framesPerSecond, baseline.framesPerSecond),
        cpuMsPerFrame: ratio(ours.cpuMsPerFrame, baseline.cpuMsPerFrame),
        loadedP50: ratio(ours.loadedLatency.p50Ms, baseline.loadedLatency.p50Ms),
        loadedP99: ratio(ours.loadedLatency.p99Ms, baseline.loadedLatency.p99Ms),
        unloadedP50: ratio(ours.unloadedLatency.p50Ms, baseline.unloadedLatency.p50Ms),
        unloadedP99: ratio(ours.unloadedLatency.p99Ms, baseline.unloadedLatency.p99Ms),
        heapGrowth: ratio(ours.heapGrowthBytes, baseline.heapGrowthBytes),
        rssGrowth: ratio(ours.rssGrowthBytes, baseline.rssGrowthBytes),
      },
    };
  } finally {
    for (const path of paths) await path.close();
  }
}

/**
 * Runs `frames` through every path in rounds of `roundFrames`, in the order A B, B A, A B ... so that
 * whatever else the machine is doing (and any drift) falls on both paths alike. Each path stops when
 * its time budget is spent.
 */
async function alternate(
  paths: UdpPath[],
  frames: number,
  roundFrames: number,
  budgetMs: number,
  run: (path: UdpPath, frames: number, deadlineMs: number) => Promise<void>,
): Promise<void> {
  const spent = paths.map(() => 0);
  for (let done = 0, round = 0; done < frames; done += roundFrames, round++) {
    const count = Math.min(roundFrames, frames - done);
    const order = round % 2 === 0 ? paths.map((_, i) => i) : paths.map((_, i) => paths.length - 1 - i);
    for (const i of order) {
      const left = budgetMs - spent[i];
      if (left <= 0) continue;
      const started = performance.now();
      await run(paths[i], count, left);
      spent[i] += performance.now() - started;
    }
  }
}

function summarise(path: UdpPath, end: SubjectEnd): PathResult {
  const { loaded, unloaded } = path.results();
  const { probe, stats } = end;
  const name = path.name;
  const seconds = loaded.wallMs / 1000;
  const cpuMs = probe.cpuUserMs + probe.cpuSystemMs;
  return {
    name,
    frames: loaded.frames,
    lost: loaded.lost,
    cutShort: loaded.cutShort,
    wallMs: loaded.wallMs,
    framesPerSecond: loaded.delivered / seconds,
    mbitIn: (loaded.payloadBytes * 8) / seconds / 1e6,
    mbitOut: (loaded.bytesOut * 8) / seconds / 1e6,
    datagramsInPerFrame: loaded.datagramsIn / loaded.frames,
    datagramsOutPerFrame: loaded.datagramsOut / loaded.frames,
    cpuMsPerFrame: cpuMs / loaded.frames,
    cpuPercent: (100 * cpuMs) / loaded.wallMs, // its own rounds: it idles while the other path runs
    loadedLatency: latency(loaded),
    unloadedLatency: latency(unloaded),
    heapGrowthBytes: probe.after.heapUsed - probe.before.heapUsed,
    rssGrowthBytes: probe.after.rss - probe.before.rss,
    maxRssBytes: probe.maxRss,
    gcForced: probe.gcForced,
    subjectStats: stats,
  };
}

function latency(phase: PhaseResult): LatencySummary {
  return { frames: phase.delivered, lost: phase.lost, p50Ms: percentile(phase.latencies, 50), p99Ms: percentile(phase.latencies, 99) };
}
