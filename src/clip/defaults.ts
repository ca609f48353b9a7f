/**
 * Defaults and bounds of the clip output (src/clip), each with its reason (docs/DESIGN.md rules 7 and 12).
 *
 * Reference rates, measured on the committed clips: the 320x240 preview at 15 fps is about
 * 0.37 Mbit/s (src/simulator/assets/preview.h264), a 640x480 preview at 25 fps about 1.5 Mbit/s
 * (bench/assets/vga25.h264).
 */
import { Mp4Defaults } from '../media/mp4/defaults';

const MiB = 1024 * 1024;

export const ClipDefaults = {
  /** Seconds of preview kept before a trigger (issue 8): enough to see what set the sensor off. */
  preRollSeconds: 5,
  /** Largest pre-roll a setting may ask for: more is a recording, not a pre-roll (and memory: see maxPreRollBytes). */
  maxPreRollSeconds: 60,
  /**
   * Bytes the pre-roll ring may hold per clip output. The longest ring is the longest pre-roll plus the
   * longest GOP (70 s); 32 MiB holds that at 3.8 Mbit/s, two and a half times the VGA preview. A
   * stream beyond it keeps a shorter pre-roll (whole GOPs are dropped from the front), never more memory.
   */
  maxPreRollBytes: 32 * MiB,
  /**
   * Longest run without a keyframe the ring waits out. Cameras send one every 1-2 s (the committed
   * clips: 1 s); a stream with none for 10 s is broken or restarting, and the ring starts again at its
   * next keyframe rather than grow: it holds at most pre-roll + this many seconds.
   */
  maxGopSeconds: 10,
  /** Seconds recorded after a trigger when nobody says (the CLI's --seconds, the node's Duration). */
  seconds: 10,
  /**
   * Default longest clip after its first trigger (new triggers extend a clip only up to here): a
   * motion sensor that never goes quiet would otherwise record for ever. 5 minutes of the VGA preview
   * are about 57 MB, 14 MB of the 320x240 one.
   */
  maxClipSeconds: 300,
  /** Largest maxClipSeconds a setting may choose: an hour keeps the index (20 bytes a frame) near 2 MB. */
  longestClipSeconds: 3600,
  /** Most frames in one clip: what one moov may index (Mp4Defaults.maxClipSamples, 6 h at 30 fps). */
  maxClipFrames: Mp4Defaults.maxClipSamples,
  /**
   * Largest clip payload: an hour at 4.7 Mbit/s, far beyond any preview. A hostile stream ends its
   * clip here (saved, complete) instead of filling the disk.
   */
  maxClipBytes: 2 * 1024 * MiB,
  /**
   * Frames waiting to be written to the clip's temporary file. An SD card or a network share can stall
   * for a second or two; 16 MiB absorbs over a minute of the VGA preview. A disk that cannot keep up
   * beyond that fails the clip (StorageError 'slow') instead of growing memory.
   */
  maxWriteBacklogBytes: 16 * MiB,
  /**
   * Frames are written to the payload file in batches of this many bytes, not one by one: a write
   * goes through libuv's thread pool (a system call and two thread hops), which cost more CPU than
   * the frame's own handling (bench/clip-bench.ts). 64 KiB is a third of a second of the VGA preview
   * and a second and a half of the 320x240 one; the payload file is not a clip until it is finished,
   * so holding a batch back loses nothing a crash would not lose anyway.
   */
  writeBatchBytes: 64 * 1024,
  /** Read size when the payload is copied behind the header at the end: large enough for full disk speed, small in memory. */
  copyChunkBytes: MiB,
  /**
   * How long a closing recorder may spend finishing the clip in progress (copying the payload behind
   * the header): well inside Node-RED's 15 s close limit; past it the clip is abandoned and its
   * temporary files removed.
   */
  finishBoundMs: 8000,
  /**
   * How long the CLI waits beyond --pre-roll for the pre-roll to fill: the camera starts its preview
   * within a second or two and sends a keyframe every 1-2 s.
   */
  videoWaitMs: 10_000,
  /**
   * Age (since last written) after which a clip's temporary file in a clip folder is a leftover of a
   * killed process and is removed (src/clip/leftovers.ts). A clip being written is touched every
   * fraction of a second (writeBatchBytes) and finished within seconds; an hour leaves a wide margin
   * for another process writing into the same folder and for clocks that step.
   */
  staleTemporaryMs: 60 * 60 * 1000,
  /** Name used when the camera has none that is usable in a file name. */
  cameraName: 'actioncam',
  /** Longest camera part of a clip's name; the time stamp follows it. */
  maxNameLength: 64,
} as const;
