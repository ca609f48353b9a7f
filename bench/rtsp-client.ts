/**
 * The smallest RTSP player that makes the server stream (RFC 2326): OPTIONS, DESCRIBE, SETUP (TCP
 * interleaved, or UDP to an even/odd port pair of its own), PLAY, then it reads and discards the media,
 * counting RTP packets, bytes and frames (marker bits, RFC 6184 §5.1). TEARDOWN on close. It keeps
 * no media, so a long run costs the parent nothing; 127.0.0.1 only.
 */
import type * as dgram from 'node:dgram';
import * as net from 'node:net';
import { bindLoopbackUdpPair } from '../test/helpers/udp';

export type RtspTransport = 'tcp' | 'udp';

export interface MediaCounters {
  packets: number;
  bytes: number;
  frames: number;
}

interface Reply {
  status: number;
  headers: Map<string, string>;
  body: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;

export class BenchRtspClient {
  counters: MediaCounters = { packets: 0, bytes: 0, frames: 0 };
  private buffer: Buffer = Buffer.alloc(0);
  private cseq = 0;
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private session: string | undefined;
  private rtpChannel = 0;
  private udp: dgram.Socket[] = [];
  private closed = false;

  private constructor(private readonly socket: net.Socket, private readonly url: string) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.pending?.reject(new Error('RTSP connection closed'));
      this.pending = undefined;
    });
  }

  /** Connects and plays; resolves once PLAY is answered 200. */
  static async play(port: number, url: string, transport: RtspTransport): Promise<BenchRtspClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('error', reject);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(s);
      });
    });
    const client = new BenchRtspClient(socket, url);
    try {
      await client.start(transport);
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  /** Counters since the last reset, and a fresh set from now on. */
  takeCounters(): MediaCounters {
    const taken = this.counters;
    this.counters = { packets: 0, bytes: 0, frames: 0 };
    return taken;
  }

  /** TEARDOWN (bounded wait), then closes every socket. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed && this.session !== undefined) {
      await Promise.race([
        this.request('TEARDOWN', this.url, [['Session', this.session]]).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
      ]);
    }
    this.socket.destroy();
    for (const s of this.udp.splice(0)) s.close();
  }

  private async start(transport: RtspTransport): Promise<void> {
    await this.expectOk(this.request('OPTIONS', this.url, []));
    const describe = await this.expectOk(this.request('DESCRIBE', this.url, [['Accept', 'application/sdp']]));
    const base = describe.headers.get('content-base') ?? `${this.url}/`;
    // The media-level a=control (after m=); the session level one is usually "*".
    const media = describe.body.slice(Math.max(0, describe.body.search(/^m=/m)));
    const control = /^a=control:(\S+)/m.exec(media)?.[1] ?? '';
    const track = /^rtsp:\/\//i.test(control) ? control : base.replace(/\/?$/, '/') + control;
    let spec: string;
    if (transport === 'tcp') {
      spec = 'RTP/AVP/TCP;unicast;interleaved=0-1';
    } else {
      const [rtp, rtcp] = await bindLoopbackUdpPair();
      this.udp = [rtp, rtcp];
      rtp.on('message', (packet) => this.onRtp(packet));
      spec = `RTP/AVP;unicast;client_port=${rtp.address().port}-${rtcp.address().port}`;
    }
    const setup = await this.expectOk(this.request('SETUP', track, [['Transport', spec]]));
    this.session = setup.headers.get('session')?.split(';')[0].trim();
    if (!this.session) throw new Error('SETUP reply without a Session');
    const interleaved = /interleaved=(\d+)/.exec(setup.headers.get('transport') ?? '');
    if (interleaved) this.rtpChannel = Number(interleaved[1]);
    await this.expectOk(this.request('PLAY', this.url, [['Session', this.session], ['Range', 'npt=0.000-']]));
  }

  private async expectOk(reply: Promise<Reply>): Promise<Reply> {
    const r = await reply;
    if (r.status !== 200) throw new Error(`RTSP ${r.status} from ${this.url}`);
    return r;
  }

  private request(method: string, uri: string, headers: Array<[string, string]>): Promise<Reply> {
    if (this.pending) return Promise.reject(new Error('one request at a time'));
    if (this.closed) return Promise.reject(new Error('RTSP connection closed'));
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${++this.cseq}`, 'User-Agent: actioncam-bench', ...headers.map(([k, v]) => `${k}: ${v}`)];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`${method}: no reply within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Interleaved frames (`$`, channel, u16 length, RFC 2326 §10.12) and text replies share the socket. */
  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    const buf = this.buffer;
    while (at < buf.length) {
      if (buf[at] === 0x24) {
        if (buf.length - at < 4) break;
        const length = buf.readUInt16BE(at + 2);
        if (buf.length - at < 4 + length) break;
        if (buf[at + 1] === this.rtpChannel) this.onRtp(buf.subarray(at + 4, at + 4 + length));
        at += 4 + length;
        continue;
      }
      const headEnd = buf.indexOf('\r\n\r\n', at);
      if (headEnd === -1) break;
      const head = buf.toString('latin1', at, headEnd).split('\r\n');
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const length = Number(headers.get('content-length') ?? 0);
      if (buf.length < headEnd + 4 + length) break;
      const body = buf.toString('utf8', headEnd + 4, headEnd + 4 + length);
      at = headEnd + 4 + length;
      const status = Number(/^RTSP\/1\.0 (\d{3})/.exec(head[0])?.[1] ?? 0);
      const waiter = this.pending;
      this.pending = undefined;
      waiter?.resolve({ status, headers, body });
    }
    this.buffer = at >= buf.length ? Buffer.alloc(0) : buf.subarray(at);
  }

  private onRtp(packet: Buffer): void {
    this.counters.packets++;
    this.counters.bytes += packet.length;
    if (packet.length >= 12 && (packet[1] & 0x80) !== 0) this.counters.frames++;
  }
}

