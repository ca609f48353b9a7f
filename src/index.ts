/**
 * @actioncam/node-red-actioncam as a library: everything the Node-RED nodes and the `actioncam`
 * command are built from, usable on its own (no Node-RED import anywhere under src/).
 *
 *   const { Camera, RelayRunner, RtspServer, ClipRecorder } = require('@actioncam/node-red-actioncam');
 */
export * from './errors';
export type { Logger } from './logger';
export { silentLogger } from './logger';
export * as protocol from './protocol';
export { Defaults, MessageType } from './protocol';
export type { FileEntry, FirmwareInfo, ControlMessage } from './protocol';
export * from './session';
export * from './camera';
export * from './preview';
export * from './discovery';
export * from './http';
export type { AccessUnit, ParameterSets } from './media/types';
export * as h264 from './media/h264';
export * as rtp from './media/rtp';
export * as mp4 from './media/mp4';
export { waitForParameterSets, type StreamSource } from './media/source';
export { buildSdp, type SdpOptions } from './media/sdp';
export * from './relay';
export * from './clip';
export * from './live';
export { RtspServer, RtspDefaults } from './rtsp';
export type { RtspListenInfo, RtspServerOptions, RtspServerStats, RtspSessionEvent, RtspAuthOptions, RtspRecordRequest } from './rtsp';
export * from './simulator';
