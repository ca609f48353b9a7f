/**
 * Defaults of the plain RTP relay (src/relay), each with its reason (docs/DESIGN.md rule 7).
 */
import { PacketizerDefaults } from '../media/rtp/packetizer';

export const RelayDefaults = {
  /** Loopback: a player on this machine; sending the preview onto the LAN must be a choice. */
  host: '127.0.0.1',
  /** An even port (RFC 3550 §11: RTP even, RTCP on the next odd port) clear of common services. */
  port: 5220,
  /** First dynamic payload type (RFC 3551 §6); what every tested player expects for H.264. */
  payloadType: PacketizerDefaults.payloadType,
  /** 1400 + 12 + 8 + 20 < 1500: an FU-A fragment is never IP-fragmented (docs/PROTOCOL.md §7 item 20). */
  maxPayloadSize: PacketizerDefaults.maxPayloadSize,
  /**
   * start() waits this long for SPS/PPS so the SDP can carry sprop-parameter-sets. The camera sends
   * them with an IDR, one every second or two; without them the SDP is written anyway and rewritten
   * (with a new o= version) once they arrive, and in-band copies precede every IDR.
   */
  parameterSetsTimeoutMs: 5000,
  /** RTCP SR period; RFC 3550 §6.2 recommends a 5 s minimum interval. */
  senderReportIntervalMs: 5000,
  /**
   * Datagrams waiting in the socket's send queue (libuv's getSendQueueCount(): the OS would not take
   * them yet). When the link stalls the sends queue in memory; past this (about 1.5 MB of 1412-byte
   * packets) the relay drops frames until the next keyframe instead of growing without bound.
   */
  maxQueuedPackets: 1024,
  /** SDP s= line. */
  sessionName: 'actioncam preview',
  /** SDP a=tool and RTCP CNAME prefix. */
  tool: 'node-red-actioncam',
} as const;
