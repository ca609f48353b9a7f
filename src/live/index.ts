/**
 * Public API of the browser live view: one camera preview as fragmented MP4 (stream.mp4), HLS of
 * fMP4 segments (index.m3u8) and a self-contained page, muxed once per frame (LiveStream) and
 * served by one request handler (LiveHttpHandler) that a plain http.Server or an express app can
 * call; LiveRunner starts and stops it as the node and the CLI do.
 */
export { LiveDefaults } from './defaults';
export { LiveRunner } from './runner';
export type { LiveDeps, LiveEvent, LiveSettings, LiveState, LiveStats } from './runner';
export { LiveStream } from './live-stream';
export type { LiveStreamOptions, LiveStreamState, LiveStreamStats, ViewerEvent } from './live-stream';
export { LiveHttpHandler } from './http-handler';
export type { LiveHttpOptions } from './http-handler';
export { LiveViewer } from './viewer';
export type { LiveFrame, OfferResult, ViewerLimits, ViewerSink, ViewerState, ViewerStats } from './viewer';
export { HlsSegmenter } from './hls-segmenter';
export type { HlsFrame, HlsSegment, HlsSegmenterOptions } from './hls-segmenter';
export { renderPlaylist, initUri, segmentUri, parseMediaName, PLAYLIST_CONTENT_TYPE, SEGMENT_CONTENT_TYPE } from './playlist';
export { livePage, PAGE_CSP } from './page';
