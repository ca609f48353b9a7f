/**
 * The clip output at camera rate: what a deployed actioncam-clip node costs all day (its pre-roll
 * ring filling), and while it records. The simulator streams the 640x480 clip at 25 fps (as in
 * camera-rate-bench.ts) to three subject processes (bench/subjects/clip.ts), each with a simulator of
 * its own:
 *   - baseline: a Camera holding the live preview, nothing else (the intake every output pays);
 *   - ring: the same plus a ClipRecorder armed with a 5 s pre-roll (the default);
 *   - recording: the ring plus one clip being written to a temporary folder.
 * CPU per frame comes from /proc (proc-cpu.ts) over alternating rounds, each subject's camera muted
 * while another is measured, so other load on the machine falls on all alike; "× baseline" is the
 * median over the rounds of the ratio to the baseline's CPU per frame in the same round (with the
 * lowest and highest: at camera rate a frame costs a few hundred µs of event-loop wake-ups, timers and
 * GC, so single rounds scatter). Memory: after the rounds every ring is filled again, and each subject
 * reports its heap + external memory after a full GC (probe.ts) and what its ring holds; the ring's
 * memory is the difference to the baseline. For scale, the ring's own work per frame (clipFrame +
 * PreRollRing.push) is also timed at full speed in this process against an AVCC copy of the frame.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClipDefaults } from '../src/clip/defaults';
import { clipFrame, PreRollRing } from '../src/clip/pre-roll';
import { splitAccessUnits } from '../src/media/h264/access-units';
import { splitAnnexB } from '../src/media/h264/annexb';
import { containsIdr } from '../src/media/h264/nal';
import { avccSample } from '../src/media/mp4/sample-data';
import { CameraSimulator } from '../src/simulator';
import { freeUdpPort } from '../test/helpers/ports';
import { CAMERA_RATE_CLIP, CAMERA_RATE_FPS } from './camera-rate-bench';
import { SubjectProcess } from './ipc';
import type { BenchOptions } from './options';
import type { ProbeResult } from './probe';
import { processCpuMs, processRssBytes } from './proc-cpu';
import { ratio, sleep } from './stats';

/** The node's default pre-roll. */
const PRE_ROLL_SECONDS = ClipDefaults.preRollSeconds;
/** Streaming before the rounds: login, first IDR, the ring full (pre-roll + a GOP), JIT warm. */
const WARMUP_MS = (PRE_ROLL_SECONDS + 3) * 1000;
/** After unmuting: frames flowing again before the window opens. */
const RESUME_MS = 1500;
const ROUNDS = 6;
const FIRST_FRAME_TIMEOUT_MS = 15_000;

export interface ClipBenchRow {
  name: string;
  /** Frames the camera sent during the measured windows. */
  framesSent: number;
  /** Over the whole run: frames the camera sent, and those the subject's preview delivered. */
  framesSentTotal: number;
  framesSeen: number;
  cpuMsPerFrame: number;
  cpuMsPerSecond: number;
  /** CPU per frame above the baseline's, in µs (over the whole run): the clip output's own cost. */
  extraUsPerFrame: number;
  /** Median over the rounds of this row's CPU per frame / the baseline's in the same round, and the range. */
  ratio: number;
  ratioRange: [number, number];
  /** Heap + external memory after a full GC at the end, and the peak RSS. */
  memoryBytes: number;
  rssMiB: number;
  ring?: { seconds: number; frames: number; bytes: number };
}

export interface ClipBenchReport {
  fps: number;
  preRollSeconds: number;
  seconds: number;
  rows: ClipBenchRow[];
  /** The ring's work per frame at full speed, in this process: clipFrame + push against an AVCC copy. */
  fullSpeed: { frames: number; copyUsPerFrame: number; ringUsPerFrame: number; ratio: number };
  /** The ring subject's memory above the baseline's, what its ring counts, and the difference per frame held. */
  ring: { retainedBytes: number; countedBytes: number; frames: number; overheadPerFrame: number };
}

interface Running {
  name: string;
  sim: CameraSimulator;
  proc: SubjectProcess;
  totals: { cpuMs: number; wallMs: number; sent: number; rss: number };
  /** CPU ms per frame of each round. */
  rounds: number[];
}

const SUBJECTS: Array<{ name: string; mode: 0 | 1 | 2 }> = [
  { name: 'preview only (baseline)', mode: 0 },
  { name: `clip output, ${PRE_ROLL_SECONDS} s pre-roll filling`, mode: 1 },
  { name: 'clip output recording a clip', mode: 2 },
];

