/**
 * Every default of the RTSP server in one place, each with its reason (docs/DESIGN.md rule 7).
 * Figures about clients come from docs/RTSP-CLIENTS.md (measured with ffmpeg, GStreamer, MPlayer
 * and read from VLC/live555).
 */

export const RtspDefaults = {
  /** Loopback unless the user opts in: a camera preview should not appear on the LAN by accident. */
  host: '127.0.0.1',
  /** The customary RTSP alternate port (8554): 554 needs root, and go2rtc/Frigate expect 8554. */
  port: 8554,
  /** The mount point: rtsp://host:port/live. */
  path: '/live',
  /** First dynamic payload type (RFC 3551 §6); every measured client accepts 96 for H.264. */
  payloadType: 96,
  /** RTP payload bytes per packet: 1400 + 12 (RTP) + 8 (UDP) + 20 (IP) stays under a 1500-byte MTU
   * with room for a VPN or PPPoE header, so an FU-A fragment is never IP-fragmented. */
  maxPayloadSize: 1400,
  /** Advertised as `Session: id;timeout=60`: the RFC 2326 §12.37 default. VLC/live555 sends its
   * keep-alive every (N-2) s, so a small N is harmful; clients honour what we advertise. */
  sessionTimeoutS: 60,
  /** Sessions the server keeps at once; each costs one packetizer and one copy of the stream. */
  maxClients: 64,
  /** A TCP-interleaved client whose socket holds more than this many unsent bytes (several seconds
   * of a ~1 Mbit/s preview) is skipped until the next keyframe, so a slow viewer never stalls others. */
  tcpQueueLimitBytes: 512 * 1024,
  /** 0 = an ephemeral even/odd RTP/RTCP port pair shared by every UDP client (RFC 3550 §11). */
  rtpPort: 0,
  /** How long DESCRIBE waits for the first SPS/PPS (the preview may just be starting) before 503. */
  describeWaitMs: 5000,
  /** RTCP sender report interval per client (RFC 3550 §6.2 suggests 5 s minimum); the first SR is
   * sent with the first packets, because VLC resets its clock on the first SR (docs/RTSP-CLIENTS.md §5). */
  senderReportIntervalMs: 5000,
  /** A Digest nonce is valid for this long and only on the connection it was issued on; after it a
   * correct answer gets `stale=TRUE` and every measured player retries without asking the user. */
  nonceLifetimeMs: 5 * 60 * 1000,
  /** Nonces kept per connection: the newest answers the last challenge, the one before it a request
   * that crossed a fresh challenge. A connection that collects more 401s only replaces its own. */
  noncesPerConnection: 2,
  /** Nonces kept at all (the oldest is forgotten first): noncesPerConnection for each of the
   * 2 x maxClients connections of the default server. A forgotten nonce with a correct answer gets
   * `stale=TRUE`, so a legitimate player only pays one more round trip. */
  maxNonces: 256,
  /** Connections one client address may hold (IPv6: one /64, what one host usually owns): a quarter
   * of the 2 x maxClients connection cap, so at least four addresses are needed to fill the server,
   * and still two for each session the address may hold (maxSessionsPerAddress). */
  maxConnectionsPerAddress: 32,
  /** Sessions one client address may hold: a quarter of maxClients. On a loopback-only server every
   * local player shares 127.0.0.1, and 16 covers go2rtc, Frigate and a few viewers on one host. */
  maxSessionsPerAddress: 16,
  /** A request (head and body) or interleaved frame must be complete this long after its first byte.
   * Players write a request in one segment; 10 s is gortsplib's ReadTimeout. A slow trickle (the
   * slowloris attack) is closed after it. */
  requestTimeoutMs: 10_000,
  /** A connection without a session that completes no request for this long is closed (a leftover
   * probe, or one holding a slot); capped by sessionTimeoutS so it never outlives what a session
   * would. Trickled bytes and interleaved frames do not count, only complete requests and replies. */
  idleTimeoutMs: 60_000,
  /** A UDP session whose RTSP connection closed without TEARDOWN must show liveness (RTCP from its
   * client ports, or a request naming it) this often, not every sessionTimeoutS: every measured
   * player keeps its connection open while it plays (docs/RTSP-CLIENTS.md §4), so such a session
   * is usually a crashed or hostile client. A receiver sends RTCP at least every 6.2 s at RFC 3550's
   * 5 s minimum interval (§6.3.1, randomised x0.5-1.5 / 1.218), so 15 s tolerates one lost report. */
  orphanTimeoutMs: 15_000,
  /** Refused connections and SETUPs are logged at most this often (with a count), so an attack
   * cannot flood the Node-RED log. */
  refusalLogIntervalMs: 60_000,
  /** Realm shown by players when they ask for credentials. */
  realm: 'actioncam',
  /** After a fatal protocol error the reply is flushed with end(); a peer that never reads is
   * destroyed after this long. */
  lingerMs: 2000,
  /** Product token for the Server header (RFC 2326 §12.36). */
  serverName: 'node-red-actioncam',
} as const;

/**
 * Request parser limits (RFC 2326 §6 gives no maxima; these follow gortsplib's
 * requestMaxURLLength = 2048 and cap every buffer the parser can grow).
 */
export const RtspLimits = {
  /** Request line `METHOD URI RTSP/1.0`. */
  maxRequestLineBytes: 2048,
  /** Whole head: request line plus header lines. Real requests are well under 1 KiB. */
  maxHeadBytes: 16 * 1024,
  /** Header lines per request; ffmpeg sends 5, MPlayer's Real probe 9. */
  maxHeaderCount: 64,
  /** SET_PARAMETER/ANNOUNCE bodies; ours are ignored, so keep them small. */
  maxBodyBytes: 64 * 1024,
} as const;

export type RtspLimitsOptions = { -readonly [K in keyof typeof RtspLimits]: number };
