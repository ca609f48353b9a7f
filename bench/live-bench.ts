/**
 * Live view benchmark: what the browser live view costs at the camera's rate. The simulator streams
 * the 640x480 clip at 25 fps (the camera-rate bench's, bench/assets/vga25.h264) to a subject process
 * (subjects/live.ts: Camera + LiveRunner + http.Server, as `actioncam live` runs them); this process
 * plays the viewers, plain HTTP readers of stream.mp4 that read as fast as the bytes come, as a
 * browser on a good link does. Rows, all in the same subject process and taking turns in rounds so
 * that other load on the machine falls on every row alike:
 *   - baseline: the preview held, the live output stopped (the intake alone: UDP, reassembly);
 *   - the live output with 0, 1 and 10 viewers (fMP4 muxing once per frame, HLS segments, fan-out).
 * For each: CPU ms per frame of the subject (user + system, from the subject's own process.cpuUsage),
 * the ratio to the baseline, the output's own cost per frame (the difference), and the delay from a
 * frame's last camera datagram to its fragment being written to every viewer (p50, p99, max).
 * Figures are printed, never asserted.
 */
import * as http from 'node:http';
import { CameraSimulator } from '../src/simulator';
import { reserveUdpPort } from '../test/helpers/ports';
import { CAMERA_RATE_CLIP, CAMERA_RATE_FPS } from './camera-rate-bench';
import { SubjectProcess } from './ipc';
import type { BenchOptions } from './options';
import type { ProbeResult } from './probe';
import { ratio, sleep } from './stats';

/** Rounds each row's window is split into. */
const ROUNDS = 3;
/** After a change of viewers or output: viewers joined at a keyframe, the first segment is made. */
const SETTLE_MS = 2_000;
const FIRST_FRAME_TIMEOUT_MS = 15_000;

export interface LiveRow {
  name: string;
  viewers: number;
  seconds: number;
  frames: number;
  cpuMsPerFrame: number;
  /** cpuMsPerFrame / the baseline's. */
  ratio: number;
  /** cpuMsPerFrame - the baseline's, in microseconds: the live output's own cost of a frame. */
  outputUsPerFrame: number;
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Bytes the viewers received per second, all together. */
  mbitToViewers: number;
  /** Frames skipped by viewers (should be 0: they keep up). */
  skipped: number;
}

export interface LiveReport {
  fps: number;
  rounds: number;
  rows: LiveRow[];
}

interface Plan {
  name: string;
  viewers: number;
  live: boolean;
}

interface Totals {
  cpuMs: number;
  wallMs: number;
  frames: number;
  delaysP50: number[];
  delaysP99: number[];
  delayMax: number;
  bytes: number;
  skipped: number;
}

const PLANS: Plan[] = [
  { name: 'baseline: preview intake, no live output', viewers: 0, live: false },
  { name: 'live output, 0 viewers', viewers: 0, live: true },
  { name: 'live output, 1 viewer', viewers: 1, live: true },
  { name: 'live output, 10 viewers', viewers: 10, live: true },
];

export async function runLiveBench(options: BenchOptions, progress: (line: string) => void): Promise<LiveReport> {
  const preview = await reserveUdpPort();
  const sim = new CameraSimulator({ host: '127.0.0.1', fps: CAMERA_RATE_FPS, clipPath: CAMERA_RATE_CLIP, previewPort: preview.port });
  const addr = await sim.start().finally(() => preview.release());
  let subject: SubjectProcess | undefined;
  const viewers: Viewer[] = [];
  try {
    subject = await SubjectProcess.start('live', { controlPort: addr.controlPort, previewPort: preview.port });
    const port = Number(subject.info.port);
    const deadline = Date.now() + FIRST_FRAME_TIMEOUT_MS;
    while (sim.stats.previewFrames === 0 && Date.now() < deadline) await sleep(50);
    let live = false;
    const totals = PLANS.map((): Totals => ({ cpuMs: 0, wallMs: 0, frames: 0, delaysP50: [], delaysP99: [], delayMax: 0, bytes: 0, skipped: 0 }));
    const windowMs = (options.liveSeconds * 1000) / ROUNDS;
    progress(`live: ${options.liveSeconds} s per row (${PLANS.length} rows) in ${ROUNDS} rounds, the clip at ${CAMERA_RATE_FPS} fps...`);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? PLANS : [...PLANS].reverse();
      for (const plan of order) {
        if (plan.live !== live) {
          await subject.call(plan.live ? 'live-on' : 'live-off');
          live = plan.live;
        }
        while (viewers.length > plan.viewers) viewers.pop()?.close();
        while (viewers.length < plan.viewers) viewers.push(openViewer(port));
        await sleep(SETTLE_MS);
        await subject.call('mark');
        const bytes0 = viewers.reduce((sum, v) => sum + v.bytes, 0);
        await sleep(windowMs);
        const end = await subject.call<{ probe: ProbeResult; stats: Record<string, number> }>('end');
        const t = totals[PLANS.indexOf(plan)];
        t.cpuMs += end.probe.cpuUserMs + end.probe.cpuSystemMs;
        t.wallMs += end.probe.wallMs;
        t.frames += end.stats.frames;
        t.delaysP50.push(end.stats.delayP50Ms);
        t.delaysP99.push(end.stats.delayP99Ms);
        t.delayMax = Math.max(t.delayMax, end.stats.delayMaxMs);
        t.bytes += viewers.reduce((sum, v) => sum + v.bytes, 0) - bytes0;
        t.skipped += end.stats.skipped;
        const broken = viewers.filter((v) => v.error);
        if (broken.length) throw new Error(`live: a viewer failed: ${broken[0].error}`);
      }
    }
    const rows = PLANS.map((plan, i) => {
      const t = totals[i];
      const cpuMsPerFrame = t.cpuMs / t.frames;
      return {
        name: plan.name,
        viewers: plan.viewers,
        seconds: t.wallMs / 1000,
        frames: t.frames,
        cpuMsPerFrame,
        ratio: NaN,
        outputUsPerFrame: NaN,
        // Each round's percentile; the worst round is reported.
        delayP50Ms: Math.max(...t.delaysP50),
        delayP99Ms: Math.max(...t.delaysP99),
        delayMaxMs: t.delayMax,
        mbitToViewers: (t.bytes * 8) / (t.wallMs / 1000) / 1e6,
        skipped: t.skipped,
      };
    });
    const base = rows[0].cpuMsPerFrame;
    for (const row of rows) {
      row.ratio = ratio(row.cpuMsPerFrame, base);
      row.outputUsPerFrame = (row.cpuMsPerFrame - base) * 1000;
    }
    return { fps: CAMERA_RATE_FPS, rounds: ROUNDS, rows };
  } finally {
    for (const v of viewers.splice(0)) v.close();
    await subject?.stop();
    await sim.stop();
  }
}

interface Viewer {
  bytes: number;
  error?: string;
  close(): void;
}

/** GET /stream.mp4, reading (and counting) everything; bounded by the run: closed by the caller. */
function openViewer(port: number): Viewer {
  const viewer: Viewer = { bytes: 0, close: () => req.destroy() };
  const req = http.get({ host: '127.0.0.1', port, path: '/stream.mp4', agent: false }, (res) => {
    if (res.statusCode !== 200) viewer.error = `HTTP ${res.statusCode}`;
    res.on('data', (chunk: Buffer) => {
      viewer.bytes += chunk.length;
    });
    res.on('error', () => undefined);
  });
  req.on('error', (err) => {
    if (!req.destroyed) viewer.error = err.message;
  });
  return viewer;
}
