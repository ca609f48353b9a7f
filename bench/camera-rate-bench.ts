/**
 * Camera-rate benchmark: what a Raspberry Pi pays all day. The simulator streams a 640x480 clip at
 * 25 fps (bench/assets/vga25.h264, cut into 1000-byte slices plus a time packet per frame, as the
 * camera sends it) and two subjects take turns, each a process of its own:
 *   - baseline: a plain UDP forwarder (bench/subjects/forwarder.ts) that this process logs in for;
 *   - ours: the real `actioncam relay` command (login, keep-alive, preview receiver, RTP relay).
 * For each: CPU ms per frame over `seconds` of streaming, then CPU ms per second over `idleSeconds`
 * while the camera stays logged in but sends no preview (the simulator's mutePreview knob), read
 * from /proc (proc-cpu.ts), so nothing in the subject is instrumented. Both subjects run for the
 * whole benchmark and take turns in rounds (each camera muted while the other is measured), so
 * other load on the machine falls on both alike. The sink counts what arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type * as dgram from 'node:dgram';
import * as path from 'node:path';
import { parseSps } from '../src/media/h264/sps';
import { splitAnnexB } from '../src/media/h264/annexb';
import { NalType, nalType } from '../src/media/h264/nal';
import { CAMERA_SLICE_SIZE } from '../src/protocol/preview';
import { CameraSession } from '../src/session/camera-session';
import { CameraSimulator } from '../src/simulator';
import { splitClipIntoFrames } from '../src/simulator/clip';
import { freeUdpPort } from '../test/helpers/ports';
import { bindLoopbackUdpPair } from '../test/helpers/udp';
import { waitUntil } from '../test/helpers/wait';
import * as fs from 'node:fs';
import { SubjectProcess } from './ipc';
import type { BenchOptions } from './options';
import { processCpuMs, processRssBytes } from './proc-cpu';
import { ratio, sleep } from './stats';

export const CAMERA_RATE_CLIP = path.resolve(__dirname, '..', '..', 'bench', 'assets', 'vga25.h264');
/** The clip's rate: what a camera recording 640x480 previews at. */
export const CAMERA_RATE_FPS = 25;
/** After muting: the receiver notices the silence (3 s) and the last timers of the stream fire. */
const IDLE_SETTLE_MS = 5_000;
const FIRST_FRAME_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;

export interface CameraRateRow {
  name: string;
  seconds: number;
  /** Frames the camera sent and the sink saw end during the streaming window. */
  framesSent: number;
  framesDelivered: number;
  cpuMsPerFrame: number;
  cpuMsPerSecond: number;
  /** CPU ms per frame over the warm-up: the first minute after start, while V8 still compiles the hot path. */
  warmupCpuMsPerFrame: number;
  idleSeconds: number;
  idleCpuMsPerSecond: number;
  rssMiB: number;
}

export interface CameraRateReport {
  clip: { width: number; height: number; fps: number; frames: number; kbitPerSecond: number; datagramsPerFrame: number };
  /** Seconds every subject streamed before the measurement. */
  warmupSeconds: number;
  baseline: CameraRateRow;
  ours: CameraRateRow;
  ratios: { cpuMsPerFrame: number; idleCpuMsPerSecond: number };
  /** `--vs DIST`: the same command from another build (an older commit), measured in the same rounds. */
  other?: CameraRateRow;
}

interface Subject {
  pid: number;
  stop(): Promise<void>;
}

/** Readies a subject for a sink: the preview port the camera must send to, and how to launch it. */
type Starter = (sinkPort: number) => Promise<{ previewPort: number; launch(sim: CameraSimulator): Promise<Subject>; abort(): Promise<void> }>;

