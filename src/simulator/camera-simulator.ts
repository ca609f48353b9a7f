/**
 * A simulated "ipcamera" action cam (docs/PROTOCOL.md): TCP control with the vendor login sequence and
 * keep-alive, firmware/file-list/still/record commands, the UDP preview from an H.264 clip, HTTP
 * file downloads, and discovery replies, plus fault knobs. Used by tests, by the demo, and by
 * anyone without a camera. Binds 127.0.0.1 and ephemeral ports unless told otherwise.
 *
 * Events (for tests and the demo; never 'error'):
 *   'client'  ({address, port})            a control client connected
 *   'login'   ({address, port})            a client was sent the login accept
 *   'command' (type: number, payload: Buffer)  any control message received, before it is handled
 *   'clientClosed' ({address, port})       a control client went away
 */
import * as dgram from 'dgram';
import { EventEmitter } from 'events';
import { promises as fs } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { InvalidStateError } from '../errors';
import type { ControlMessage } from '../protocol';
import { CameraClock } from './camera-clock';
import { CommandHandler } from './commands';
import { splitClipIntoFrames } from './clip';
import type { ControlClient } from './control-client';
import { ControlServer } from './control-server';
import { DiscoveryResponder, bindSocket } from './discovery-responder';
import type { SimFile } from './file-store';
import { FileStore } from './file-store';
import { HttpFileServer } from './http-files';
import type { ResolvedOptions, SimulatorFaults, SimulatorOptions } from './options';
import { garbage, resolveOptions } from './options';
import { PreviewStreamer } from './preview-streamer';

export interface SimulatorStats {
  /** Login accepts sent. */
  logins: number;
  /** Control messages received from clients (every type, login and alive included). */
  commands: number;
  previewDatagrams: number;
  previewFrames: number;
  /** TCP control connections accepted (a rejected second client is not counted). */
  connections: number;
  discoveryReplies: number;
  httpRequests: number;
}

export interface SimulatorAddresses {
  host: string;
  controlPort: number;
  httpPort: number;
  discoveryPorts: number[];
}

export interface ClientInfo {
  address: string;
  port: number;
}

type SimulatorState = 'idle' | 'starting' | 'running' | 'stopped';

export class CameraSimulator extends EventEmitter {
  /** Switch these at any time; they take effect on the next message. */
  readonly faults: SimulatorFaults = {
    rejectLogin: false,
    ignoreAlive: false,
    rejectSecondClient: false,
    replyDelayMs: 0,
    garbageBeforeReplies: false,
    mutePreview: false,
    httpCut: null,
  };
  readonly stats: SimulatorStats = {
    logins: 0,
    commands: 0,
    previewDatagrams: 0,
    previewFrames: 0,
    connections: 0,
    discoveryReplies: 0,
    httpRequests: 0,
  };
  private readonly options: ResolvedOptions;
  private readonly cameraClock: CameraClock;
  private state: SimulatorState = 'idle';
  private store?: FileStore;
  private commands?: CommandHandler;
  private control?: ControlServer;
  private http?: HttpFileServer;
  private discovery?: DiscoveryResponder;
  private previewSocket?: dgram.Socket;
  /** The preview socket's bind, started by the first START_PREVIEW (see startPreview). */
  private previewBound?: Promise<number>;
  private frames: Buffer[] = [];
  private readonly streamers = new Map<ControlClient, PreviewStreamer>();
  private addresses?: SimulatorAddresses;

  constructor(opts: SimulatorOptions = {}) {
    super();
    this.options = resolveOptions(opts);
    this.cameraClock = new CameraClock(this.options.now);
  }

  /** The camera's date and time, undefined until a client set it with SET_CLOCK (A011). */
  get clock(): Date | undefined {
    return this.cameraClock.current;
  }

  /** Serial reported in discovery replies. */
  get serial(): string {
    return this.options.serial;
  }

  /** Last commanded record state. */
  get recording(): boolean {
    return this.commands?.recording ?? false;
  }

  get clientCount(): number {
    return this.control?.clientCount ?? 0;
  }

  /** The simulated SD card, oldest first. */
  get files(): SimFile[] {
    return this.store?.list() ?? [];
  }

  /** Where the simulator listens (after start()). */
  get address(): SimulatorAddresses | undefined {
    return this.addresses && { ...this.addresses, discoveryPorts: [...this.addresses.discoveryPorts] };
  }

  /**
   * Binds every listening socket and resolves the real ports (the preview's sending socket is bound
   * when a client first asks for the preview). Rejects (and releases what it bound) on failure.
   */
  async start(): Promise<SimulatorAddresses> {
    if (this.state !== 'idle') throw new InvalidStateError(`camera simulator cannot start: it is ${this.state}`);
    this.state = 'starting';
    try {
      return await this.bindAll();
    } catch (err) {
      await this.release();
      this.state = 'stopped';
      throw err;
    }
  }

  /** Destroys every client, stops every stream and closes every socket. Idempotent; fast. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.release();
  }

  /** Destroys every control connection at once (as a camera losing Wi-Fi would). */
  dropConnections(): void {
    this.control?.dropConnections();
  }

