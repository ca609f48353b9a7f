/**
 * Session defaults, each with the reason it has this value (docs/DESIGN.md rule 7). Options of
 * CameraSession fall back to these; nothing else in src/session hard-codes a duration.
 */
import { Defaults } from '../protocol';

export const SessionDefaults = {
  /** TCP control port of every known model (docs/PROTOCOL.md §1). */
  port: Defaults.controlPort,
  /** Vendor-app credentials; the cameras do not let users change them (docs/PROTOCOL.md §2.4). */
  username: Defaults.username,
  password: Defaults.password,
  /**
   * The camera is its own Wi-Fi access point one hop away: a handshake takes milliseconds, so 5 s
   * only ever expires when the camera is off or this machine is not on its network.
   */
  connectTimeoutMs: 5000,
  /** "No 0111 within ~5 s = camera busy or credentials rejected" (docs/PROTOCOL.md §2.6). */
  loginTimeoutMs: 5000,
  /** The reference waits 5 s for A039 and A03B (docs/PROTOCOL.md §2.7.3, §2.7.4); the photo write is the slowest. */
  requestTimeoutMs: 5000,
  /** Recommended own 0112 interval (docs/PROTOCOL.md §2.5); the vendor app pings at a similar rate. */
  keepAliveIntervalMs: 5000,
  /** Three missed keep-alive rounds without any inbound byte = dead link (docs/PROTOCOL.md §2.5). */
  deadAfterMs: 15000,
  /** A camera session outlives Wi-Fi drops and camera reboots; the config node wants it back by itself. */
  reconnect: true,
  /** First re-dial after one second: quick after a blip, yet never a tight loop. */
  reconnectMinMs: 1000,
  /** Cap of 30 s: a camera that is there but busy or dropping us is not stormed with logins. */
  reconnectMaxMs: 30000,
  /**
   * Cap of 2 s while the camera is unreachable (refused, no route, no answer): such a dial reaches no
   * camera software, costs the camera nothing, and is how its return is noticed, so a camera that
   * comes back is logged in within about 3 s (docs/ARCHITECTURE.md "Decisions", issue 9).
   */
  reconnectUnreachableMaxMs: 2000,
  /**
   * A039 means "written", but a slow card may list the new file a moment later (and the list carries
   * no dates, so only a second listing shows it): look again after 300 ms, up to 5 listings in all,
   * about 1.2 s of waiting beyond the listings themselves.
   */
  stillListAttempts: 5,
  stillRelistDelayMs: 300,
  /**
   * Cap on a file list's entries. A full 512 GB card holds tens of thousands of files (videos run
   * to hundreds of MB each; even 4 MB photos alone would be about 130,000): 200,000 is above any
   * real card, yet its parsed list stays in the tens of MB, where the protocol's own cap (4096 parts
   * of 64 KiB, 268 MB of text) took gigabytes and crashed Node-RED (issue 10, finding 1).
   */
  maxFileListEntries: 200_000,
  /**
   * Cap on a file list's text: 200,000 entries of 80 bytes (a 60-character path and a size) is
   * 16 MB, so 16 MiB lets the entry cap speak first for a real list and stops a list of a few
   * huge names long before the protocol's 268 MB.
   */
  maxFileListBytes: 16 * 1024 * 1024,
  /**
   * Bound on what we have written to the camera that it has not read yet (beyond what the kernel's
   * socket buffers hold). A camera that reads never gets near it: our largest message is 8 + 65535
   * bytes and we wait for most replies. A camera that sends but never reads (a flood of 0112, each
   * answered with 0113) would otherwise grow this queue without end (86 -> 659 MB in 16 s, issue 10
   * finding 6): past 1 MiB it is a dead link, torn down with ConnectionClosedError and re-dialled.
   */
  maxWriteQueueBytes: 1024 * 1024,
  /**
   * A watchdog timer that fires this much later than it was due was held up by this process (a
   * blocked event loop, a long garbage collection), not by the camera: the camera's bytes may be
   * waiting unread in the socket, so it gets a fresh deadAfterMs window instead of the blame.
   * Healthy timers are late by milliseconds; 1 s is well clear of that and far below deadAfterMs.
   */
  stallToleranceMs: 1000,
} as const;

/**
 * Largest delay setTimeout honours: 2^31-1 ms (about 24.8 days). A larger one fires at once, so
 * every duration and timeout the library or the nodes take is checked against it.
 */
export const MAX_TIMER_MS = 0x7fffffff;

/**
 * Largest number of payload bytes written to a hex log line (unsolicited messages, garbage);
 * enough for any known reply, small enough that a 64 KiB frame cannot flood the log.
 */
export const HEX_LOG_LIMIT = 256;
