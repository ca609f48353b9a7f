/** RTSP server for one live H.264 stream (RFC 2326), and its pure building blocks. */
export { RtspServer, type RtspListenInfo, type RtspServerStats, type RtspSessionEvent } from './server';
export type { RtspAuthOptions, RtspRecordRequest, RtspServerOptions } from './server-options';
export { RtspDefaults, RtspLimits } from './defaults';
export { RequestParser, serializeResponse, encodeInterleaved, type RtspRequest, type RtspResponse, type ParsedItem } from './message';
export * from './headers';
export { DigestAuthenticator, digestResponse, parseAuthParams } from './auth';
