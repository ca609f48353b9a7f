/**
 * RTSP server benchmark: the server (subject process) streams the clip at the camera's 15 fps, in
 * real time, to N minimal players in this process (rtsp-client.ts); each row is a fresh server. The
 * 0-client row is the baseline: the same source and an idle listening server, for the same time.
 * The server's CPU and memory are measured over `rtspSeconds` after every client has received media
 * and a one-second settle; the frames each client received over that window are counted.
 */
import { SubjectProcess } from './ipc';
import type { BenchOptions } from './options';
import type { ProbeResult } from './probe';
import { RawRtspClient, type MediaCounters, type RtspTransport } from '../test/helpers/rtsp-client';
import { waitUntil } from '../test/helpers/wait';
import { ratio, sleep } from './stats';

/** The camera's preview rate (and the clip's). */
export const CAMERA_FPS = 15;
const FIRST_MEDIA_TIMEOUT_MS = 10_000;
const SETTLE_MS = 1_000;

export interface RtspRow {
  clients: number;
  transport: RtspTransport | 'none';
  seconds: number;
  /** Server CPU (user + system) per second of wall time, ms; 1000 = one core busy. */
  cpuMsPerSecond: number;
  /** The user and system (kernel: socket writes, and on loopback much of the receiving side) parts. */
  cpuUserMsPerSecond: number;
  cpuSystemMsPerSecond: number;
  /** cpuMsPerSecond / that of the 0-client row. */
  cpuRatio: number;
  /** (cpu - 0-client cpu) / (clients x frames sourced), microseconds: the cost of one frame to one client. */
  cpuUsPerClientFrame: number;
  heapGrowthBytes: number;
  rssGrowthBytes: number;
  /** Heap and RSS after GC at the end of the window. */
  heapBytes: number;
  rssBytes: number;
  /** heapBytes - that of the 0-client row, per client. */
  heapPerClientBytes: number;
  /** Frames the source emitted during the window (what each client should get). */
  sourceFrames: number;
  framesPerClient: { min: number; mean: number; max: number };
  /** Media received by all clients, Mbit/s. */
  mbitOut: number;
  serverStats: Record<string, unknown>;
}

export interface RtspReport {
  fps: number;
  rows: RtspRow[];
}

interface Measured {
  clients: number;
  transport: RtspTransport | 'none';
  probe: ProbeResult;
  stats: Record<string, unknown>;
  counters: MediaCounters[];
}

export async function runRtspBench(options: BenchOptions, progress: (line: string) => void): Promise<RtspReport> {
  const plan: Array<{ clients: number; transport: RtspTransport | 'none' }> = [
    { clients: 0, transport: 'none' },
    ...options.tcpClients.map((clients) => ({ clients, transport: 'tcp' as const })),
    ...options.udpClients.map((clients) => ({ clients, transport: 'udp' as const })),
  ];
  const measured: Measured[] = [];
  for (const row of plan) {
    progress(`rtsp: ${row.clients} client(s) ${row.transport === 'none' ? '' : `over ${row.transport} `}for ${options.rtspSeconds} s...`);
    measured.push(await measureRow(row.clients, row.transport, options.rtspSeconds * 1000));
  }
  const base = measured[0];
  const baseCpu = cpuPerSecond(base.probe);
  return { fps: CAMERA_FPS, rows: measured.map((m) => toRow(m, baseCpu, base.probe.after.heapUsed, options.rtspSeconds)) };
}

async function measureRow(count: number, transport: RtspTransport | 'none', windowMs: number): Promise<Measured> {
  const subject = await SubjectProcess.start('rtsp', { fps: CAMERA_FPS });
  const clients: RawRtspClient[] = [];
  try {
    const port = Number(subject.info.port);
    const url = String(subject.info.url);
    if (transport !== 'none') {
      const opened = await Promise.all(Array.from({ length: count }, () => RawRtspClient.play(port, url, transport)));
      clients.push(...opened);
      await waitForMedia(clients);
    }
    await sleep(SETTLE_MS);
    for (const c of clients) c.takeCounters();
    await subject.call('mark');
    await sleep(windowMs);
    const end = await subject.call<{ probe: ProbeResult; stats: Record<string, unknown> }>('end', 30_000);
    const counters = clients.map((c) => c.takeCounters());
    return { clients: count, transport, probe: end.probe, stats: end.stats, counters };
  } finally {
    await Promise.all(clients.map((c) => c.teardown()));
    await subject.stop();
  }
}

/** Resolves when every client has received a frame (a late joiner starts at the next IDR). */
function waitForMedia(clients: RawRtspClient[]): Promise<void> {
  return waitUntil(() => clients.every((c) => c.counters.frames > 0), FIRST_MEDIA_TIMEOUT_MS, 'a frame at every RTSP client');
}

function cpuPerSecond(probe: ProbeResult): number {
  return ((probe.cpuUserMs + probe.cpuSystemMs) * 1000) / probe.wallMs;
}

function toRow(m: Measured, baseCpu: number, baseHeap: number, seconds: number): RtspRow {
  const cpu = cpuPerSecond(m.probe);
  const sourceFrames = Number(m.stats.sourceFrames ?? 0);
  const frames = m.counters.map((c) => c.frames);
  const bytes = m.counters.reduce((sum, c) => sum + c.bytes, 0);
  const wallS = m.probe.wallMs / 1000;
  return {
    clients: m.clients,
    transport: m.transport,
    seconds,
    cpuMsPerSecond: cpu,
    cpuUserMsPerSecond: (m.probe.cpuUserMs * 1000) / m.probe.wallMs,
    cpuSystemMsPerSecond: (m.probe.cpuSystemMs * 1000) / m.probe.wallMs,
    cpuRatio: ratio(cpu, baseCpu),
    cpuUsPerClientFrame: m.clients > 0 ? ((cpu - baseCpu) * wallS * 1000) / (m.clients * sourceFrames) : NaN,
    heapGrowthBytes: m.probe.after.heapUsed - m.probe.before.heapUsed,
    rssGrowthBytes: m.probe.after.rss - m.probe.before.rss,
    heapBytes: m.probe.after.heapUsed,
    rssBytes: m.probe.after.rss,
    heapPerClientBytes: m.clients > 0 ? (m.probe.after.heapUsed - baseHeap) / m.clients : NaN,
    sourceFrames,
    framesPerClient: {
      min: frames.length ? Math.min(...frames) : 0,
      mean: frames.length ? frames.reduce((a, b) => a + b, 0) / frames.length : 0,
      max: frames.length ? Math.max(...frames) : 0,
    },
    mbitOut: (bytes * 8) / wallS / 1e6,
    serverStats: m.stats,
  };
}
