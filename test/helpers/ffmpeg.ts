/**
 * Running the real ffmpeg in tests: a deadline on every run (SIGTERM, then SIGKILL), a registry of
 * the processes this helper spawned so an `after` hook can kill the stragglers (and only those),
 * `-f framemd5` output parsing, decoder-error extraction from stderr, and the alignment of a decoded
 * sequence with a reference decode of the same clip (a live joiner starts at some IDR).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

export interface FfmpegResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** The deadline fired and the process was killed. */
  timedOut: boolean;
}

export interface FfmpegRun {
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects; a spawn failure is code null + stderr). */
  result: Promise<FfmpegResult>;
  /** SIGTERM now, SIGKILL 2 s later if it is still there. Idempotent. */
  kill(): void;
}

export interface RunOptions {
  /** Kill the process after this long. */
  timeoutMs: number;
  bin?: string;
  /** Written to stdin, which is then closed. */
  input?: Buffer;
}

const KILL_GRACE_MS = 2000;
const running = new Set<FfmpegRun>();

let available: boolean | undefined;

/** True when the ffmpeg binary runs (`ffmpeg -version`). */
export function ffmpegAvailable(bin = FFMPEG): boolean {
  if (available === undefined || bin !== FFMPEG) {
    const probe = spawnSync(bin, ['-version'], { stdio: 'ignore', timeout: 10000 });
    const ok = probe.status === 0;
    if (bin !== FFMPEG) return ok;
    available = ok;
  }
  return available;
}

/** Spawns ffmpeg with `args` (prefixed by -hide_banner -nostdin) under a deadline. */
export function runFfmpeg(args: readonly string[], options: RunOptions): FfmpegRun {
  const bin = options.bin ?? FFMPEG;
  const withInput = options.input !== undefined;
  const child = spawn(bin, ['-hide_banner', ...(withInput ? [] : ['-nostdin']), ...args], {
    stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;
  const kill = (): void => {
    if (exited || killTimer) return;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, KILL_GRACE_MS);
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  child.stdout?.on('data', (c: Buffer) => stdout.push(c));
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  if (withInput && child.stdin) {
    child.stdin.on('error', () => undefined); // EPIPE when ffmpeg exits before reading everything
    child.stdin.end(options.input);
  }
  const run: FfmpegRun = {
    child,
    kill,
    result: new Promise<FfmpegResult>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
        if (exited) return;
        exited = true;
        clearTimeout(deadline);
        if (killTimer) clearTimeout(killTimer);
        running.delete(run);
        resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') + extra, timedOut });
      };
      child.on('error', (err) => finish(null, null, `\nspawn failed: ${err.message}`));
      child.on('close', (code, signal) => finish(code, signal));
    }),
  };
  running.add(run);
  return run;
}

/** Kills every ffmpeg this helper started that is still running, and waits for them (after hooks). */
export async function killSpawnedFfmpeg(): Promise<void> {
  const runs = [...running];
  for (const run of runs) run.kill();
  await Promise.all(runs.map((r) => r.result));
}

/** One line of `-f framemd5` output: `stream, dts, pts, duration, size, md5`. */
export interface FrameMd5 {
  stream: number;
  dts: number;
  pts: number;
  duration: number;
  size: number;
  md5: string;
}

export function parseFramemd5(text: string): FrameMd5[] {
  const frames: FrameMd5[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 6 || !/^[0-9a-f]{32}$/.test(f[5])) continue;
    frames.push({ stream: Number(f[0]), dts: Number(f[1]), pts: Number(f[2]), duration: Number(f[3]), size: Number(f[4]), md5: f[5] });
  }
  return frames;
}

/**
 * Lines of ffmpeg stderr (run with `-loglevel warning` or more) that show a damaged picture or
 * lost data: H.264 decoder errors and concealment, RTP loss and reordering-buffer overruns.
 */
export const DECODE_ERROR_PATTERNS: readonly RegExp[] = [
  /error while decoding/i,
  /concealing \d+ DC/i,
  /Invalid NAL unit/i,
  /non-existing PPS/i,
  /no frame!/i,
  /decode_slice_header error/i,
  /Missing reference picture/i,
  /reference count overflow/i,
  /corrupt/i,
  /RTP: missed \d+ packets/i,
  /max delay reached/i,
  /dropping old packet/i,
  /Invalid data found when processing input/i,
];

export function decodeErrors(stderr: string): string[] {
  return stderr.split('\n').filter((line) => DECODE_ERROR_PATTERNS.some((re) => re.test(line)));
}

/**
 * Every decoded frame exactly once: without it ffmpeg converts to the frame rate it guessed (the
 * SPS timing says 15 fps) and drops or duplicates frames of a stream paced differently.
 */
const PASSTHROUGH = ['-fps_mode', 'passthrough'];

/** The reference: `-f framemd5` of a direct decode of a file (an Annex-B .h264 clip, for instance). */
export async function referenceFramemd5(file: string, timeoutMs = 30000): Promise<FrameMd5[]> {
  const run = runFfmpeg(['-loglevel', 'error', '-i', file, '-an', ...PASSTHROUGH, '-f', 'framemd5', '-'], { timeoutMs });
  const result = await run.result;
  if (result.code !== 0) throw new Error(`ffmpeg could not decode ${file}: ${result.stderr.trim()}`);
  return parseFramemd5(result.stdout.toString('utf8'));
}

export interface RtspCaptureOptions {
  transport: 'udp' | 'tcp';
  frames: number;
  timeoutMs: number;
  /** More input options (before -i), e.g. ['-timeout', '5000000']. */
  inputArgs?: readonly string[];
}

/** `ffmpeg -rtsp_transport T -i URL -frames:v N -f framemd5 -`, decoded frames and decoder errors. */
export async function captureRtspFramemd5(
  url: string,
  options: RtspCaptureOptions,
): Promise<{ frames: FrameMd5[]; errors: string[]; result: FfmpegResult }> {
  const args = [
    '-loglevel', 'warning',
    '-rtsp_transport', options.transport,
    ...(options.inputArgs ?? []),
    '-i', url,
    '-an', ...PASSTHROUGH, '-frames:v', String(options.frames),
    '-f', 'framemd5', '-',
  ];
  const result = await runFfmpeg(args, { timeoutMs: options.timeoutMs }).result;
  return { frames: parseFramemd5(result.stdout.toString('utf8')), errors: decodeErrors(result.stderr), result };
}

/**
 * Where `decoded` sits in a looping `reference`: the index k (one of `starts`, e.g. the clip's IDR
 * frames) such that decoded[i] === reference[(k + i) % reference.length] for every i; undefined if
 * there is none. Returns the first mismatch for a helpful failure message otherwise.
 */
export function alignWithReference(
  decoded: readonly string[],
  reference: readonly string[],
  starts: readonly number[],
): { start: number } | { start: undefined; firstMismatch?: { start: number; index: number } } {
  let best: { start: number; index: number } | undefined;
  for (const start of starts) {
    let i = 0;
    while (i < decoded.length && decoded[i] === reference[(start + i) % reference.length]) i++;
    if (i === decoded.length) return { start };
    if (decoded[0] === reference[start % reference.length] && (!best || i > best.index)) best = { start, index: i };
  }
  return { start: undefined, firstMismatch: best };
}
