/**
 * The benchmark's output: Markdown tables (ready for the README) or one JSON document (--json).
 */
import * as os from 'node:os';
import type { CameraRateReport, CameraRateRow } from './camera-rate-bench';
import type { ClipBenchReport } from './clip-bench';
import type { LiveReport } from './live-bench';
import type { PathResult, PipelineReport } from './pipeline-bench';
import type { RtspReport, RtspRow } from './rtsp-bench';
import { KiB, MiB } from './stats';

export interface Machine {
  date: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews
   * frames/s and latency (CPU ms per frame much less), so figures from a busy machine say so. */
  loadAverage: { start: number; end?: number };
}

export interface BenchReport {
  machine: Machine;
  pipeline?: PipelineReport;
  rtsp?: RtspReport;
  cameraRate?: CameraRateReport;
  clip?: ClipBenchReport;
  live?: LiveReport;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: { start: os.loadavg()[0] },
  };
}

export function toJson(report: BenchReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}

export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const load = `load average ${m.loadAverage.start.toFixed(2)} at the start, ${m.loadAverage.end?.toFixed(2) ?? '?'} at the end`;
  const out = [`Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, ${m.date}; ${load}`, ''];
  if (report.pipeline) out.push(...pipelineTable(report.pipeline), '');
  if (report.rtsp) out.push(...rtspTable(report.rtsp), '');
  if (report.cameraRate) out.push(...cameraRateTable(report.cameraRate), '');
  if (report.clip) out.push(...clipTable(report.clip), '');
  if (report.live) out.push(...liveTable(report.live), '');
  return `${out.join('\n')}\n`;
}

function pipelineTable(p: PipelineReport): string[] {
  const b = p.baseline;
  const o = p.ours;
  const r = p.ratios;
  const row = (label: string, f: (x: PathResult) => string, ratio = ''): string => `| ${label} | ${f(b)} | ${f(o)} | ${ratio} |`;
  const lines = [
    `UDP path at full speed: ${b.frames} frames per path measured after ${p.warmupFrames} warm-up frames, ${p.window} frames in flight, ` +
      `the two paths taking turns in rounds; the ${p.clipFrames}-frame clip looped, ${num(p.cameraDatagramsPerFrame, 2)} camera datagrams per frame.`,
    '',
    `| | ${b.name} (baseline) | ${o.name} | ours / baseline |`,
    '|---|---:|---:|---:|',
    row('frames measured (lost)', (x) => `${x.frames} (${x.lost})${x.cutShort ? ' cut short' : ''}`),
    row('frames/s', (x) => num(x.framesPerSecond, 0), num(r.framesPerSecond, 2)),
    row('Mbit/s in (H.264) / out (UDP payload)', (x) => `${num(x.mbitIn, 1)} / ${num(x.mbitOut, 1)}`),
    row('datagrams per frame in / out', (x) => `${num(x.datagramsInPerFrame, 2)} / ${num(x.datagramsOutPerFrame, 2)}`),
    row('CPU ms per frame', (x) => num(x.cpuMsPerFrame, 4), num(r.cpuMsPerFrame, 2)),
    row('subject CPU, % of one core (below 100: the load generator set the pace)', (x) => num(x.cpuPercent, 0)),
    row('frames/s one core could carry (1000 / CPU ms per frame)', (x) => num(1000 / x.cpuMsPerFrame, 0), num(1 / r.cpuMsPerFrame, 2)),
    row('latency p50 / p99 at full speed, ms', (x) => `${num(x.loadedLatency.p50Ms, 3)} / ${num(x.loadedLatency.p99Ms, 3)}`,
      `${num(r.loadedP50, 2)} / ${num(r.loadedP99, 2)}`),
    row(`latency p50 / p99, one frame in flight (${o.unloadedLatency.frames} frames), ms`,
      (x) => `${num(x.unloadedLatency.p50Ms, 3)} / ${num(x.unloadedLatency.p99Ms, 3)}`, `${num(r.unloadedP50, 2)} / ${num(r.unloadedP99, 2)}`),
    row('heap growth after GC, KiB', (x) => num(x.heapGrowthBytes / KiB, 0), growth(o.heapGrowthBytes, b.heapGrowthBytes)),
    row('RSS growth, KiB', (x) => num(x.rssGrowthBytes / KiB, 0), growth(o.rssGrowthBytes, b.rssGrowthBytes)),
    row('peak RSS, MiB', (x) => num(x.maxRssBytes / MiB, 1)),
  ];
  if (!b.gcForced || !o.gcForced) lines.push('', '(GC could not be forced: memory figures include garbage)');
  return lines;
}

