/**
 * SDP (RFC 4566) for one H.264 video stream, as RTSP DESCRIBE returns it (RFC 2326 C.1) and as the
 * RTP relay writes it for players that read a .sdp file. docs/RTSP-CLIENTS.md §6 and §7 list what real
 * players need; the lines come in the order RFC 4566 §5 prescribes:
 *
 *   v=0
 *   o=- <sess-id> <sess-version> IN IP4 <origin address>
 *   s=<session name>
 *   c=IN IP4 <connection address>        (the RTP destination for the relay; 0.0.0.0 for RTSP)
 *   t=0 0                                (unbounded session)
 *   a=tool:<tool>                        (optional)
 *   a=control:*                          (RTSP: the aggregate URL is the Content-Base)
 *   m=video <port> RTP/AVP <pt>          (port 0 for RTSP: the transport is chosen in SETUP)
 *   a=rtpmap:<pt> H264/90000             (RFC 6184 §8.2.1)
 *   a=fmtp:<pt> packetization-mode=1;profile-level-id=<6 hex>;sprop-parameter-sets=<SPS>,<PPS>
 *   a=control:trackID=0                  (RTSP: relative to Content-Base)
 *   a=framerate:<fps>                    (optional, RFC 4566 §6)
 *
 * Until the parameter sets are known, fmtp carries packetization-mode only; players then take
 * SPS/PPS from the in-band copies the packetizer sends before each IDR. Lines end in CRLF.
 */
import { BadInputError } from '../errors';
import { profileLevelId, spropParameterSets } from './h264/sps';
import { defaultRandom, randomUint, type RandomSource } from './rtp/random';
import type { ParameterSets } from './types';

export const SdpDefaults = {
  /** RFC 4566 §5.2: "-" when the originator has no user id. */
  username: '-',
  sessionVersion: 1,
  /** Media-level control as gst-rtsp-server and ffmpeg's server use it; live555 accepts any token. */
  trackControl: 'trackID=0',
} as const;

export interface SdpOptions {
  /** o= sess-id, a numeric string; random when absent (RFC 4566 §5.2). */
  sessionId?: string | number;
  /** o= sess-version; bump it when the description changes (e.g. parameter sets learned). */
  sessionVersion?: string | number;
  originAddress: string;
  connectionAddress: string;
  sessionName: string;
  port: number;
  payloadType: number;
  parameterSets?: ParameterSets;
  /** RTSP: session-level a=control:* and media-level a=control:trackID=0. */
  control?: boolean;
  framerate?: number;
  tool?: string;
  /** Source of the random sess-id. */
  random?: RandomSource;
}

/** Builds the session description; throws BadInputError for values that would corrupt it. */
export function buildSdp(opts: SdpOptions): string {
  const pt = opts.payloadType;
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new BadInputError(`SDP payload type must be 0-127, got ${pt}`);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new BadInputError(`SDP port must be 0-65535, got ${opts.port}`);
  }
  const sessionId = String(opts.sessionId ?? randomUint(opts.random ?? defaultRandom, 31));
  const sessionVersion = String(opts.sessionVersion ?? SdpDefaults.sessionVersion);
  if (!/^\d+$/.test(sessionId) || !/^\d+$/.test(sessionVersion)) {
    throw new BadInputError(`SDP session id and version must be numeric, got "${sessionId}" "${sessionVersion}"`);
  }
  const lines = [
    'v=0',
    `o=${SdpDefaults.username} ${sessionId} ${sessionVersion} IN ${addressType(opts.originAddress)} ${address('origin address', opts.originAddress)}`,
    // RFC 4566 §5.3: s= must not be empty; a single space stands for "no name".
    `s=${text('session name', opts.sessionName) || ' '}`,
    `c=IN ${addressType(opts.connectionAddress)} ${address('connection address', opts.connectionAddress)}`,
    't=0 0',
  ];
  if (opts.tool !== undefined) lines.push(`a=tool:${text('tool', opts.tool)}`);
  if (opts.control) lines.push('a=control:*');
  lines.push(`m=video ${opts.port} RTP/AVP ${pt}`, `a=rtpmap:${pt} H264/90000`, `a=fmtp:${pt} ${fmtp(opts.parameterSets)}`);
  if (opts.control) lines.push(`a=control:${SdpDefaults.trackControl}`);
  if (opts.framerate !== undefined) {
    if (!Number.isFinite(opts.framerate) || opts.framerate <= 0) {
      throw new BadInputError(`SDP framerate must be a positive number, got ${opts.framerate}`);
    }
    lines.push(`a=framerate:${formatFramerate(opts.framerate)}`);
  }
  return lines.map((line) => `${line}\r\n`).join('');
}

/** RFC 6184 §8.1 format parameters; mode 1 because the packetizer sends FU-A (§6.3). */
function fmtp(ps: ParameterSets | undefined): string {
  const params = ['packetization-mode=1'];
  if (ps) params.push(`profile-level-id=${profileLevelId(ps.sps)}`, `sprop-parameter-sets=${spropParameterSets(ps)}`);
  return params.join(';');
}

/** RFC 4566 §5.7 addrtype: IP6 for an address with a colon, else IP4. */
function addressType(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** An address field: one non-empty token (RFC 4566 §9 unicast-address). */
function address(name: string, value: string): string {
  if (!/^[^\s\0]+$/.test(value)) throw new BadInputError(`SDP ${name} must be one non-empty token, got "${value}"`);
  return value;
}

/** A value placed inside one SDP line: no CR, LF or NUL (RFC 4566 §5: byte-string). */
function text(name: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new BadInputError(`SDP ${name} must not contain CR, LF or NUL`);
  return value;
}

/** "15", "29.97": at most three decimals, no trailing zeros. */
function formatFramerate(fps: number): string {
  return String(Math.round(fps * 1000) / 1000);
}
