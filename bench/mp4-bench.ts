/**
 * CPU per frame of MP4 muxing: this package's writer against mediabunny and mp4-muxer (when
 * installed, see mp4-subjects.ts), for the live path (one fMP4 fragment per frame) and the clip path
 * (faststart MP4), on the committed clip's access units looped into a long timeline.
 *
 *   node scripts/build.js && node --expose-gc dist/bench/mp4-bench.js [--frames N] [--rounds R] [--json]
 *
 * Each round runs every subject once, in turn, on the same frames; a subject's figure is the median
 * over the rounds of its process CPU time (user + system, GC included) per frame, and its ratio to
 * the baseline (an AVCC copy of the frame: the least any muxer does) measured in the same round, so
 * the ratios hold across machines. Figures go in docs/MP4.md; no test asserts them.
 */
import * as os from 'node:os';
import type { AccessUnit } from '../src/media/types';
import { CLIP_FRAME_TICKS, loadClip } from '../test/helpers/clip';
import { setMemoryPass, subjects, type Mp4Path, type Mp4Subject, type SubjectOutput } from './mp4-subjects';

/** Default frames per subject per round: 22 min of the 15 fps clip, long enough for CPU time to be read well. */
const DEFAULT_FRAMES = 20000;
const DEFAULT_ROUNDS = 7;
/** Bounds on the options: a run must finish in minutes on a 2-core machine. */
const MAX_FRAMES = 200000;
const MAX_ROUNDS = 50;

interface Row {
  path: Mp4Path;
  subject: string;
  missing?: string;
  usPerFrame?: number;
  ratio?: number;
  /** Lowest and highest ratio over the rounds: how noisy the machine was. */
  ratioRange?: [number, number];
  output?: SubjectOutput;
}

function parseArgs(argv: string[]): { frames: number; rounds: number; json: boolean } {
  const opts = { frames: DEFAULT_FRAMES, rounds: DEFAULT_ROUNDS, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--frames' || a === '--rounds') {
      const n = Number(argv[++i]);
      const max = a === '--frames' ? MAX_FRAMES : MAX_ROUNDS;
      if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${a} takes an integer in 1..${max}`);
      if (a === '--frames') opts.frames = n;
      else opts.rounds = n;
    } else throw new Error(`unknown option ${a}; usage: mp4-bench [--frames N] [--rounds R] [--json]`);
  }
  return opts;
}

/** The clip looped to `count` frames with 90 kHz timestamps that keep going (and wrap like a camera's). */
function timeline(count: number): AccessUnit[] {
  const units = loadClip().accessUnits;
  return Array.from({ length: count }, (_, i) => {
    const u = units[i % units.length];
    return { nalus: u.nalus, keyframe: u.keyframe, timestamp: (i * CLIP_FRAME_TICKS) % 2 ** 32 };
  });
}

async function measure(subject: Mp4Subject, frames: readonly AccessUnit[]): Promise<{ us: number; output: SubjectOutput }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const params = loadClip().parameterSets;
  const before = process.cpuUsage();
  const output = await subject.run(frames, params);
  const used = process.cpuUsage(before);
  return { us: (used.user + used.system) / frames.length, output };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function benchPath(path: Mp4Path, frames: readonly AccessUnit[], rounds: number): Promise<Row[]> {
  const list = subjects(path);
  const times = list.map((): number[] => []);
  const ratios = list.map((): number[] => []);
  const outputs: Array<SubjectOutput | undefined> = list.map(() => undefined);
  // One untimed round first so every subject's code is optimised before it is timed.
  for (const s of list) if (!s.missing) await s.run(frames, loadClip().parameterSets);
  for (let r = 0; r < rounds; r++) {
    let base = 0;
    for (let i = 0; i < list.length; i++) {
      if (list[i].missing) continue;
      const { us, output } = await measure(list[i], frames);
      if (i === 0) base = us;
      times[i].push(us);
      ratios[i].push(us / base);
      outputs[i] = output;
    }
  }
  // Untimed: what each muxer keeps alive while it runs (forced GCs would distort the CPU figures).
  const retained: Array<number | undefined> = [];
  setMemoryPass(true);
  for (const s of list) retained.push(s.missing ? undefined : (await s.run(frames, loadClip().parameterSets)).peakRetained);
  setMemoryPass(false);
  return list.map((s, i) => ({
    path,
    subject: s.name,
    missing: s.missing,
    usPerFrame: s.missing ? undefined : median(times[i]),
    ratio: s.missing ? undefined : median(ratios[i]),
    ratioRange: s.missing ? undefined : [Math.min(...ratios[i]), Math.max(...ratios[i])],
    output: outputs[i] && { ...outputs[i], peakRetained: retained[i] ?? 0 },
  }));
}

function markdown(rows: Row[], frames: number, rounds: number): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `MP4 muxing, ${frames} frames of the committed 320x240 clip per subject, median of ${rounds} rounds`,
    `(Node ${process.version}, ${cpu}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)})`,
    '',
    '| path | subject | CPU µs/frame | × baseline | (min–max) | outputs | max frames waiting | peak retained |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.missing) lines.push(`| ${r.path} | ${r.subject} | ${r.missing} | | | | | |`);
    else lines.push(`| ${r.path} | ${r.subject} | ${r.usPerFrame?.toFixed(2)} | ${r.ratio?.toFixed(2)} | ${r.ratioRange?.map((x) => x.toFixed(2)).join('–')} | ${r.output?.outputs} | ${r.output?.maxFramesWaiting} | ${((r.output?.peakRetained ?? 0) / 2 ** 20).toFixed(1)} MiB |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { frames: count, rounds, json } = parseArgs(process.argv.slice(2));
  if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('mp4-bench: run node with --expose-gc for the retained-memory column\n');
  const frames = timeline(count);
  const rows = [...(await benchPath('fragment', frames, rounds)), ...(await benchPath('clip', frames, rounds))];
  process.stdout.write(json ? `${JSON.stringify({ node: process.version, frames: count, rounds, rows }, null, 2)}\n` : markdown(rows, count, rounds));
}

main().catch((err: Error) => {
  process.stderr.write(`mp4-bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
