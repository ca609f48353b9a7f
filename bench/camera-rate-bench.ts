/**
 * Camera-rate benchmark: what a Raspberry Pi pays all day. The simulator streams a 640x480 clip at
 * 25 fps (bench/assets/vga25.h264, cut into 1000-byte slices plus a time packet per frame, as the
 * camera sends it) and two subjects take turns, each a process of its own:
 *   - baseline: a plain UDP forwarder (bench/subjects/forwarder.ts) that this process logs in for;
 *   - ours: the real `actioncam relay` command (login, keep-alive, preview receiver, RTP relay).
 * For each: CPU ms per frame over `seconds` of streaming, then CPU ms per second over `idleSeconds`
 * while the camera stays logged in but sends no preview (the simulator's mutePreview knob), read
 * from /proc (proc-cpu.ts), so nothing in the subject is instrumented. The sink counts what arrives.
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
import * as fs from 'node:fs';
import { SubjectProcess } from './ipc';
import type { BenchOptions } from './options';
import { processCpuMs, processRssBytes } from './proc-cpu';
import { ratio, sleep } from './stats';

export const CAMERA_RATE_CLIP = path.resolve(__dirname, '..', '..', 'bench', 'assets', 'vga25.h264');
/** The clip's rate: what a camera recording 640x480 previews at. */
export const CAMERA_RATE_FPS = 25;
/** Streaming before the measurement: JIT warm, first IDR through, socket buffers settled. */
const WARMUP_MS = 3_000;
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
  idleSeconds: number;
  idleCpuMsPerSecond: number;
  rssMiB: number;
}

export interface CameraRateReport {
  clip: { width: number; height: number; fps: number; frames: number; kbitPerSecond: number; datagramsPerFrame: number };
  baseline: CameraRateRow;
  ours: CameraRateRow;
  ratios: { cpuMsPerFrame: number; idleCpuMsPerSecond: number };
}

interface Subject {
  pid: number;
  stop(): Promise<void>;
}

export async function runCameraRateBench(options: BenchOptions, progress: (line: string) => void): Promise<CameraRateReport> {
  const clip = describeClip();
  progress(`camera rate: baseline (plain UDP forwarder), ${options.cameraSeconds} s streaming + ${options.idleSeconds} s idle...`);
  const baseline = await measure('plain UDP forwarder', options, startForwarder);
  progress(`camera rate: actioncam relay, ${options.cameraSeconds} s streaming + ${options.idleSeconds} s idle...`);
  const ours = await measure('actioncam relay', options, startRelayCommand);
  return {
    clip,
    baseline,
    ours,
    ratios: {
      cpuMsPerFrame: ratio(ours.cpuMsPerFrame, baseline.cpuMsPerFrame),
      idleCpuMsPerSecond: ratio(ours.idleCpuMsPerSecond, baseline.idleCpuMsPerSecond),
    },
  };
}

/** Readies a subject for a sink: the preview port the camera must send to, and how to launch it. */
type Starter = (sinkPort: number) => Promise<{ previewPort: number; launch(sim: CameraSimulator): Promise<Subject>; abort(): Promise<void> }>;

async function measure(name: string, options: BenchOptions, start: Starter): Promise<CameraRateRow> {
  const [sink, sinkRtcp] = await bindLoopbackUdpPair();
  let delivered = 0;
  sink.on('message', (datagram: Buffer) => {
    if (isFrameEnd(datagram)) delivered++;
  });
  let sim: CameraSimulator | undefined;
  let subject: Subject | undefined;
  const prepared = await start(sink.address().port);
  try {
    sim = new CameraSimulator({ host: '127.0.0.1', fps: CAMERA_RATE_FPS, clipPath: CAMERA_RATE_CLIP, previewPort: prepared.previewPort });
    await sim.start();
    subject = await prepared.launch(sim);
    await waitFor(() => delivered > 0, FIRST_FRAME_TIMEOUT_MS, `${name}: no frame reached the sink`);
    await sleep(WARMUP_MS);
    const pid = subject.pid;
    const cpu0 = processCpuMs(pid);
    const sent0 = sim.stats.previewFrames;
    const delivered0 = delivered;
    const t0 = performance.now();
    await sleep(options.cameraSeconds * 1000);
    const cpu1 = processCpuMs(pid);
    const wallS = (performance.now() - t0) / 1000;
    const framesSent = sim.stats.previewFrames - sent0;
    const framesDelivered = delivered - delivered0;
    const rssMiB = processRssBytes(pid) / 2 ** 20;
    sim.faults.mutePreview = true;
    await sleep(IDLE_SETTLE_MS);
    const idle0 = processCpuMs(pid);
    const i0 = performance.now();
    await sleep(options.idleSeconds * 1000);
    const idle1 = processCpuMs(pid);
    const idleS = (performance.now() - i0) / 1000;
    return {
      name,
      seconds: wallS,
      framesSent,
      framesDelivered,
      cpuMsPerFrame: (cpu1 - cpu0) / framesSent,
      cpuMsPerSecond: (cpu1 - cpu0) / wallS,
      idleSeconds: idleS,
      idleCpuMsPerSecond: (idle1 - idle0) / idleS,
      rssMiB,
    };
  } finally {
    await (subject ? subject.stop() : prepared.abort());
    await sim?.stop();
    await Promise.all([sink, sinkRtcp].map((s) => closeSocket(s)));
  }
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

/** `actioncam relay` as a user runs it, from the build (dist/src/cli/main.js). */
const startRelayCommand: Starter = async (sinkPort) => {
  const previewPort = await freeUdpPort();
  return {
    previewPort,
    abort: async () => undefined,
    launch: async (sim) => {
      const main = path.resolve(__dirname, '..', 'src', 'cli', 'main.js');
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

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(what);
    await sleep(50);
  }
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