export async function runCameraRateBench(options: BenchOptions, progress: (line: string) => void): Promise<CameraRateReport> {
  const clip = describeClip();
  const subjects: Running[] = [];
  try {
    subjects.push(await open('plain UDP forwarder', startForwarder));
    subjects.push(await open('actioncam relay', relayCommand(path.resolve(__dirname, '..'))));
    if (options.vsDist) subjects.push(await open(`actioncam relay of ${options.vsDist}`, relayCommand(path.resolve(options.vsDist))));
    progress(`camera rate: ${options.cameraWarmupSeconds} s of warm-up, every subject streaming at once...`);
    await warmUp(subjects, options.cameraWarmupSeconds * 1000);
    const roundMs = (options.cameraSeconds * 1000) / ROUNDS;
    progress(`camera rate: ${options.cameraSeconds} s of streaming per subject in ${ROUNDS} alternating rounds...`);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of order) await streamRound(subject, roundMs);
    }
    progress(`camera rate: ${options.idleSeconds} s logged in without preview per subject...`);
    await sleep(IDLE_SETTLE_MS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) await idleRound(subject, (options.idleSeconds * 1000) / ROUNDS);
    }
    const [baseline, ours, other] = subjects.map(toRow);
    return {
      clip,
      warmupSeconds: options.cameraWarmupSeconds,
      baseline,
      ours,
      other,
      ratios: {
        cpuMsPerFrame: ratio(ours.cpuMsPerFrame, baseline.cpuMsPerFrame),
        idleCpuMsPerSecond: ratio(ours.idleCpuMsPerSecond, baseline.idleCpuMsPerSecond),
      },
    };
  } finally {
    for (const subject of subjects) await subject.close();
  }
}

/** Streaming and idle windows alternate between the subjects in this many rounds, so load falls on both alike. */
const ROUNDS = 4;
/** After unmuting: the receiver waits for the next IDR (one a second) before frames flow again. */
const RESUME_MS = 1_500;

/** One subject fed by a simulator of its own; its camera is muted while the other subject is measured. */
interface Running {
  name: string;
  pid: number;
  sim: CameraSimulator;
  delivered(): number;
  totals: { cpuMs: number; wallMs: number; sent: number; delivered: number; idleCpuMs: number; idleMs: number; rss: number; warmupCpuMsPerFrame: number };
  close(): Promise<void>;
}

async function open(name: string, start: Starter): Promise<Running> {
  const [sink, sinkRtcp] = await bindLoopbackUdpPair();
  let delivered = 0;
  sink.on('message', (datagram: Buffer) => {
    if (isFrameEnd(datagram)) delivered++;
  });
  let sim: CameraSimulator | undefined;
  let subject: Subject | undefined;
  const prepared = await start(sink.address().port);
  const close = async (): Promise<void> => {
    await (subject ? subject.stop() : prepared.abort());
    await sim?.stop();
    await Promise.all([sink, sinkRtcp].map((s) => closeSocket(s)));
  };
  try {
    sim = new CameraSimulator({ host: '127.0.0.1', fps: CAMERA_RATE_FPS, clipPath: CAMERA_RATE_CLIP, previewPort: prepared.previewPort });
    await sim.start();
    subject = await prepared.launch(sim);
    await waitUntil(() => delivered > 0, FIRST_FRAME_TIMEOUT_MS, `${name}: no frame reached the sink`);
    sim.faults.mutePreview = true;
  } catch (err) {
    await close();
    throw err;
  }
  const running: Running = {
    name,
    pid: subject.pid,
    sim,
    delivered: () => delivered,
    totals: { cpuMs: 0, wallMs: 0, sent: 0, delivered: 0, idleCpuMs: 0, idleMs: 0, rss: 0, warmupCpuMsPerFrame: 0 },
    close,
  };
  return running;
}

/**
 * Every subject streams at once for `ms` before anything is measured. A relay runs all day, and at 25
 * fps V8 takes tens of seconds to compile a path that runs once a frame (it tiers up by work done, not
 * by time), so a few seconds of warm-up would measure the compiler rather than the relay. What the
 * warm-up costs is reported too, as the first-minute figure.
 */
async function warmUp(subjects: Running[], ms: number): Promise<void> {
  for (const r of subjects) r.sim.faults.mutePreview = false;
  const start = subjects.map((r) => ({ cpu: processCpuMs(r.pid), sent: r.sim.stats.previewFrames }));
  await sleep(ms);
  subjects.forEach((r, i) => {
    const frames = r.sim.stats.previewFrames - start[i].sent;
    r.totals.warmupCpuMsPerFrame = frames > 0 ? (processCpuMs(r.pid) - start[i].cpu) / frames : NaN;
    r.sim.faults.mutePreview = true;
  });
}

