/** Public API of the plain RTP output: one StreamSource as RFC 6184 RTP + RTCP + an SDP file. */
export { RtpRelay } from './rtp-relay';
export type { RtpRelayOptions, RtpRelayState, RtpRelayStats } from './rtp-relay';
export { RelayDefaults } from './defaults';
export { SdpFileWriter } from './sdp-file';