export async function runClipBench(options: BenchOptions, progress: (line: string) => void): Promise<ClipBenchReport> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'actioncam-clip-bench-'));
  const running: Running[] = [];
  try {
    for (const s of SUBJECTS) running.push(await open(s.name, s.mode, dir));
    progress(`clip output: warming up ${WARMUP_MS / 1000} s, then ${options.clipSeconds} s of streaming per subject in ${ROUNDS} alternating rounds...`);
    await sleep(WARMUP_MS);
    for (const r of running) r.sim.faults.mutePreview = true;
    const windowMs = (options.clipSeconds * 1000) / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const order = rotate(running, round);
      for (const r of order) await measure(r, windowMs);
    }
    // Every ring full again, then memory after a full GC in each subject.
    for (const r of running) r.sim.faults.mutePreview = false;
    await sleep((PRE_ROLL_SECONDS + 2) * 1000);
    const ends: Array<{ probe: ProbeResult; stats: { frames: number; ring?: ClipBenchRow['ring'] } }> = [];
    for (const r of running) {
      await r.proc.call('mark');
      ends.push(await r.proc.call('end', 30_000));
    }
    const rows = running.map((r, i): ClipBenchRow => {
      const t = r.totals;
      const after = ends[i].probe.after;
      return {
        name: r.name,
        framesSent: t.sent,
        framesSentTotal: r.sim.stats.previewFrames,
        framesSeen: ends[i].stats.frames,
        cpuMsPerFrame: t.cpuMs / t.sent,
        cpuMsPerSecond: (t.cpuMs * 1000) / t.wallMs,
        extraUsPerFrame: 0,
        ...roundRatios(r.rounds, running[0].rounds),
        memoryBytes: after.heapUsed + after.external,
        rssMiB: t.rss / 2 ** 20,
        ring: ends[i].stats.ring,
      };
    });
    for (const row of rows) row.extraUsPerFrame = (row.cpuMsPerFrame - rows[0].cpuMsPerFrame) * 1000;
    const ringRow = rows[1];
    const counted = ringRow.ring?.bytes ?? 0;
    const frames = ringRow.ring?.frames ?? 0;
    const retained = ringRow.memoryBytes - rows[0].memoryBytes;
    return {
      fps: CAMERA_RATE_FPS,
      preRollSeconds: PRE_ROLL_SECONDS,
      seconds: options.clipSeconds,
      rows,
      fullSpeed: fullSpeed(),
      ring: { retainedBytes: retained, countedBytes: counted, frames, overheadPerFrame: frames > 0 ? (retained - counted) / frames : NaN },
    };
  } finally {
    for (const r of running) {
      await r.proc.stop();
      await r.sim.stop();
    }
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function open(name: string, mode: 0 | 1 | 2, dir: string): Promise<Running> {
  const previewPort = await freeUdpPort();
  const sim = new CameraSimulator({ host: '127.0.0.1', fps: CAMERA_RATE_FPS, clipPath: CAMERA_RATE_CLIP, previewPort });
  const addr = await sim.start();
  let proc: SubjectProcess | undefined;
  try {
    proc = await SubjectProcess.start('clip', { controlPort: addr.controlPort, previewPort, mode, preRoll: PRE_ROLL_SECONDS, dir });
    const started = performance.now();
    while (sim.stats.previewFrames === 0) {
      if (performance.now() - started > FIRST_FRAME_TIMEOUT_MS) throw new Error(`${name}: the simulator never streamed`);
      await sleep(50);
    }
  } catch (err) {
    await proc?.stop();
    await sim.stop();
    throw err;
  }
  return { name, sim, proc, totals: { cpuMs: 0, wallMs: 0, sent: 0, rss: 0 }, rounds: [] };
}

async function measure(r: Running, windowMs: number): Promise<void> {
  r.sim.faults.mutePreview = false;
  await sleep(RESUME_MS);
  const cpu0 = processCpuMs(r.proc.pid);
  const sent0 = r.sim.stats.previewFrames;
  const t0 = performance.now();
  await sleep(windowMs);
  const cpuMs = processCpuMs(r.proc.pid) - cpu0;
  const sent = r.sim.stats.previewFrames - sent0;
  r.totals.cpuMs += cpuMs;
  r.totals.wallMs += performance.now() - t0;
  r.totals.sent += sent;
  r.rounds.push(cpuMs / sent);
  r.totals.rss = Math.max(r.totals.rss, processRssBytes(r.proc.pid));
  r.sim.faults.mutePreview = true;
}

/** Median and range over the rounds of `mine[i] / base[i]`. */
function roundRatios(mine: number[], base: number[]): { ratio: number; ratioRange: [number, number] } {
  const ratios = mine.map((m, i) => ratio(m, base[i])).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  return { ratio: median, ratioRange: [ratios[0], ratios[ratios.length - 1]] };
}

/** The VGA clip's frames through clipFrame + PreRollRing.push, and through an AVCC copy, at full speed (median of 5 rounds). */
function fullSpeed(): ClipBenchReport['fullSpeed'] {
  const data = readFileSync(CAMERA_RATE_CLIP);
  const units = splitAccessUnits(splitAnnexB(data)).map((nalus) => ({ nalus, keyframe: containsIdr(nalus) }));
  const frames = 50_000;
  const ticks = 90000 / CAMERA_RATE_FPS;
  const run = (work: (i: number) => void): number => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < frames; i++) work(i);
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / frames;
  };
  const copies: number[] = [];
  const rings: number[] = [];
  for (let round = 0; round < 5; round++) {
    copies.push(run((i) => avccSample(units[i % units.length].nalus)));
    const ring = new PreRollRing({ seconds: PRE_ROLL_SECONDS });
    rings.push(run((i) => {
      const u = units[i % units.length];
      ring.push(clipFrame({ nalus: u.nalus, keyframe: u.keyframe, timestamp: (i * ticks) % 2 ** 32 }, 0));
    }));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { frames, copyUsPerFrame: median(copies), ringUsPerFrame: median(rings), ratio: ratio(median(rings), median(copies)) };
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const n = by % list.length;
  return [...list.slice(n), ...list.slice(0, n)];
}
