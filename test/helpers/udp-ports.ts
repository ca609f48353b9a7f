/**
 * UDP port helpers for tests that hand a port to an external receiver (ffmpeg): find a free even/odd
 * pair on 127.0.0.1, and wait until another process has bound a port. The wait reads the kernel's
 * socket table instead of probing with bind(), because a probe could steal the port from the very
 * process it waits for.
 */
import { promises as fs } from 'node:fs';
import { bindLoopbackUdpPair } from './udp';

/** An even port P with P and P + 1 free on 127.0.0.1 right now (RTP/RTCP, RFC 3550 §11). */
export async function freeUdpPortPair(): Promise<number> {
  const [rtp, rtcp] = await bindLoopbackUdpPair();
  const port = rtp.address().port;
  await Promise.all([rtp, rtcp].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return port;
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
