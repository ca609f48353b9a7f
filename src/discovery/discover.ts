/**
 * Camera discovery (docs/PROTOCOL.md §3). Sends the 0114 request `attempts` times, `intervalMs` apart,
 * to every port at every target address from a UDP socket bound to 22601 (the port the reference
 * client listens on, in case a camera always answers there) or an ephemeral port when 22601 is
 * busy; collects EVERY reply until `timeoutMs` (the reference returned only the first), ignores its
 * own request echoes, keeps the first reply per address, and resolves them sorted by address.
 * Nobody has decoded the reply payload, so each result carries a printable serial if one is found
 * and the whole datagram in hex.
 */
import * as dgram from 'dgram';
import * as net from 'net';
import * as os from 'os';
import { AbortedError, ActionCamError, BadInputError, UnreachableError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { Defaults, encodeDiscoveryRequest, isDiscoveryRequest, parseDiscoveryReply, toHex } from '../protocol';
import type { DiscoveryTarget } from './targets';
import { LIMITED_BROADCAST, compareAddresses, discoveryTargets } from './targets';

export interface DiscoveredCamera {
  /** Source address of the reply: the camera. */
  address: string;
  /** Source port of the reply. */
  port: number;
  /** Printable identifier found in the reply payload, if any. */
  serial?: string;
  /** The whole reply datagram in hex. */
  raw: string;
}

export interface DiscoverOptions {
  /** Where to send the request; one address or several. */
  address?: string | readonly string[];
  ports?: readonly number[];
  timeoutMs?: number;
  attempts?: number;
  intervalMs?: number;
  /** Local port to listen on; falls back to an ephemeral port when busy. 0 = ephemeral. */
  bindPort?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Interface table for subnet broadcasts (injectable for tests). */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

export const DiscoveryDefaults = {
  /** Every camera on the local segment; subnet broadcasts are added to it (see targets.ts). */
  address: LIMITED_BROADCAST,
  /** Both firmware families' ports (docs/PROTOCOL.md §3). */
  ports: Defaults.discoveryPorts,
  /** Long enough for a camera on busy Wi-Fi, short enough for a flow button. */
  timeoutMs: 3000,
  /** UDP is lossy; the reference client sends 5 times, 500 ms apart. */
  attempts: 3,
  intervalMs: 500,
  /** The reference client's listening port (docs/PROTOCOL.md §3). */
  bindPort: 22601,
} as const;

export async function discover(opts: DiscoverOptions = {}): Promise<DiscoveredCamera[]> {
  const logger = opts.logger ?? silentLogger;
  const settings = validate(opts);
  throwIfAborted(opts.signal);
  const targets = discoveryTargets(settings.addresses, (opts.networkInterfaces ?? os.networkInterfaces)());
  const socket = await openSocket(settings.bindPort, logger);
  if (opts.signal?.aborted) {
    socket.close();
    throw new AbortedError('discovery aborted');
  }
  logger.debug(`discovery: listening on ${socket.address().port}, probing ${targets.map((t) => t.address).join(', ')} ports ${settings.ports.join(', ')}`);
  return collect(socket, targets, settings, opts.signal, logger);
}

interface Settings {
  addresses: string[];
  ports: number[];
  timeoutMs: number;
  attempts: number;
  intervalMs: number;
  bindPort: number;
}

function collect(socket: dgram.Socket, targets: DiscoveryTarget[], s: Settings, signal: AbortSignal | undefined, logger: Logger): Promise<DiscoveredCamera[]> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, DiscoveredCamera>();
    const request = encodeDiscoveryRequest();
    let attemptTimer: NodeJS.Timeout | undefined;
    let done = false;

    const finish = (err?: ActionCamError): void => {
      if (done) return;
      done = true;
      clearTimeout(attemptTimer);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else resolve([...found.values()].sort((a, b) => compareAddresses(a.address, b.address)));
    };
    const onAbort = (): void => finish(new AbortedError('discovery aborted'));

    socket.on('message', (msg, rinfo) => {
      if (isDiscoveryRequest(msg)) return; // our own broadcast, heard back
      if (found.has(rinfo.address)) {
        logger.debug(`discovery: another reply from ${rinfo.address}:${rinfo.port}: ${toHex(msg)}`);
        return;
      }
      const reply = parseDiscoveryReply(msg);
      logger.info(`discovery: reply from ${rinfo.address}:${rinfo.port}${reply.serial ? ` (${reply.serial})` : ''}: ${reply.raw}`);
      const camera: DiscoveredCamera = { address: rinfo.address, port: rinfo.port, raw: reply.raw };
      if (reply.serial !== undefined) camera.serial = reply.serial;
      found.set(rinfo.address, camera);
    });
    socket.on('error', (err) => finish(new UnreachableError(`discovery socket failed: ${err.message}`, err)));

    const sendAll = (attempt: number): void => {
      for (const target of targets) {
        for (const port of s.ports) {
          socket.send(request, port, target.address, (err) => {
            if (!err || done) return;
            const what = `sending the discovery request to ${target.address}:${port} failed (${errnoOf(err)})`;
            if (target.automatic) logger.debug(`discovery: ${what}`);
            else finish(new UnreachableError(`${what}; check the address and that this host may send ${target.address === LIMITED_BROADCAST ? 'broadcasts' : 'to it'}`, err));
          });
        }
      }
      if (attempt + 1 < s.attempts) attemptTimer = setTimeout(() => sendAll(attempt + 1), s.intervalMs);
    };

    const deadline = setTimeout(() => finish(), s.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sendAll(0);
  });
}

