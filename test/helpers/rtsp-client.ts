/**
 * The one RTSP test client, for the tests and the benchmark: it writes exactly the bytes a test gives
 * it (so tests can replay the request sequences of ffmpeg, GStreamer, MPlayer and VLC from
 * docs/RTSP-CLIENTS.md §4-§5), and reads replies and interleaved `$` frames from the same socket.
 * Plus a UDP receiver for the client_port pair of a UDP session, and play(): the smallest player that
 * makes a server stream (OPTIONS, DESCRIBE, SETUP, PLAY), which in counting mode keeps no media, so
 * a long benchmark costs the process nothing. 127.0.0.1 only.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { RtspServer, type RtspServerOptions, type RtspSessionEvent } from '../../src/rtsp/server';
import { FakeSource, type FakeSourceOptions } from './fake-source';
import { bindLoopbackUdpPair } from './udp';

export interface RtspReply {
  status: number;
  reason: string;
  /** Lower-cased names. */
  headers: Map<string, string>;
  body: Buffer;
}

export interface Interleaved {
  channel: number;
  payload: Buffer;
}

type Waiter<T> = { test: (item: T) => boolean; resolve: (item: T) => void; reject: (err: Error) => void };

export type RtspTransport = 'tcp' | 'udp';

/** RTP received by a counting client: packets, bytes and frames (marker bits, RFC 6184 §5.1). */
export interface MediaCounters {
  packets: number;
  bytes: number;
  frames: number;
}

export interface RawRtspClientOptions {
  /** Pick the client's own address (another 127.x.y.z plays another host). */
  localAddress?: string;
  /** Keep every interleaved frame (tests, default) or only count the RTP channel's (benchmarks). */
  keepMedia?: boolean;
}

const TEARDOWN_TIMEOUT_MS = 2000;

