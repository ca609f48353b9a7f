/** Public API of the plain RTP output (one StreamSource as RFC 6184 RTP + RTCP + an SDP file) and of the relay runner. */
export { RtpRelay } from './rtp-relay';
export type { RtpRelayOptions, RtpRelayState, RtpRelayStats } from './rtp-relay';
export { RelayDefaults } from './defaults';
export { SdpFileWriter } from './sdp-file';
export { RelayRunner } from './runner';
export type { RelayDeps, RelayEvent, RelayMode, RelaySettings, RelayState, RelayStats } from './runner';
