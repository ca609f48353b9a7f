/**
 * Options, defaults and fault knobs of the camera simulator. Every default lives here with the
 * reason it has that value; the other simulator files only read the resolved options.
 */
import * as path from 'path';
import { requirePositive } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { Defaults } from '../protocol';

export interface SimulatorOptions {
  /** Address every simulator socket binds to. */
  host?: string;
  /** TCP control port; 0 = ephemeral (the real camera uses 6666). */
  controlPort?: number;
  /** HTTP file server port; 0 = ephemeral (the real camera uses 80). */
  httpPort?: number;
  /** UDP ports the discovery responder listens on; 0 = ephemeral (real cameras: 22600/21600). */
  discoveryPorts?: number[];
  /** UDP port the preview is sent to, on the address of the client that asked for it. */
  previewPort?: number;
  /** Annex-B H.264 clip streamed as the preview (and used as the content of recorded videos). */
  clipPath?: string;
  /** Preview frame rate. */
  fps?: number;
  /** Payload bytes per type-1 preview datagram. */
  sliceSize?: number;
  /** Credentials the login must carry. */
  username?: string;
  password?: string;
  /** Version string in the FIRMWARE_INFORMATION reply. */
  firmwareVersion?: string;
  /** Login accept length: 128 = XPro2 echo, 129 = SJ4000 Air (echo + one unknown byte). */
  loginAcceptLength?: 128 | 129;
  /** Interval of the camera's own ALIVE_REQUEST. */
  aliveIntervalMs?: number;
  /** Maximum text bytes per FILE_LIST_CONTENT part. */
  fileListPartSize?: number;
  /** Serial reported in discovery replies; default "SIMCAM-" + 6 random hex digits. */
  serial?: string;
  /** Random source in [0, 1) for garbage bytes and the default serial (injectable for tests). */
  random?: () => number;
  /** This computer's clock in ms, which the camera's clock runs with once set (injectable for tests). */
  now?: () => number;
  logger?: Logger;
}

/** Misbehaviours a test (or a curious user) can switch on at any time, even mid-session. */
export interface SimulatorFaults {
  /** Never send LOGIN_ACCEPT (what a real camera does on a refusal is unknown, docs/PROTOCOL.md §2.6). */
  rejectLogin: boolean;
  /** Neither answer ALIVE_REQUEST nor send the camera's own: a link that looks dead. */
  ignoreAlive: boolean;
  /**
   * Close a second concurrent TCP client's socket at once. docs/PROTOCOL.md §2.6 leaves the real
   * behaviour open; an immediate close is the variant a client can detect fastest, so it is the one
   * simulated. Off: several clients are served side by side (handy for tests).
   */
  rejectSecondClient: boolean;
  /** Delay before every reply to a command (not the alive answer, so "slow" is not "dead"). */
  replyDelayMs: number;
  /** Write a few random bytes that contain no 0xAB before each reply (tests resynchronisation). */
  garbageBeforeReplies: boolean;
  /**
   * Keep the control link but send no preview datagrams (the stream's clock keeps running, so the
   * stamps jump when it is switched off again): a stalled preview, or an idle camera for benchmarks.
   */
  mutePreview: boolean;
  /**
   * Cut HTTP downloads short: the headers carry the full Content-Length, then only `afterBytes` of
   * the body follow before the connection drops (a camera losing Wi-Fi mid-download). Only the file
   * at `path` when one is given; null = every download completes.
   */
  httpCut: HttpCutFault | null;
}

export interface HttpCutFault {
  /** Camera path of the one file to cut; every file when left out. */
  path?: string;
  afterBytes: number;
}

export const SimulatorDefaults = {
  /** Loopback only: the simulator must never be reachable from the network unless asked. */
  host: '127.0.0.1',
  /** Ephemeral ports so tests and demos can run side by side. */
  controlPort: 0,
  httpPort: 0,
  discoveryPorts: [0] as readonly number[],
  /** The port real cameras stream to (docs/PROTOCOL.md §1). */
  previewPort: Defaults.previewPort,
  /** Rate of the bundled clip. */
  fps: 15,
  /** Real cameras cut frames into 1000-byte slices (docs/PROTOCOL.md §4.2). */
  sliceSize: 1000,
  /** The vendor-app credentials (docs/PROTOCOL.md §2.4). */
  username: Defaults.username,
  password: Defaults.password,
  /** What the XPro2 and ACT76 report (docs/PROTOCOL.md §2.7.2). */
  firmwareVersion: 'v1.0 rc5',
  loginAcceptLength: 128 as 128 | 129,
  /** Unknown on real cameras (docs/PROTOCOL.md §2.5); 3 s is what S4 uses for its own keep-alive. */
  aliveIntervalMs: 3000,
  /** Small on purpose, so even a short list arrives in several parts like a real one. */
  fileListPartSize: 40,
  /** How long the camera waits for the client's 0113 before sending the login accept anyway. */
  loginAliveWaitMs: 1000,
  /** Garbage run length for garbageBeforeReplies and sendGarbage(). */
  garbageBytes: 16,
} as const;

/** The twenty u32 words of the XPro2 firmware dump (docs/PROTOCOL.md §2.7.2), meaning unknown. */
export const XPRO2_FIRMWARE_WORDS: readonly number[] = [1, 0, 0, 1, 1, 4, 0, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 8, 0, 0];

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'discoveryPorts'>> & { discoveryPorts: number[] };

export function resolveOptions(opts: SimulatorOptions): ResolvedOptions {
  const random = opts.random ?? Math.random;
  return {
    host: opts.host ?? SimulatorDefaults.host,
    controlPort: opts.controlPort ?? SimulatorDefaults.controlPort,
    httpPort: opts.httpPort ?? SimulatorDefaults.httpPort,
    discoveryPorts: [...(opts.discoveryPorts ?? SimulatorDefaults.discoveryPorts)],
    previewPort: opts.previewPort ?? SimulatorDefaults.previewPort,
    clipPath: opts.clipPath ?? path.join(__dirname, 'assets', 'preview.h264'),
    fps: requirePositive('simulator option fps', opts.fps ?? SimulatorDefaults.fps),
    sliceSize: requirePositive('simulator option sliceSize', opts.sliceSize ?? SimulatorDefaults.sliceSize),
    username: opts.username ?? SimulatorDefaults.username,
    password: opts.password ?? SimulatorDefaults.password,
    firmwareVersion: opts.firmwareVersion ?? SimulatorDefaults.firmwareVersion,
    loginAcceptLength: opts.loginAcceptLength ?? SimulatorDefaults.loginAcceptLength,
    aliveIntervalMs: requirePositive('simulator option aliveIntervalMs', opts.aliveIntervalMs ?? SimulatorDefaults.aliveIntervalMs),
    fileListPartSize: requirePositive('simulator option fileListPartSize', opts.fileListPartSize ?? SimulatorDefaults.fileListPartSize),
    serial: opts.serial ?? `SIMCAM-${randomHex(random, 6)}`,
    random,
    now: opts.now ?? (() => Date.now()),
    logger: opts.logger ?? silentLogger,
  };
}

/** Random bytes that never contain 0xAB, so they can never form the control magic. */
export function garbage(random: () => number, length: number = SimulatorDefaults.garbageBytes): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    let b = Math.floor(random() * 256) & 0xff;
    if (b === 0xab) b = 0x5a;
    out[i] = b;
  }
  return out;
}

function randomHex(random: () => number, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += Math.floor(random() * 16).toString(16).toUpperCase();
  return s;
}
