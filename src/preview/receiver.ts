/**
 * Receives one camera's UDP preview (docs/PROTOCOL.md §4) and emits H.264 access units: the
 * StreamSource the outputs consume (through LivePreview).
 *
 * The receiver does not own a socket: it joins the process's shared socket of its preview port
 * (port.ts), which routes it the datagrams from its camera's address, so several cameras can stream
 * to one host. Of those it accepts only the ones from the source port the stream settled on (the
 * first that sent a well-formed datagram after start() or relearn()); anything else from the camera's
 * address is counted as `foreign`, so a neighbour who can send from that address cannot splice
 * frames into the stream (the relearn after a reconnect follows a camera that changed port). Every
 * datagram is checked against its declared length, a malformed one is counted and logged instead of
 * crashing or being parsed twice, and silence is reported ('stalled') instead of being waited out.
 *
 * Events (never 'error'):
 *   'accessUnit' (AccessUnit)          a complete, undamaged frame, from the first IDR on
 *   'flowing' ()                       the first datagram, or the first after a stall
 *   'stalled' ()                       no datagram for stallAfterMs (also when none ever came)
 *   'stats' (PreviewReceiverStats)     every statsIntervalMs while started, only while someone listens
 *   'state' (state, previous)
 */
import { promises as dns } from 'dns';
import type * as dgram from 'dgram';
import { EventEmitter } from 'events';
import * as net from 'net';
import { ActionCamError, BadInputError, ConnectionClosedError, ProtocolError, requirePositive, throwIfAborted, UnreachableError } from '../errors';
import { Logger, silentLogger } from '../logger';
import type { AccessUnit, ParameterSets } from '../media/types';
import type { StreamSource } from '../media/source';
import { PreviewAssembler, PreviewStats } from './assembler';
import { PreviewDefaults } from './defaults';
import { PreviewPorts, type PortMembership } from './port';
import { RateMeter } from './rate';

export type PreviewReceiverState = 'idle' | 'starting' | 'listening' | 'flowing' | 'stalled' | 'stopped';

export interface PreviewReceiverOptions {
  /** Local address to bind. Default 0.0.0.0. */
  host?: string;
  /** Local UDP port. Default 6669 (the camera's fixed target); 0 = ephemeral (never shared). */
  port?: number;
  /** Accept datagrams only from this source address (the camera); undefined = from any address nobody else claims. */
  cameraHost?: string;
  /** See PreviewAssembler: which time packet stamps a frame. Default 0. */
  timePacketOffset?: number;
  /** See PreviewAssembler. Default 2 MiB. */
  maxAccessUnitBytes?: number;
  /** Silence (ms) after which 'stalled' is emitted. Default 3000. */
  stallAfterMs?: number;
  /** Window of the fps estimate (ms). Default 1000. */
  rateWindowMs?: number;
  /** Period of the 'stats' event (ms); its timer runs only while a 'stats' listener exists. Default 1000. */
  statsIntervalMs?: number;
  logger?: Logger;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  /** The process's shared preview ports; injectable for tests. */
  ports?: PreviewPorts;
  /** Socket factory; injectable for tests. */
  createSocket?: (type: 'udp4' | 'udp6') => dgram.Socket;
}

export interface PreviewReceiverStats extends PreviewStats {
  /** Datagrams that failed to decode (short, bad magic, length past the end, short time packet). */
  malformed: number;
  /** Datagrams from an address no camera on this port has, or from the camera's address but not its stream's port. */
  foreign: number;
  /** Frames emitted over the last second or so. */
  fps: number;
}

export class PreviewReceiver extends EventEmitter implements StreamSource {
  private readonly opts: PreviewReceiverOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly stallAfterMs: number;
  private readonly rate: RateMeter;
  private readonly ports: PreviewPorts;
  private current: PreviewReceiverState = 'idle';
  private membership: PortMembership | undefined;
  private starting: Promise<{ address: string; port: number }> | undefined;
  /** Bumped by every start() and stop(): a start that finds it changed was overtaken. */
  private generation = 0;
  private assembler: PreviewAssembler;
  private stallTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly statsIntervalMs: number;
  private lastDatagramAt = 0;
  private malformed = 0;
  private wrongPort = 0;
  private badLogged = 0;
  /** The source port the camera's stream settled on; undefined until the first datagram (or after relearn()). */
  private streamPort: number | undefined;
  private readonly onDatagram = (datagram: Buffer, sourcePort: number): void => this.ingest(datagram, sourcePort);

