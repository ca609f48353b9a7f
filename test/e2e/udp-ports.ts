/**
 * UDP port helpers for tests that hand a port to an external receiver (ffmpeg): find a free even/odd
 * pair on 127.0.0.1, and wait until another process has bound a port. The wait reads the kernel's
 * socket table instead of probing with bind(), because a probe could steal the port from the very
 * process it waits for.
 */
import * as dgram from 'node:dgram';
import { promises as fs } from 'node:fs';

function tryBind(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** An even port P with P and P + 1 free on 127.0.0.1 right now (RTP/RTCP, RFC 3550 §11). */
export async function freeUdpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await tryBind(0);
    if (!first) continue;
    const port = first.address().port;
    const second = port % 2 === 0 && port < 65535 ? await tryBind(port + 1) : undefined;
    first.close();
    if (second) {
      second.close();
      return port;
    }
  }
  throw new Error('no free even/odd UDP port pair on 127.0.0.1');
}

/** True when some socket is bound to UDP `port` (Linux /proc/net/udp; undefined where unavailable). */
async function udpPortBound(port: number): Promise<boolean | undefined> {
  let table: string;
  try {
    table = (await fs.readFile('/proc/net/udp', 'utf8')) + (await fs.readFile('/proc/net/udp6', 'utf8').catch(() => ''));
  } catch {
    return undefined;
  }
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex));
}

/** Resolves once UDP `port` is bound (or after a fixed grace period where that cannot be seen). */
export async function waitUntilUdpBound(port: number, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bound = await udpPortBound(port);
    if (bound === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return;
    }
    if (bound) return;
    if (!isAlive()) throw new Error(`the receiver exited before binding UDP port ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing bound UDP port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
