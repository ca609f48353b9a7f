/** RTP (RFC 3550) and the H.264 payload format (RFC 6184): header codec, packetizer, depacketizer, RTCP. */
export * from './random';
export * from './header';
export * from './sequencer';
export * from './packetizer';
export * from './depacketizer';
export * from './rtcp';