function cameraRateTable(r: CameraRateReport): string[] {
  const c = r.clip;
  const b = r.baseline;
  const o = r.ours;
  const v = r.other;
  const row = (label: string, f: (x: CameraRateRow) => string, ratioText = ''): string =>
    `| ${label} | ${f(b)} | ${f(o)} | ${ratioText} |${v ? ` ${f(v)} |` : ''}`;
  return [
    `Camera rate: the ${c.width}x${c.height} clip at ${c.fps} fps (${num(c.kbitPerSecond, 0)} kbit/s, ${num(c.datagramsPerFrame, 1)} camera ` +
      `datagrams per frame) for ${num(b.seconds, 0)} s per subject after ${num(r.warmupSeconds, 0)} s of warm-up, then ${num(b.idleSeconds, 0)} s logged in without preview; ` +
      'CPU of the subject process (every thread) from /proc.',
    '',
    `| | ${b.name} (baseline) | ${o.name} | ours / baseline |${v ? ` ${v.name} |` : ''}`,
    `|---|---:|---:|---:|${v ? '---:|' : ''}`,
    row('frames sent / delivered', (x) => `${x.framesSent} / ${x.framesDelivered}`),
    row('CPU ms per frame', (x) => num(x.cpuMsPerFrame, 3), num(r.ratios.cpuMsPerFrame, 2)),
    row('CPU ms per second streaming', (x) => num(x.cpuMsPerSecond, 1)),
    row('CPU ms per frame during the warm-up', (x) => num(x.warmupCpuMsPerFrame, 3)),
    row('idle CPU ms per second', (x) => num(x.idleCpuMsPerSecond, 2), num(r.ratios.idleCpuMsPerSecond, 2)),
    row('RSS MiB', (x) => num(x.rssMiB, 1)),
  ];
}

function clipTable(r: ClipBenchReport): string[] {
  const ring = r.ring;
  const f = r.fullSpeed;
  const lines = [
    `Clip output at camera rate: the 640x480 clip at ${r.fps} fps for ${r.seconds} s per subject in alternating rounds, each subject a ` +
      `process of its own (CPU from /proc); the ring holds the default ${r.preRollSeconds} s pre-roll. "× baseline" is the median of the ` +
      'per-round ratios (lowest–highest).',
    '',
    '| subject | frames sent (run) / seen | CPU ms per frame | × baseline (range) | µs per frame above baseline | CPU ms per second | heap + external after GC, MiB | ring held (s / frames / KiB) | RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  r.rows.forEach((x, i) => {
    const held = x.ring ? `${num(x.ring.seconds, 1)} / ${x.ring.frames} / ${num(x.ring.bytes / KiB, 0)}` : '-';
    const times = i === 0 ? '1.00' : `${num(x.ratio, 2)} (${num(x.ratioRange[0], 2)}–${num(x.ratioRange[1], 2)})`;
    lines.push(
      `| ${x.name} | ${x.framesSentTotal} / ${x.framesSeen} | ${num(x.cpuMsPerFrame, 3)} | ${times} | ${i === 0 ? '' : num(x.extraUsPerFrame, 1)} | ` +
        `${num(x.cpuMsPerSecond, 1)} | ${num(x.memoryBytes / MiB, 2)} | ${held} | ${num(x.rssMiB, 1)} |`,
    );
  });
  lines.push(
    '',
    `Ring memory: ${num(ring.retainedBytes / KiB, 0)} KiB retained above the baseline for the ${num(ring.countedBytes / KiB, 0)} KiB of samples ` +
      `the ring counts (${ring.frames} frames): ${num((ring.retainedBytes - ring.countedBytes) / KiB, 0)} KiB more, the frames' objects and the clip ` +
      `code itself (at most ${num(ring.overheadPerFrame, 0)} bytes a frame).`,
    `The ring's own work at full speed (${f.frames} frames, this process): clipFrame + PreRollRing.push ${num(f.ringUsPerFrame, 2)} µs a frame, ` +
      `an AVCC copy of the frame ${num(f.copyUsPerFrame, 2)} µs (× ${num(f.ratio, 2)}).`,
  );
  return lines;
}

