/**
 * The live HLS media playlist (RFC 8216 §4) of the segmenter's window. Pure.
 *
 *   #EXTM3U
 *   #EXT-X-VERSION:7                    fMP4 segments with EXT-X-MAP in a media playlist (§4.3.2.5, §7)
 *   #EXT-X-TARGETDURATION:1             fixed for the stream (§6.2.1)
 *   #EXT-X-MEDIA-SEQUENCE:42            the first listed segment (§4.3.3.2)
 *   #EXT-X-DISCONTINUITY-SEQUENCE:1     the first listed segment's discontinuity number (§4.3.3.3)
 *   #EXT-X-MAP:URI="init-1.mp4"         the init segment of the segments that follow (§4.3.2.5)
 *   #EXTINF:1.000,
 *   seg-42.m4s
 *   #EXT-X-DISCONTINUITY                new parameter sets or a gap in the camera's stream
 *   #EXT-X-MAP:URI="init-2.mp4"         (only when the parameter sets changed)
 *   #EXTINF:1.000,
 *   seg-43.m4s
 *
 * No EXT-X-ENDLIST: the stream is live. No EXT-X-INDEPENDENT-SEGMENTS: a camera with a long GOP
 * gives segments that start without a keyframe.
 */
import type { HlsSegment } from './hls-segmenter';

export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';
/** §3.3: fMP4 media segments; Safari, hls.js and ffmpeg read them as video/mp4. */
export const SEGMENT_CONTENT_TYPE = 'video/mp4';

export function initUri(version: number): string {
  return `init-${version}.mp4`;
}

export function segmentUri(sequence: number): string {
  return `seg-${sequence}.m4s`;
}

/** Parses a segment or init segment name of this playlist; undefined for anything else. */
export function parseMediaName(name: string): { kind: 'init' | 'segment'; number: number } | undefined {
  const match = /^(init|seg)-(\d{1,15})\.(mp4|m4s)$/.exec(name);
  if (!match || (match[1] === 'init') !== (match[3] === 'mp4')) return undefined;
  return { kind: match[1] === 'init' ? 'init' : 'segment', number: Number(match[2]) };
}

export function renderPlaylist(targetDuration: number, listed: readonly HlsSegment[]): string {
  const first = listed[0];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${targetDuration}`];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first ? first.sequence : 0}`);
  // The first listed segment's discontinuity number; its own tag is not repeated at the top.
  if (first && first.discontinuities > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${first.discontinuities}`);
  let init: number | undefined;
  for (const seg of listed) {
    if (seg.discontinuity && seg !== first) lines.push('#EXT-X-DISCONTINUITY');
    if (seg.initVersion !== init) {
      init = seg.initVersion;
      lines.push(`#EXT-X-MAP:URI="${initUri(init)}"`);
    }
    lines.push(`#EXTINF:${(seg.duration / 90000).toFixed(3)},`, segmentUri(seg.sequence));
  }
  return `${lines.join('\n')}\n`;
}