  /**
   * Puts a file on the simulated card (listed last, served over HTTP). For tests of odd or hostile
   * names: the path is listed exactly as given. Throws InvalidStateError before start().
   */
  addFile(filePath: string, data: Buffer): SimFile {
    if (!this.store) throw new InvalidStateError('camera simulator has no card before start()');
    return this.store.add(filePath, data);
  }

  /**
   * Sends one message nobody asked for to every logged-in client, as a camera reporting a button
   * press would (what real cameras send unasked is unknown, docs/PROTOCOL.md §2.2).
   */
  notify(type: number, payload?: Buffer): void {
    for (const client of this.control?.all ?? []) if (client.state === 'loggedIn') client.send(type, payload);
  }

  /** Writes bytes (default: random bytes without the control magic) to every control client. */
  sendGarbage(bytes?: Buffer): void {
    const data = bytes ?? garbage(this.options.random);
    for (const client of this.control?.all ?? []) client.writeRaw(data);
  }

  private async bindAll(): Promise<SimulatorAddresses> {
    const { options } = this;
    const [clip, still] = await Promise.all([fs.readFile(options.clipPath), fs.readFile(path.join(__dirname, 'assets', 'still.jpg'))]);
    this.frames = splitClipIntoFrames(clip);
    const store = new FileStore(still, clip, this.cameraClock);
    store.seed();
    this.store = store;
    this.commands = new CommandHandler({
      files: store,
      clock: this.cameraClock,
      firmwareVersion: options.firmwareVersion,
      fileListPartSize: options.fileListPartSize,
      logger: options.logger,
      startPreview: (client) => this.startPreview(client),
    });
    this.control = new ControlServer(
      {
        options,
        faults: this.faults,
        onMessage: (_client, msg) => this.onMessage(msg),
        onCommand: (client, msg) => this.commands?.handle(client, msg),
        onLogin: (client) => {
          this.stats.logins++;
          this.emit('login', info(client));
        },
        onClose: (client) => this.emit('clientClosed', info(client)),
      },
      (client) => {
        this.stats.connections++;
        this.emit('client', info(client));
      },
    );
    this.http = new HttpFileServer(store, this.stats, options.logger, this.faults);
    this.discovery = new DiscoveryResponder(options.serial, this.stats, options.logger);
    this.previewSocket = dgram.createSocket(net.isIPv6(options.host) ? 'udp6' : 'udp4');
    this.previewSocket.on('error', (err) => options.logger.warn(`sim: preview socket error: ${err.message}`));
    const controlPort = await this.control.listen(options.host, options.controlPort);
    const httpPort = await this.http.listen(options.host, options.httpPort);
    const discoveryPorts = await this.discovery.start(options.host, options.discoveryPorts, controlPort);
    if (this.state !== 'starting') throw new InvalidStateError('camera simulator was stopped while starting');
    this.state = 'running';
    this.addresses = { host: options.host, controlPort, httpPort, discoveryPorts };
    options.logger.info(`sim: camera ${options.serial} on ${options.host} control ${controlPort}, http ${httpPort}, discovery ${discoveryPorts.join(',')}`);
    return { ...this.addresses, discoveryPorts: [...discoveryPorts] };
  }

  private onMessage(msg: ControlMessage): void {
    this.stats.commands++;
    this.emit('command', msg.type, msg.payload);
  }

  private startPreview(client: ControlClient): void {
    if (this.streamers.has(client) || !this.previewSocket || client.state === 'closed') return;
    const target = { address: client.address, port: this.options.previewPort };
    const streamer = new PreviewStreamer({
      socket: this.previewSocket,
      target,
      frames: this.frames,
      fps: this.options.fps,
      sliceSize: this.options.sliceSize,
      counters: this.stats,
      logger: this.options.logger,
      muted: () => this.faults.mutePreview,
    });
    this.streamers.set(client, streamer);
    // No stop command exists; the stream ends with the control connection (docs/PROTOCOL.md §4.5).
    client.onClosed(() => {
      streamer.stop();
      this.streamers.delete(client);
    });
    this.options.logger.debug(`sim: streaming preview to ${target.address}:${target.port}`);
    // The sending socket is bound (ephemeral port) on the first START_PREVIEW, not in start(): a client
    // binds its preview port before it asks for the preview, so by now the kernel cannot hand the
    // simulator that very port. Bound in start(), it could, when a test frees a port and passes it as
    // previewPort, and the client's bind would then fail with EADDRINUSE.
    this.previewBound ??= bindSocket(this.previewSocket, this.options.host, 0);
    this.previewBound.then(
      () => {
        if (this.streamers.get(client) === streamer) streamer.start();
      },
      (err: Error) => this.options.logger.warn(`sim: cannot bind the preview socket: ${err.message}`),
    );
  }

  private async release(): Promise<void> {
    for (const streamer of this.streamers.values()) streamer.stop();
    this.streamers.clear();
    this.discovery?.stop();
    const socket = this.previewSocket;
    this.previewSocket = undefined;
    if (socket) {
      try {
        socket.close();
      } catch {
        // never bound: nothing to release
      }
    }
    await Promise.all([this.control?.close(), this.http?.close()]);
  }
}

function info(client: ControlClient): ClientInfo {
  return { address: client.address, port: client.port };
}
