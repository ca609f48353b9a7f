/**
 * The RTSP server as the rtp-relay node runs it in "rtsp" mode (defaults but the per-address caps,
 * 127.0.0.1, an ephemeral port), fed by the clip at the camera's rate. The clients live in the parent
 * process, so the CPU and memory this process reports are the server's and the source's; the
 * 0-client row measures the source and an idle server alone.
 */
import { RtspDefaults } from '../../src/rtsp/defaults';
import { RtspServer } from '../../src/rtsp/server';
import { ClipSource } from '../clip-source';
import type { Subject } from './subject';

export async function startRtsp(fps: number): Promise<Subject> {
  const source = new ClipSource(fps);
  // Every bench player comes from 127.0.0.1: lift the per-address caps to the global ones, so a row
  // of 50 players measures 50 sessions (the defaults would give one address 16).
  const server = new RtspServer({
    source,
    host: '127.0.0.1',
    port: 0,
    maxSessionsPerAddress: RtspDefaults.maxClients,
    maxConnectionsPerAddress: 2 * RtspDefaults.maxClients,
  });
  const listening = await server.listen();
  source.start();
  let last = { frames: 0, packets: 0, bytes: 0, dropped: 0 };
  return {
    info: { port: listening.port, url: listening.url },
    // Counts since the previous call (the parent calls it at 'mark' and at 'end').
    stats: () => {
      const s = server.stats();
      const now = { frames: source.frames, packets: s.packetsSent, bytes: s.bytesSent, dropped: s.framesDropped };
      const delta = {
        clients: s.clients,
        playing: s.playing,
        sourceFrames: now.frames - last.frames,
        packetsSent: now.packets - last.packets,
        bytesSent: now.bytes - last.bytes,
        framesDropped: now.dropped - last.dropped,
      };
      last = now;
      return delta;
    },
    close: async () => {
      source.stop();
      await server.close();
    },
  };
}