export class RawRtspClient {
  readonly socket: net.Socket;
  readonly interleaved: Interleaved[] = [];
  /** RTP on the channel play() negotiated (or on a UDP session's receiver), in counting mode. */
  counters: MediaCounters = { packets: 0, bytes: 0, frames: 0 };
  private readonly keepMedia: boolean;
  private rtpChannel = 0;
  private udp: UdpReceiver | undefined;
  private session: string | undefined;
  private url = '';
  private buffer: Buffer = Buffer.alloc(0);
  private readonly replies: RtspReply[] = [];
  private readonly replyWaiters: Array<Waiter<RtspReply>> = [];
  private readonly frameWaiters: Array<{ count: number; channel: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private cseq = 0;
  private isClosed = false;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket, options: RawRtspClientOptions = {}) {
    this.socket = socket;
    this.keepMedia = options.keepMedia ?? true;
    socket.on('error', () => undefined); // resets are part of some tests
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        const err = new Error('connection closed');
        for (const w of this.replyWaiters.splice(0)) w.reject(err);
        for (const w of this.frameWaiters.splice(0)) w.reject(err);
        resolve();
      }),
    );
  }

  /** `localAddress` picks the client's own address (another 127.x.y.z plays another host). */
  static connect(port: number, host = '127.0.0.1', localAddress?: string, options: RawRtspClientOptions = {}): Promise<RawRtspClient> {
    const local = localAddress ?? options.localAddress;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, ...(local ? { localAddress: local } : {}) });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        // As players do: a small write (an interleaved RTCP report) leaves at once, not after an ACK.
        socket.setNoDelay(true);
        resolve(new RawRtspClient(socket, options));
      });
    });
  }

  /**
   * A player: connects and sends OPTIONS, DESCRIBE, SETUP (interleaved TCP or a UDP port pair of its
   * own) and PLAY; resolves once PLAY is answered 200. With keepMedia false (the default here) it only
   * counts the RTP it receives.
   */
  static async play(port: number, url: string, transport: RtspTransport, options: RawRtspClientOptions = {}): Promise<RawRtspClient> {
    const client = await RawRtspClient.connect(port, '127.0.0.1', undefined, { keepMedia: false, ...options });
    try {
      await client.startPlaying(url, transport);
    } catch (err) {
      await client.teardown();
      throw err;
    }
    return client;
  }

  /** The counters since the last call, and a fresh set from now on. */
  takeCounters(): MediaCounters {
    const taken = this.counters;
    this.counters = { packets: 0, bytes: 0, frames: 0 };
    return taken;
  }

  /** TEARDOWN of a session play() opened (bounded wait), then closes every socket. Idempotent. */
  async teardown(): Promise<void> {
    if (!this.isClosed && this.session !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.request('TEARDOWN', this.url, { Session: this.session }).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, TEARDOWN_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
    }
    this.close();
  }

  private async startPlaying(url: string, transport: RtspTransport): Promise<void> {
    this.url = url;
    const ok = async (reply: Promise<RtspReply>): Promise<RtspReply> => {
      const r = await reply;
      if (r.status !== 200) throw new Error(`RTSP ${r.status} from ${url}`);
      return r;
    };
    await ok(this.request('OPTIONS', url));
    const describe = await ok(this.request('DESCRIBE', url, { Accept: 'application/sdp' }));
    const base = describe.headers.get('content-base') ?? `${url}/`;
    // The media-level a=control (after m=); the session-level one is usually "*".
    const sdp = describe.body.toString('utf8');
    const media = sdp.slice(Math.max(0, sdp.search(/^m=/m)));
    const control = /^a=control:(\S+)/m.exec(media)?.[1] ?? '';
    const track = /^rtsp:\/\//i.test(control) ? control : base.replace(/\/?$/, '/') + control;
    let spec = 'RTP/AVP/TCP;unicast;interleaved=0-1';
    if (transport === 'udp') {
      this.udp = await UdpReceiver.open({ onRtp: (packet) => this.count(packet), keepMedia: this.keepMedia });
      spec = `RTP/AVP;unicast;client_port=${this.udp.ports[0]}-${this.udp.ports[1]}`;
    }
    const setup = await ok(this.request('SETUP', track, { Transport: spec }));
    this.session = setup.headers.get('session')?.split(';')[0].trim();
    if (!this.session) throw new Error('SETUP reply without a Session');
    const interleaved = /interleaved=(\d+)/.exec(setup.headers.get('transport') ?? '');
    if (interleaved) this.rtpChannel = Number(interleaved[1]);
    await ok(this.request('PLAY', url, { Session: this.session, Range: 'npt=0.000-' }));
  }

  private count(packet: Buffer): void {
    this.counters.packets++;
    this.counters.bytes += packet.length;
    if (packet.length >= 12 && (packet[1] & 0x80) !== 0) this.counters.frames++;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Sends a request with an automatic CSeq (unless `headers` has one) and waits for the next reply. */
  async request(method: string, uri: string, headers: Record<string, string> = {}, body = ''): Promise<RtspReply> {
    const lines = [`${method} ${uri} RTSP/1.0`];
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'cseq')) lines.push(`CSeq: ${++this.cseq}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.send(`${lines.join('\r\n')}\r\n\r\n${body}`);
    return this.nextReply();
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one interleaved frame (e.g. an RTCP receiver report on the RTCP channel). */
  sendInterleaved(channel: number, payload: Buffer): void {
    const head = Buffer.from([0x24, channel, payload.length >> 8, payload.length & 0xff]);
    this.socket.write(Buffer.concat([head, payload]));
  }

  nextReply(timeoutMs = 10000): Promise<RtspReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.isClosed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.replyWaiters.indexOf(waiter);
        if (i >= 0) this.replyWaiters.splice(i, 1);
        reject(new Error(`no RTSP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter<RtspReply> = {
        test: () => true,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.replyWaiters.push(waiter);
    });
  }

  /** Resolves once `count` interleaved frames have arrived on `channel` in total. */
  waitFrames(channel: number, count: number, timeoutMs = 10000): Promise<void> {
    if (this.framesOn(channel).length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.framesOn(channel).length}/${count} frames on channel ${channel}`)), timeoutMs);
      this.frameWaiters.push({
        count,
        channel,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  framesOn(channel: number): Buffer[] {
    return this.interleaved.filter((f) => f.channel === channel).map((f) => f.payload);
  }

  close(): void {
    this.socket.destroy();
    this.udp?.close();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) break;
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4) break;
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) break;
        const channel = this.buffer[1];
        const payload = this.buffer.subarray(4, 4 + length);
        this.buffer = this.buffer.subarray(4 + length);
        if (!this.keepMedia) {
          if (channel === this.rtpChannel) this.count(payload);
          continue;
        }
        this.interleaved.push({ channel, payload: Buffer.from(payload) });
        for (const w of [...this.frameWaiters]) {
          if (this.framesOn(w.channel).length >= w.count) {
            this.frameWaiters.splice(this.frameWaiters.indexOf(w), 1);
            w.resolve();
          }
        }
        continue;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) break;
      const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const length = Number(headers.get('content-length') ?? 0);
      if (this.buffer.length < end + 4 + length) break;
      const m = /^RTSP\/1\.0 (\d{3}) (.*)$/.exec(head[0]);
      if (!m) throw new Error(`bad status line ${head[0]}`);
      const reply: RtspReply = { status: Number(m[1]), reason: m[2], headers, body: Buffer.from(this.buffer.subarray(end + 4, end + 4 + length)) };
      this.buffer = this.buffer.subarray(end + 4 + length);
      const waiter = this.replyWaiters.shift();
      if (waiter) waiter.resolve(reply);
      else this.replies.push(reply);
    }
  }
}

/** A client_port pair: RTP on an even port, RTCP on the next (it retries until it gets one). */
export interface UdpReceiverOptions {
  /** Called with every RTP datagram. */
  onRtp?: (packet: Buffer) => void;
  /** Keep every datagram in `rtp`/`rtcp` (default) or only hand them to onRtp. */
  keepMedia?: boolean;
}

export class UdpReceiver {
  readonly rtp: Buffer[] = [];
  readonly rtcp: Buffer[] = [];
  private constructor(
    readonly rtpSocket: dgram.Socket,
    readonly rtcpSocket: dgram.Socket,
    options: UdpReceiverOptions,
  ) {
    const keep = options.keepMedia ?? true;
    rtpSocket.on('message', (m) => {
      if (keep) this.rtp.push(m);
      options.onRtp?.(m);
    });
    rtcpSocket.on('message', (m) => {
      if (keep) this.rtcp.push(m);
    });
  }

  static async open(options: UdpReceiverOptions = {}): Promise<UdpReceiver> {
    const [a, b] = await bindLoopbackUdpPair();
    return new UdpReceiver(a, b, options);
  }

  get ports(): [number, number] {
    return [(this.rtpSocket.address() as net.AddressInfo).port, (this.rtcpSocket.address() as net.AddressInfo).port];
  }

  /** Sends a datagram from the RTCP port (an RTCP receiver report, as liveness). */
  sendRtcp(packet: Buffer, port: number): void {
    this.rtcpSocket.send(packet, port, '127.0.0.1');
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('UDP receiver: condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    for (const s of [this.rtpSocket, this.rtcpSocket]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}


/** RTP fixed header fields (RFC 3550 §5.1). */
export function rtpHeader(p: Buffer): { marker: boolean; payloadType: number; seq: number; timestamp: number; ssrc: number } {
  return { marker: (p[1] & 0x80) !== 0, payloadType: p[1] & 0x7f, seq: p.readUInt16BE(2), timestamp: p.readUInt32BE(4), ssrc: p.readUInt32BE(8) };
}

/** An empty RTCP receiver report (RFC 3550 §6.4.2) from `ssrc`. */
export function receiverReport(ssrc = 0x01020304): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x80;
  b[1] = 201;
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(ssrc, 4);
  return b;
}

/** An RtspServer on 127.0.0.1, port 0, fed by a FakeSource the test steps or starts itself. */
export async function startRtspServer(
  options: Partial<RtspServerOptions> = {},
  sourceOptions: FakeSourceOptions = {},
): Promise<{ server: RtspServer; source: FakeSource; port: number; url: string; events: RtspSessionEvent[] }> {
  const source = (options.source as FakeSource | undefined) ?? new FakeSource(sourceOptions);
  const server = new RtspServer({ host: '127.0.0.1', port: 0, ...options, source });
  const events: RtspSessionEvent[] = [];
  server.on('session', (e: RtspSessionEvent) => events.push(e));
  const info = await server.listen();
  return { server, source, port: info.port, url: info.url, events };
}
