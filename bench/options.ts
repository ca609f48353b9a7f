/**
 * Command-line options of the benchmark (`node dist/bench/run.js [options]`). Every option has a
 * default that gives the full run the README figures come from; `--frames 2000 --rtsp-seconds 2`
 * is a smoke run of a few seconds.
 */

export interface BenchOptions {
  /** Frames measured through each UDP path (after the warm-up). */
  frames: number;
  /** Frames pushed through each path before measuring (JIT, socket buffers, first IDR). */
  warmupFrames: number;
  /** Frames measured one at a time (nothing else in flight) for the unloaded latency. */
  latencyFrames: number;
  /** Frames in flight at full speed: the sender waits for the sink before sending more. */
  window: number;
  /** Time budget of each path in each phase; a phase that spends it reports the frames it managed. */
  maxPhaseSeconds: number;
  /** Measuring window of each RTSP row. */
  rtspSeconds: number;
  /** Client counts of the RTSP rows over TCP-interleaved (a 0-client baseline is always added). */
  tcpClients: number[];
  /** Client counts of the RTSP rows over UDP. */
  udpClients: number[];
  /** Camera-rate rows: seconds of streaming and of idle (logged in, no preview) per subject. */
  cameraSeconds: number;
  /** Camera-rate rows: seconds every subject streams before the measurement (the relay's hot path compiled). */
  cameraWarmupSeconds: number;
  idleSeconds: number;
  /** Camera-rate rows: also measure `actioncam relay` of this build directory (e.g. an older commit's dist/). */
  vsDist?: string;
  /** Clip output rows: seconds of streaming per subject. */
  clipSeconds: number;
  /** Live view rows: seconds measured per row (split over rounds). */
  liveSeconds: number;
  /** Skip a part. */
  pipeline: boolean;
  rtsp: boolean;
  camera: boolean;
  clip: boolean;
  live: boolean;
  /** Print JSON instead of the tables. */
  json: boolean;
}

export const USAGE = `usage: node dist/bench/run.js [options]
  --frames N          frames measured per UDP path (default 100000)
  --warmup N          warm-up frames per path (default min(5000, frames/4))
  --latency-frames N  frames measured one at a time (default min(5000, frames))
  --window N          frames in flight at full speed (default 8)
  --max-seconds S     time budget per path and phase (default 150)
  --rtsp-seconds S    measuring window per RTSP row (default 10)
  --clients LIST      TCP-interleaved client counts (default 1,10,50)
  --udp-clients LIST  UDP client counts (default 10; "" for none)
  --camera-seconds S  camera-rate rows: seconds of streaming per subject (default 20)
  --camera-warmup S   camera-rate rows: seconds of streaming before measuring (default 60)
  --idle-seconds S    camera-rate rows: seconds logged in without preview per subject (default 20)
  --vs DIST           camera-rate rows: also run the relay of another build (DIST/src/cli/main.js) in the same rounds
  --clip-seconds S    clip output rows: seconds of streaming per subject (default 20)
  --live-seconds S    live view rows: seconds measured per row (default 30)
  --only pipeline|rtsp|camera|clip|live
  --json              machine-readable output
  --help`;

/** The largest frame count whose camera stamps (67 ms apart) stay below 2^32 / 90 ms (no RTP wrap). */
export const MAX_TOTAL_FRAMES = 700_000;

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const raw = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      flags.add('json');
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!VALUED.has(name)) throw new Error(`unknown option ${arg}\n${USAGE}`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`${name} needs a value`);
    raw.set(name, value);
  }
  const frames = int(raw, '--frames', 100_000, 1);
  const only = raw.get('--only');
  if (only !== undefined && !['pipeline', 'rtsp', 'camera', 'clip', 'live'].includes(only)) {
    throw new Error(`--only takes pipeline, rtsp, camera, clip or live, got ${only}`);
  }
  const options: BenchOptions = {
    frames,
    warmupFrames: int(raw, '--warmup', Math.max(60, Math.min(5000, Math.floor(frames / 4))), 60),
    latencyFrames: int(raw, '--latency-frames', Math.min(5000, frames), 1),
    window: int(raw, '--window', 8, 1),
    maxPhaseSeconds: int(raw, '--max-seconds', 150, 1),
    rtspSeconds: int(raw, '--rtsp-seconds', 10, 1),
    tcpClients: list(raw, '--clients', [1, 10, 50]),
    udpClients: list(raw, '--udp-clients', [10]),
    cameraSeconds: int(raw, '--camera-seconds', 20, 1),
    cameraWarmupSeconds: int(raw, '--camera-warmup', 60, 1),
    idleSeconds: int(raw, '--idle-seconds', 20, 1),
    vsDist: raw.get('--vs'),
    clipSeconds: int(raw, '--clip-seconds', 20, 1),
    pipeline: only === undefined || only === 'pipeline',
    rtsp: only === undefined || only === 'rtsp',
    camera: only === undefined || only === 'camera',
    clip: only === undefined || only === 'clip',
    liveSeconds: int(raw, '--live-seconds', 30, 3),
    live: only === undefined || only === 'live',
    json: flags.has('json'),
  };
  if (options.frames + options.warmupFrames + options.latencyFrames > MAX_TOTAL_FRAMES) {
    throw new Error(`frames + warm-up + latency frames must stay under ${MAX_TOTAL_FRAMES}`);
  }
  return options;
}

const VALUED = new Set([
  '--frames', '--warmup', '--latency-frames', '--window', '--max-seconds', '--rtsp-seconds', '--clients', '--udp-clients', '--only',
  '--camera-seconds', '--camera-warmup', '--idle-seconds', '--vs', '--clip-seconds', '--live-seconds',
]);

function int(raw: Map<string, string>, name: string, fallback: number, min: number): number {
  const text = raw.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

function list(raw: Map<string, string>, name: string, fallback: number[]): number[] {
  const text = raw.get(name);
  if (text === undefined) return fallback;
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1 || value > 64) throw new Error(`${name}: client counts are integers 1-64, got ${part}`);
    return value;
  });
}