/** Binds `port` (0.0.0.0, so broadcast replies arrive too), or an ephemeral port when it is taken. */
async function openSocket(port: number, logger: Logger): Promise<dgram.Socket> {
  try {
    return await bind(port, logger);
  } catch (err) {
    if (port === 0 || errnoOf(err) !== 'EADDRINUSE') {
      throw new UnreachableError(`cannot open a UDP socket for discovery on port ${port}: ${errnoOf(err)}`, err);
    }
    logger.info(`discovery: port ${port} is busy (another discovery running?); listening on an ephemeral port instead`);
  }
  try {
    return await bind(0, logger);
  } catch (err) {
    throw new UnreachableError(`cannot open a UDP socket for discovery: ${errnoOf(err)}`, err);
  }
}

function bind(port: number, logger: Logger): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const onBindError = (err: Error): void => {
      try {
        socket.close();
      } catch {
        // the failed bind left nothing open
      }
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind(port, () => {
      socket.removeListener('error', onBindError);
      // Never an unhandled 'error' event; collect() adds the listener that fails the discovery.
      socket.on('error', (err) => logger.debug(`discovery: socket error: ${err.message}`));
      socket.setBroadcast(true); // harmless for unicast targets, required for broadcast ones
      resolve(socket);
    });
  });
}

function validate(opts: DiscoverOptions): Settings {
  const addresses = typeof opts.address === 'string' ? [opts.address] : [...(opts.address ?? [DiscoveryDefaults.address])];
  if (addresses.length === 0) throw new BadInputError('discovery needs at least one target address');
  for (const a of addresses) {
    if (typeof a !== 'string' || a.trim() === '') throw new BadInputError('discovery target address must be a non-empty string');
    if (net.isIPv6(a)) throw new BadInputError(`discovery is IPv4 only (cameras have no IPv6), got ${a}`);
  }
  const ports = [...(opts.ports ?? DiscoveryDefaults.ports)];
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new BadInputError(`discovery ports must be integers 1-65535, got ${ports.join(',') || 'none'}`);
  }
  const timeoutMs = opts.timeoutMs ?? DiscoveryDefaults.timeoutMs;
  const attempts = opts.attempts ?? DiscoveryDefaults.attempts;
  const intervalMs = opts.intervalMs ?? DiscoveryDefaults.intervalMs;
  const bindPort = opts.bindPort ?? DiscoveryDefaults.bindPort;
  if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new BadInputError(`discovery timeout must be a number of ms >= 0, got ${timeoutMs}`);
  if (!Number.isInteger(attempts) || attempts < 1) throw new BadInputError(`discovery attempts must be an integer >= 1, got ${attempts}`);
  if (!(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new BadInputError(`discovery interval must be a number of ms >= 0, got ${intervalMs}`);
  if (!Number.isInteger(bindPort) || bindPort < 0 || bindPort > 65535) throw new BadInputError(`discovery bind port must be 0-65535, got ${bindPort}`);
  return { addresses: addresses.map((a) => a.trim()), ports, timeoutMs, attempts, intervalMs, bindPort };
}

function errnoOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
