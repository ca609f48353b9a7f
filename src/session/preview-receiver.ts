/**
 * Receives the camera's UDP preview (PROTOCOL.md §4) and emits H.264 access units: the StreamSource
 * that the RTP relay and the RTSP server consume.
 *
 * Unlike the reference relays (PROTOCOL.md §7 items 16-18) the port is an option (0 in tests), one
 * receiver shares nothing with another, every datagram is checked against its declared length, a
 * malformed or foreign datagram is counted and logged instead of crashing or being parsed twice, and
 * silence is reported ('stalled') instead of being waited out.
 *
 * Events (never 'error'):
 *   'accessUnit' (AccessUnit)          a complete, undamaged frame, from the first IDR on
 *   'flowing' ()                       the first datagram, or the first after a stall
 *   'stalled' ()                       no datagram for stallAfterMs (also when none ever came)
 *   'stats' (PreviewReceiverStats)     every statsIntervalMs while started
 *   'state' (state, previous)
 */
import * as dgram from 'dgram';
import { promises as dns } from 'dns';
import { EventEmitter } from 'events';
import * as net from 'net';
import { AbortedError, ActionCamError, ConnectionClosedError, ProtocolError, throwIfAborted, UnreachableError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { AccessUnit, ParameterSets } from '../media/types';
import { closeUdpSocket } from '../net/udp-socket';
import { decodePreviewDatagram } from '../protocol/preview';
import type { StreamSource } from '../rtsp/source';
import { PreviewAssembler, PreviewStats } from './preview-assembler';
import { PreviewDefaults } from './preview-defaults';
import { RateMeter } from './preview-rate';

export type PreviewReceiverState = 'idle' | 'starting' | 'listening' | 'flowing' | 'stalled' | 'stopped';

export interface PreviewReceiverOptions {
  /** Local address to bind. Default 0.0.0.0. */
  host?: string;
  /** Local UDP port. Default 6669 (the camera's fixed target); 0 = ephemeral. */
  port?: number;
  /** Accept datagrams only from this source address (the camera); others are counted as `foreign`. */
  cameraHost?: string;
  /** See PreviewAssembler: which time packet stamps a frame. Default 0. */
  timePacketOffset?: number;
  /** See PreviewAssembler. Default 2 MiB. */
  maxAccessUnitBytes?: number;
  /** Silence (ms) after which 'stalled' is emitted. Default 3000. */
  stallAfterMs?: number;
  /** Period of the 'stats' event and window of the fps estimate (ms); 0 = no 'stats' events. Default 1000. */
  statsIntervalMs?: number;
  logger?: Logger;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  /** Socket factory; injectable for tests. */
  createSocket?: (type: 'udp4' | 'udp6') => dgram.Socket;
}

export interface PreviewReceiverStats extends PreviewStats {
  /** Datagrams that failed to decode (short, bad magic, length past the end, short time packet). */
  malformed: number;
  /** Datagrams from an address other than cameraHost. */
  foreign: number;
  /** Frames emitted over the last second or so. */
  fps: number;
}

/** Kernel receive buffer asked for: an IDR arrives as a burst of datagrams (best effort, the OS may cap it). */
const RECEIVE_BUFFER_BYTES = 1024 * 1024;

export class PreviewReceiver extends EventEmitter implements StreamSource {
  private readonly opts: PreviewReceiverOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly stallAfterMs: number;
  private readonly statsIntervalMs: number;
  private readonly rate: RateMeter;
  private current: PreviewReceiverState = 'idle';
  private socket: dgram.Socket | undefined;
  private bound: { address: string; port: number } | undefined;
  private starting: Promise<{ address: string; port: number }> | undefined;
  private assembler: PreviewAssembler;
  private stallTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private lastDatagramAt = 0;
  private malformed = 0;
  private foreign = 0;
  private badLogged = 0;
  /** Source addresses accepted (cameraHost resolved at start); undefined = any. */
  private cameraAddresses: Set<string> | undefined;

  constructor(options: PreviewReceiverOptions = {}) {
    super();
    this.opts = options;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => performance.now());
    this.stallAfterMs = positive('stallAfterMs', options.stallAfterMs ?? PreviewDefaults.stallAfterMs);
    this.statsIntervalMs = options.statsIntervalMs ?? PreviewDefaults.statsIntervalMs;
    if (!(this.statsIntervalMs >= 0)) throw new RangeError(`statsIntervalMs must be >= 0, got ${this.statsIntervalMs}`);
    this.rate = new RateMeter(this.statsIntervalMs || PreviewDefaults.statsIntervalMs);
    this.assembler = this.newAssembler(); // validates timePacketOffset at construction
  }

  get state(): PreviewReceiverState {
    return this.current;
  }

  /** Local address and port once started. */
  get address(): { address: string; port: number } | undefined {
    return this.bound;
  }

  /** Frames emitted over the last second or so. */
  get fps(): number {
    return this.rate.rate(this.now());
  }

  get stats(): PreviewReceiverStats {
    return { ...this.assembler.stats, malformed: this.malformed, foreign: this.foreign, fps: this.fps };
  }

  parameterSets(): ParameterSets | undefined {
    return this.assembler.parameterSets();
  }

  /** Binds the socket. Idempotent while started; after stop() it starts afresh (counters reset). */
  start(opts: { signal?: AbortSignal } = {}): Promise<{ address: string; port: number }> {
    try {
      throwIfAborted(opts.signal);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.starting) return this.starting;
    if (this.bound && this.current !== 'stopped') return Promise.resolve(this.bound);
    this.starting = this.bind(opts.signal).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Closes the socket and clears every timer; idempotent. */
  stop(): Promise<void> {
    if (this.current === 'stopped' || this.current === 'idle') return Promise.resolve();
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.setState('stopped');
    return socket ? closeUdpSocket(socket) : Promise.resolve();
  }

  private async bind(signal: AbortSignal | undefined): Promise<{ address: string; port: number }> {
    const host = this.opts.host ?? PreviewDefaults.host;
    const port = this.opts.port ?? PreviewDefaults.port;
    const type = host.includes(':') ? 'udp6' : 'udp4';
    const socket = this.opts.createSocket ? this.opts.createSocket(type) : dgram.createSocket({ type });
    this.assembler = this.newAssembler();
    this.malformed = 0;
    this.foreign = 0;
    this.badLogged = 0;
    this.rate.reset();
    this.bound = undefined;
    this.socket = socket;
    this.setState('starting');
    try {
      this.cameraAddresses = await resolveCamera(this.opts.cameraHost).catch((err: Error) => {
        throw new UnreachableError(`cannot resolve the camera address "${this.opts.cameraHost}": ${err.message}`, err);
      });
      if (this.socket !== socket) throw new ConnectionClosedError('the preview receiver was stopped while it was starting');
      await bindSocket(socket, host, port, signal);
    } catch (err) {
      if (this.socket === socket) {
        this.socket = undefined;
        this.setState('stopped');
      }
      closeQuietly(socket);
      if (err instanceof ActionCamError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? ' (another program or relay uses it: stop it or choose another port)' : '';
      throw new ActionCamError('EINPUT', `cannot listen for the camera preview on UDP ${host}:${port}: ${(err as Error).message}${hint}`, {
        cause: err,
      });
    }
    if (this.socket !== socket) {
      closeQuietly(socket);
      throw new ConnectionClosedError('the preview receiver was stopped while it was starting');
    }
    socket.on('error', (err) => this.logger.warn(`preview socket error: ${err.message}`));
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch (err) {
      this.logger.debug(`preview: could not enlarge the receive buffer: ${(err as Error).message}`);
    }
    const local = socket.address();
    this.bound = { address: local.address, port: local.port };
    this.lastDatagramAt = this.now();
    this.setState('listening');
    this.armStallTimer(this.stallAfterMs);
    if (this.statsIntervalMs > 0) this.statsTimer = setInterval(() => this.emit('stats', this.stats), this.statsIntervalMs);
    this.logger.debug(`preview: listening on UDP ${local.address}:${local.port}`);
    return this.bound;
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.socket === undefined) return;
    const allowed = this.cameraAddresses;
    if (allowed && !allowed.has(rinfo.address.replace(/^::ffff:/, ''))) {
      this.foreign++;
      this.logBad(`preview: ignored a datagram from ${rinfo.address}:${rinfo.port} (camera is ${this.opts.cameraHost})`);
      return;
    }
    this.lastDatagramAt = this.now();
    if (this.current !== 'flowing') {
      const wasStalled = this.current === 'stalled';
      this.setState('flowing');
      if (wasStalled) this.armStallTimer(this.stallAfterMs);
      this.emit('flowing');
    }
    let units: AccessUnit[];
    try {
      units = this.assembler.push(decodePreviewDatagram(msg));
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.malformed++;
        this.logBad(`preview: bad datagram from ${rinfo.address}:${rinfo.port} (${err.message}): ${msg.subarray(0, 32).toString('hex')}`);
      } else {
        this.logger.warn(`preview: datagram dropped by an internal error: ${(err as Error).message}`);
      }
      return;
    }
    for (const au of units) {
      this.rate.mark(this.lastDatagramAt);
      try {
        this.emit('accessUnit', au);
      } catch (err) {
        // A consumer's bug must not take the socket callback (and Node-RED) down with it.
        this.logger.warn(`preview: an 'accessUnit' listener threw: ${(err as Error).message}`);
      }
      if (this.socket === undefined) return; // a listener stopped us
    }
  }

  /** Fires when the last datagram is stallAfterMs old; re-arms itself for the remainder otherwise. */
  private armStallTimer(delayMs: number): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      const silent = this.now() - this.lastDatagramAt;
      if (silent < this.stallAfterMs) {
        this.armStallTimer(this.stallAfterMs - silent);
        return;
      }
      if (this.current !== 'flowing' && this.current !== 'listening') return;
      this.logger.debug(`preview: no datagram for ${Math.round(silent)} ms`);
      this.assembler.resync(); // whatever comes next may not continue the frame in progress
      this.setState('stalled');
      this.emit('stalled');
    }, delayMs);
  }

  private clearTimers(): void {
    clearTimeout(this.stallTimer);
    clearInterval(this.statsTimer);
    this.stallTimer = undefined;
    this.statsTimer = undefined;
  }

  private logBad(message: string): void {
    if (this.badLogged >= PreviewDefaults.badDatagramLogLimit) return;
    this.badLogged++;
    const last = this.badLogged === PreviewDefaults.badDatagramLogLimit ? ' (further bad datagrams are only counted)' : '';
    this.logger.debug(message + last);
  }

  private newAssembler(): PreviewAssembler {
    return new PreviewAssembler({
      timePacketOffset: this.opts.timePacketOffset,
      maxAccessUnitBytes: this.opts.maxAccessUnitBytes,
      logger: this.logger,
    });
  }

  private setState(next: PreviewReceiverState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.emit('state', next, previous);
  }
}

/** The camera's addresses: an IP as given (IPv4-mapped IPv6 unwrapped), a name through the resolver. */
async function resolveCamera(cameraHost: string | undefined): Promise<Set<string> | undefined> {
  if (cameraHost === undefined) return undefined;
  const host = cameraHost.replace(/^::ffff:/, '');
  if (net.isIP(host) !== 0) return new Set([host]);
  const found = await dns.lookup(host, { all: true });
  return new Set(found.map((a) => a.address.replace(/^::ffff:/, '')));
}

/** socket.bind as a promise that rejects (instead of emitting 'error') on EADDRINUSE and friends. */
function bindSocket(socket: dgram.Socket, host: string, port: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onError = (err: Error): void => done(err);
    const onAbort = (): void => done(new AbortedError());
    const onClose = (): void => done(new ConnectionClosedError('the preview receiver was stopped while it was starting'));
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.bind(port, host, () => done());
  });
}

function closeQuietly(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch {
    // not bound or already closed
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
