/**
 * Our path, as the rtp-relay node runs it: PreviewReceiver (camera datagrams -> access units, bound to
 * 127.0.0.1:0) feeding RtpRelay (RFC 6184 packetizer -> RTP over UDP to the sink, RTCP to sink + 1).
 * Both with their defaults, except: the relay does not wait for SPS/PPS before start() returns (the
 * traffic starts after 'ready'); its random source is 0 so the RTP timestamp offset is 0 and the
 * sink can tell which frame a marker packet ends (frame-ends.ts); and the receiver's stall detection
 * waits a minute, because the benchmark pauses this path while the baseline takes its turn (a stall
 * would make it drop frames up to the next IDR, as it should after a real outage).
 */
import { RtpRelay } from '../../src/relay/rtp-relay';
import { PreviewReceiver } from '../../src/preview/receiver';
import type { Subject } from './subject';

const STALL_AFTER_MS = 60_000;

export async function startPipeline(sinkPort: number): Promise<Subject> {
  const receiver = new PreviewReceiver({ host: '127.0.0.1', port: 0, stallAfterMs: STALL_AFTER_MS });
  const local = await receiver.start();
  const relay = new RtpRelay({ source: receiver, host: '127.0.0.1', port: sinkPort, parameterSetsTimeoutMs: 0, random: () => 0 });
  await relay.start();
  return {
    info: { port: local.port },
    stats: () => ({ receiver: receiver.stats, relay: relay.stats() }),
    close: async () => {
      await relay.stop();
      await receiver.stop();
    },
  };
}
