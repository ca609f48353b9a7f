/**
 * Session defaults, each with the reason it has this value (DESIGN.md rule 7). Options of
 * CameraSession fall back to these; nothing else in src/session hard-codes a duration.
 */
import { Defaults } from '../protocol';

export const SessionDefaults = {
  /** TCP control port of every known model (PROTOCOL.md §1). */
  port: Defaults.controlPort,
  /** Vendor-app credentials; the cameras do not let users change them (PROTOCOL.md §2.4). */
  username: Defaults.username,
  password: Defaults.password,
  /**
   * The camera is its own Wi-Fi access point one hop away: a handshake takes milliseconds, so 5 s
   * only ever expires when the camera is off or this machine is not on its network.
   */
  connectTimeoutMs: 5000,
  /** "No 0111 within ~5 s = camera busy or credentials rejected" (PROTOCOL.md §2.6). */
  loginTimeoutMs: 5000,
  /** The reference waits 5 s for A039 and A03B (PROTOCOL.md §2.7.3, §2.7.4); the photo write is the slowest. */
  requestTimeoutMs: 5000,
  /** Recommended own 0112 interval (PROTOCOL.md §2.5); the vendor app pings at a similar rate. */
  keepAliveIntervalMs: 5000,
  /** Three missed keep-alive rounds without any inbound byte = dead link (PROTOCOL.md §2.5). */
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
} as const;

/**
 * Largest number of payload bytes written to a hex log line (unsolicited messages, garbage);
 * enough for any known reply, small enough that a 64 KiB frame cannot flood the log.
 */
export const HEX_LOG_LIMIT = 256;
