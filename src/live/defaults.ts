/**
 * Defaults and bounds of the browser live view (src/live), each with its reason (docs/DESIGN.md rules 7
 * and 12). The CLI's `actioncam live` and the actioncam-live node use them as they are.
 */
export const LiveDefaults = {
  /** Loopback: the view is served to this computer unless the user chooses the network. */
  host: '127.0.0.1',
  /** Beside the RTSP server's 8554 and Node-RED's 1880, clear of the usual web ports. */
  port: 8081,
  /**
   * Live fMP4 viewers (`stream.mp4` connections) at once. Each holds a socket and up to
   * viewerQueueBytes; 16 browsers is more than a home dashboard has open, and a Raspberry Pi's
   * uplink carries about that many copies of a 1-2 Mbit/s preview. The 17th gets 503.
   */
  maxViewers: 16,
  /**
   * Bytes a viewer may have waiting in its socket (written, not yet sent). A viewer further behind
   * (a stalled tab, a slow Wi-Fi) gets no more fragments until the queue has drained below half of
   * this and a keyframe comes: it skips ahead instead of growing memory or holding back the others.
   * 1 MiB is 4-8 s of a 1-2 Mbit/s preview, more than any player that still keeps up needs.
   */
  viewerQueueBytes: 1024 * 1024,
  /**
   * A viewer that has been skipping (not draining) for this long is disconnected: its socket is
   * dead in all but name. Checked when a frame arrives, so no timer runs for it.
   */
  viewerStuckMs: 30_000,
  /** Clients counted as HLS viewers: distinct address + user agent that fetched the playlist ... */
  maxHlsViewers: 64,
  /** ... within this long (a player reloads a live playlist once per target duration). */
  hlsViewerWindowMs: 10_000,
  /**
   * An HLS segment ends at the first keyframe at or after this duration: about 1 s, so a player
   * starts and stays close to live. A camera sending an IDR every second (the simulator, most previews) gets 1 s segments that
   * each start with a keyframe.
   */
  segmentTargetMs: 1000,
  /**
   * ... or here without one (a camera with a long GOP). 1400 ms keeps EXT-X-TARGETDURATION at 1
   * (RFC 8216 §4.3.3.1: the longest segment rounded to the nearest second), so a player holds back
   * three seconds, not six; such a segment starts without a keyframe, which HLS allows.
   */
  segmentMaxMs: 1400,
  /**
   * Segments listed in the live playlist: a 6 s window, twice what a player holds back (three
   * target durations, RFC 8216 §6.3.3), so a player that reloads late still finds its next segment.
   */
  playlistSegments: 6,
  /**
   * Segments kept after they leave the playlist, for players still fetching them (RFC 8216 §6.2.2:
   * available for the segment's duration plus the playlist's). Memory: (6 + 2) × 1.4 s of preview.
   */
  retainedSegments: 2,
  /** A segment never holds more than this (a hostile or broken camera sending huge frames). */
  maxSegmentBytes: 16 * 1024 * 1024,
  /**
   * A step between two frames longer than this is a gap (the camera stalled or restarted): the
   * segment ends there and the next one is marked EXT-X-DISCONTINUITY, so no segment's duration
   * runs past the target duration.
   */
  maxFrameGapMs: 1000,
} as const;

export type LiveDefaultsType = typeof LiveDefaults;