  constructor(options: PreviewReceiverOptions = {}) {
    super();
    this.opts = options;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => performance.now());
    this.ports = options.ports ?? PreviewPorts.shared;
    this.stallAfterMs = requirePositive('stallAfterMs', options.stallAfterMs ?? PreviewDefaults.stallAfterMs);
    this.rate = new RateMeter(requirePositive('rateWindowMs', options.rateWindowMs ?? PreviewDefaults.rateWindowMs));
    this.statsIntervalMs = requirePositive('statsIntervalMs', options.statsIntervalMs ?? PreviewDefaults.statsIntervalMs);
    this.assembler = this.newAssembler(); // validates timePacketOffset at construction
    // The 'stats' timer is a wake-up every period: it runs only while someone listens.
    this.on('newListener', (event: string) => {
      if (event === 'stats') this.armStatsTimer(true); // emitted before the listener is added
    });
    this.on('removeListener', (event: string) => {
      if (event === 'stats' && this.listenerCount('stats') === 0) this.clearStatsTimer();
    });
  }

  get state(): PreviewReceiverState {
    return this.current;
  }

  /** Local address and port once started. */
  get address(): { address: string; port: number } | undefined {
    return this.membership ? { ...this.membership.local } : undefined;
  }

  /** Frames emitted over the last second or so. */
  get fps(): number {
    return this.rate.rate(this.now());
  }

  get stats(): PreviewReceiverStats {
    const foreign = this.wrongPort + (this.membership?.foreign ?? 0);
    return { ...this.assembler.stats, malformed: this.malformed, foreign, fps: this.fps };
  }

  parameterSets(): ParameterSets | undefined {
    return this.assembler.parameterSets();
  }

  /** Joins the preview port. Idempotent while started; after stop() it starts afresh (counters reset). */
  start(opts: { signal?: AbortSignal } = {}): Promise<{ address: string; port: number }> {
    try {
      throwIfAborted(opts.signal);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.starting) return this.starting;
    if (this.membership && this.current !== 'stopped') return Promise.resolve({ ...this.membership.local });
    this.starting = this.join(opts.signal).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Leaves the preview port (the last receiver closes its socket) and clears the stall timer; idempotent. */
  stop(): Promise<void> {
    if (this.current === 'stopped' || this.current === 'idle') return Promise.resolve();
    this.generation++;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.clearStatsTimer();
    const membership = this.membership;
    this.membership = undefined;
    this.setState('stopped');
    return membership ? membership.leave() : Promise.resolve();
  }

  /**
   * Forget the stream's source port: the next datagram from the camera's address sets it again. Call it
   * when the camera is asked for its preview again (a new login), since it may then send from a new port.
   */
  relearn(): void {
    this.streamPort = undefined;
  }

  private async join(signal: AbortSignal | undefined): Promise<{ address: string; port: number }> {
    const host = this.opts.host ?? PreviewDefaults.host;
    const port = this.opts.port ?? PreviewDefaults.port;
    const generation = ++this.generation;
    this.assembler = this.newAssembler();
    this.malformed = 0;
    this.wrongPort = 0;
    this.badLogged = 0;
    this.streamPort = undefined;
    this.rate.reset();
    this.membership = undefined;
    this.setState('starting');
    let membership: PortMembership;
    try {
      const addresses = await resolveCamera(this.opts.cameraHost).catch((err: Error) => {
        throw new UnreachableError(`cannot resolve the camera address "${this.opts.cameraHost}": ${err.message}`, err);
      });
      if (generation !== this.generation) throw new ConnectionClosedError('the preview receiver was stopped while it was starting');
      membership = await this.ports.open({
        host,
        port,
        addresses,
        onDatagram: this.onDatagram,
        signal,
        logger: this.logger,
        createSocket: this.opts.createSocket,
      });
    } catch (err) {
      if (generation === this.generation) this.setState('stopped');
      if (err instanceof ActionCamError) throw err;
      throw new BadInputError(`cannot listen for the camera preview on UDP ${host}:${port}: ${(err as Error).message}`);
    }
    if (generation !== this.generation) {
      await membership.leave();
      throw new ConnectionClosedError('the preview receiver was stopped while it was starting');
    }
    this.membership = membership;
    this.lastDatagramAt = this.now();
    this.setState('listening');
    this.armStallTimer(this.stallAfterMs);
    this.armStatsTimer();
    return { ...membership.local };
  }

  private ingest(datagram: Buffer, sourcePort: number): void {
    if (this.membership === undefined) return;
    if (this.streamPort !== undefined && sourcePort !== this.streamPort) {
      this.wrongPort++;
      this.logBad(`preview: ignored a datagram from the camera's address but port ${sourcePort} (its stream comes from ${this.streamPort})`);
      return;
    }
    let units: AccessUnit[];
    try {
      units = this.assembler.pushDatagram(datagram);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.malformed++;
        this.logBad(`preview: bad datagram from port ${sourcePort} (${err.message}): ${datagram.subarray(0, 32).toString('hex')}`);
      } else {
        this.logger.warn(`preview: datagram dropped by an internal error: ${(err as Error).message}`);
      }
      return;
    }
    this.streamPort = sourcePort; // a well-formed datagram: this port carries the stream
    const now = this.now();
    this.lastDatagramAt = now;
    if (this.current !== 'flowing') {
      const wasStalled = this.current === 'stalled';
      this.setState('flowing');
      if (wasStalled) this.armStallTimer(this.stallAfterMs);
      this.emit('flowing');
    }
    for (let i = 0; i < units.length; i++) {
      this.rate.mark(now);
      try {
        this.emit('accessUnit', units[i]);
      } catch (err) {
        // A consumer's bug must not take the socket callback (and Node-RED) down with it.
        this.logger.warn(`preview: an 'accessUnit' listener threw: ${(err as Error).message}`);
      }
      if (this.membership === undefined) return; // a listener stopped us
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
      this.streamPort = undefined; // a camera that comes back may send from another port
      this.setState('stalled');
      this.emit('stalled');
    }, delayMs);
  }

  private armStatsTimer(listenerComing = false): void {
    if (this.statsTimer || !this.membership || (!listenerComing && this.listenerCount('stats') === 0)) return;
    this.statsTimer = setInterval(() => this.emit('stats', this.stats), this.statsIntervalMs);
  }

  private clearStatsTimer(): void {
    clearInterval(this.statsTimer);
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