function liveTable(r: LiveReport): string[] {
  const seconds = r.rows[0]?.seconds ?? 0;
  const lines = [
    `Live view at camera rate: the 640x480 clip at ${r.fps} fps through \`actioncam live\`'s pipeline (Camera + LiveRunner + ` +
      `http.Server) in a process of its own, ${num(seconds, 0)} s per row in ${r.rounds} alternating rounds; viewers read stream.mp4 ` +
      'over loopback HTTP as fast as it comes. Delay: from the handling of a frame\'s last camera datagram to its fragment written ' +
      'to every viewer (worst round\'s percentile).',
    '',
    '| | frames | CPU ms per frame | x baseline | live output µs per frame | delay p50 / p99 / max, ms | Mbit/s to viewers | frames skipped |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of r.rows) {
    const base = x.name.startsWith('baseline');
    lines.push(`| ${x.name} | ${x.frames} | ${num(x.cpuMsPerFrame, 4)} | ${base ? '1.00' : num(x.ratio, 2)} | ${base ? '-' : num(x.outputUsPerFrame, 1)} | ` +
      `${num(x.delayP50Ms, 3)} / ${num(x.delayP99Ms, 3)} / ${num(x.delayMaxMs, 3)} | ${num(x.mbitToViewers, 2)} | ${x.skipped} |`);
  }
  return lines;
}

function rtspTable(report: RtspReport): string[] {
  const seconds = report.rows[0]?.seconds ?? 0;
  const lines = [
    `RTSP server at camera rate: the clip at ${report.fps} fps for ${seconds} s per row, a fresh server per row; ` +
      'CPU and memory are the server process\'s (clients run in another process).',
    '',
    '| clients | server CPU ms/s | x 0 clients | µs per client-frame | frames per client min / mean / max (sent by source) | Mbit/s to clients | heap growth KiB | RSS growth KiB | heap MiB (per client KiB) | RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of report.rows) lines.push(rtspLine(row));
  return lines;
}

function rtspLine(x: RtspRow): string {
  const who = x.clients === 0 ? '0 (baseline)' : `${x.clients} ${x.transport.toUpperCase()}`;
  const frames = x.clients === 0 ? `- (${x.sourceFrames})` : `${x.framesPerClient.min} / ${num(x.framesPerClient.mean, 1)} / ${x.framesPerClient.max} (${x.sourceFrames})`;
  const perClient = x.clients === 0 ? '' : ` (${num(x.heapPerClientBytes / KiB, 1)})`;
  return `| ${who} | ${num(x.cpuMsPerSecond, 1)} | ${num(x.cpuRatio, 2)} | ${x.clients === 0 ? '-' : num(x.cpuUsPerClientFrame, 1)} | ${frames} | ` +
    `${num(x.mbitOut, 2)} | ${num(x.heapGrowthBytes / KiB, 0)} | ${num(x.rssGrowthBytes / KiB, 0)} | ${num(x.heapBytes / MiB, 2)}${perClient} | ${num(x.rssBytes / MiB, 1)} |`;
}

/**
 * Memory growth compared: a ratio only when both grew by more than noise (GC and allocator pages move
 * a few hundred KiB either way); otherwise the difference, which is what matters then.
 */
function growth(ours: number, baseline: number): string {
  const noise = 512 * KiB;
  if (ours > noise && baseline > noise) return num(ours / baseline, 2);
  const delta = (ours - baseline) / KiB;
  return `${delta >= 0 ? '+' : ''}${num(delta, 0)} KiB`;
}

function num(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
