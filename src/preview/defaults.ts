/**
 * Defaults of the preview path (UDP datagrams -> access units), each with its reason.
 * The outputs' own defaults live beside them (src/relay/defaults.ts, src/rtsp/defaults.ts).
 */
import { Defaults } from '../protocol/constants';

export const PreviewDefaults = {
  /** Listen on every interface: the camera sends to whichever of our addresses issued 01FF (docs/PROTOCOL.md §1). */
  host: '0.0.0.0',
  /** The camera always streams to UDP 6669; the port is not negotiated (docs/PROTOCOL.md §1, §4). */
  port: Defaults.previewPort,
  /**
   * Frames between the time packet that closes an access unit and the one that stamps it.
   * 0 = "a time packet closes and stamps the data before it" (docs/ARCHITECTURE.md Decisions, docs/PROTOCOL.md §4.3).
   */
  timePacketOffset: 0,
  /** Largest |timePacketOffset| accepted: S1 was two packets off; more means a misreading, not a camera. */
  maxTimePacketOffset: 8,
  /**
   * An access unit that grows beyond this without a time packet is dropped. A 1080p baseline IDR at the
   * highest quality stays well under 1 MiB; the preview is far smaller (the clip's IDRs are ~10 KB).
   */
  maxAccessUnitBytes: 2 * 1024 * 1024,
  /**
   * A time packet further than this from the one before (or not after it at all) is not believed
   * until the next one continues from it (a camera restart); alone it is dropped and counted, so a
   * stray or forged packet cannot throw the stream's clock forward or back. The slowest plausible
   * preview is 1 fps, and a real outage shows up as a stall first (after which anything is believed).
   */
  maxTimeJumpMs: 10_000,
  /** Frame duration assumed when the camera clock restarts and no spacing was seen yet: 15 fps (the clip's rate). */
  nominalFrameTicks: 6000,
  /** RFC 3550 A.1: a forward jump up to this many datagrams is loss, further is a sequence restart. */
  maxDropout: 3000,
  /** RFC 3550 A.1: a datagram up to this many behind the highest seen is late (reordered or duplicated). */
  maxMisorder: 100,
  /** Hex samples of unknown datagrams / time-packet bytes written to the debug log before going quiet. */
  hexLogLimit: 16,
  /** No datagram for this long = 'stalled': Wi-Fi gone, camera asleep or the control session dropped. */
  stallAfterMs: 3000,
  /** Window of the frame-rate estimate: a second, so the status shows the camera's rate, not a jitter of it. */
  rateWindowMs: 1000,
  /** Period of the receiver's 'stats' event (its timer runs only while someone listens). */
  statsIntervalMs: 1000,
  /** Bad or foreign datagrams logged (debug) before the log goes quiet; the counters keep counting. */
  badDatagramLogLimit: 16,
} as const;