async function streamRound(r: Running, windowMs: number): Promise<void> {
  r.sim.faults.mutePreview = false;
  await sleep(RESUME_MS);
  const cpu0 = processCpuMs(r.pid);
  const sent0 = r.sim.stats.previewFrames;
  const delivered0 = r.delivered();
  const t0 = performance.now();
  await sleep(windowMs);
  r.totals.cpuMs += processCpuMs(r.pid) - cpu0;
  r.totals.wallMs += performance.now() - t0;
  r.totals.sent += r.sim.stats.previewFrames - sent0;
  r.totals.delivered += r.delivered() - delivered0;
  r.totals.rss = Math.max(r.totals.rss, processRssBytes(r.pid));
  r.sim.faults.mutePreview = true;
}

async function idleRound(r: Running, windowMs: number): Promise<void> {
  const cpu0 = processCpuMs(r.pid);
  const t0 = performance.now();
  await sleep(windowMs);
  r.totals.idleCpuMs += processCpuMs(r.pid) - cpu0;
  r.totals.idleMs += performance.now() - t0;
}

function toRow(r: Running): CameraRateRow {
  const t = r.totals;
  return {
    name: r.name,
    seconds: t.wallMs / 1000,
    framesSent: t.sent,
    framesDelivered: t.delivered,
    cpuMsPerFrame: t.cpuMs / t.sent,
    cpuMsPerSecond: (t.cpuMs * 1000) / t.wallMs,
    warmupCpuMsPerFrame: t.warmupCpuMsPerFrame,
    idleSeconds: t.idleMs / 1000,
    idleCpuMsPerSecond: (t.idleCpuMs * 1000) / t.idleMs,
    rssMiB: t.rss / 2 ** 20,
  };
}

/** The forwarder subject, fed by a session this process holds (the forwarder speaks no control protocol). */
const startForwarder: Starter = async (sinkPort) => {
  const forwarder = await SubjectProcess.start('forwarder', { sinkPort });
  return {
    previewPort: Number(forwarder.info.port),
    abort: () => forwarder.stop(),
    launch: async (sim) => {
      const session = new CameraSession({ host: '127.0.0.1', port: sim.address?.controlPort, reconnect: false });
      const stop = async (): Promise<void> => {
        await session.close();
        await forwarder.stop();
      };
      try {
        await session.connect();
        session.startPreview();
      } catch (err) {
        await stop();
        throw err;
      }
      return { pid: forwarder.pid, stop };
    },
  };
};

/** `actioncam relay` as a user runs it, from a build (`dist` holds src/cli/main.js). */
const relayCommand = (dist: string): Starter => async (sinkPort) => {
  const previewPort = await freeUdpPort();
  return {
    previewPort,
    abort: async () => undefined,
    launch: async (sim) => {
      const main = path.join(dist, 'src', 'cli', 'main.js');
      const args = [
        main, 'relay', '--host', '127.0.0.1', '--port', String(sim.address?.controlPort),
        '--preview-port', String(previewPort), '--to', `127.0.0.1:${sinkPort}`,
      ];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[relay] ${chunk.toString('utf8')}`));
      if (child.pid === undefined) throw new Error('could not start actioncam relay');
      return { pid: child.pid, stop: () => stopChild(child) };
    },
  };
};

/** SIGINT (what Ctrl+C sends), then SIGKILL if it has not exited in time; only our own child. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), EXIT_TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (late) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A frame ends with an RTP packet with the marker bit (RFC 6184 §5.1), or a camera time packet. */
function isFrameEnd(datagram: Buffer): boolean {
  if (datagram.length >= 8 && datagram[0] === 0xbc && datagram[1] === 0xde) return datagram.readUInt16BE(6) === 2;
  return datagram.length >= 12 && (datagram[0] & 0xc0) === 0x80 && (datagram[1] & 0x80) !== 0;
}

function describeClip(): CameraRateReport['clip'] {
  const data = fs.readFileSync(CAMERA_RATE_CLIP);
  const frames = splitClipIntoFrames(data);
  const sps = splitAnnexB(data).find((nal) => nalType(nal) === NalType.SPS);
  const { width, height } = sps ? parseSps(sps) : { width: 0, height: 0 };
  const datagrams = frames.reduce((sum, f) => sum + Math.ceil(f.length / CAMERA_SLICE_SIZE) + 1, 0);
  return {
    width,
    height,
    fps: CAMERA_RATE_FPS,
    frames: frames.length,
    kbitPerSecond: (data.length * 8 * CAMERA_RATE_FPS) / frames.length / 1000,
    datagramsPerFrame: datagrams / frames.length,
  };
}


function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
