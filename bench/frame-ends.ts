/**
 * How the sink recognises the datagram that completes a frame, and which frame of the run it was.
 * A function returns the run's frame index, or undefined for any other datagram.
 */
import { frameOfElapsed } from './camera-feed';

export type FrameEnd = (datagram: Buffer) => number | undefined;

/**
 * Camera datagrams passed through unchanged (the plain forwarder): the type-2 time packet ends a
 * frame and carries its elapsed stamp (u32 LE at datagram offset 20, docs/PROTOCOL.md §4.3).
 */
export const cameraFrameEnd: FrameEnd = (datagram) => {
  if (datagram.length < 24 || datagram[0] !== 0xbc || datagram[1] !== 0xde || datagram.readUInt16BE(6) !== 2) return undefined;
  return frameOfElapsed(datagram.readUInt32LE(20));
};

/**
 * RTP out of the relay: the packet with the marker bit ends an access unit (RFC 6184 §5.1). The relay
 * runs with a zero random source, so its timestamp offset is 0 and the RTP timestamp is exactly
 * elapsed_ms x 90 (the run stays below 2^32 ticks, options.ts MAX_TOTAL_FRAMES).
 */
export const rtpFrameEnd: FrameEnd = (packet) => {
  if (packet.length < 12 || packet[0] >> 6 !== 2 || (packet[1] & 0x80) === 0) return undefined;
  const ticks = packet.readUInt32BE(4);
  return ticks % 90 === 0 ? frameOfElapsed(ticks / 90) : undefined;
};
