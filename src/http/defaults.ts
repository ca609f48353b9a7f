/**
 * Download defaults, each with the reason it has this value (docs/DESIGN.md rules 7 and 12). Every
 * bound a camera's file server meets is here: size, silence, total time, numbered names.
 */
import { Defaults } from '../protocol';

export const DownloadDefaults = {
  /** The camera's web server (docs/PROTOCOL.md §1). */
  port: Defaults.httpPort,
  /** Longest silence: the camera's SD card and Wi-Fi can stall for seconds, but not for ever. */
  timeoutMs: 15_000,
  /** Buffer downloads live in memory (a Node-RED msg): bounded so one big video cannot exhaust it. */
  maxBufferBytes: 256 * 1024 * 1024,
  /**
   * Largest file written to disk. The cameras' SD cards are FAT32 (a file is at most 4 GiB - 1
   * byte; the cameras split longer recordings), so a bigger body is not a camera file but a server
   * that does not stop.
   */
  maxFileBytes: 4 * 1024 ** 3,
  /**
   * Total time = deadlineFloorMs + size / minBytesPerSecond. An eighth of 1 MB/s, the slow end of
   * these cameras' 2.4 GHz Wi-Fi: a real transfer finishes well inside it (a 100 MB video gets
   * about 14 minutes, a 4 GiB one about 9 hours), a camera that drips its file does not.
   */
  minBytesPerSecond: 128 * 1024,
  /** A small file on a slow link still gets a minute, whatever its size. */
  deadlineFloorMs: 60_000,
} as const;

/** Largest delay setTimeout honours (2^31 - 1 ms); larger values would fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

/** The default total deadline of a download of `size` bytes (DownloadDefaults.minBytesPerSecond). */
export function downloadDeadlineMs(size: number): number {
  const ms = DownloadDefaults.deadlineFloorMs + Math.ceil((Math.max(0, size) / DownloadDefaults.minBytesPerSecond) * 1000);
  return Math.min(ms, MAX_TIMER_MS);
}
