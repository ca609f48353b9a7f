/**
 * RTSP header values the server reads or writes: Transport (RFC 2326 §12.39), Session (§12.37),
 * Range (§12.29 with NPT from §3.6) and RTP-Info (§12.33). Pure string codecs.
 */
import { RtspError } from '../errors';
import { RtspStatus } from './status';

/** A pair of ports or interleaved channels, `a-b`; a lone `a` means `a-(a+1)`. */
export type PortPair = readonly [number, number];

/** One transport-spec of a Transport header (RFC 2326 §12.39). */
export interface TransportSpec {
  /** `RTP/AVP` (or RTP/SAVP, MP2T/H2221, ...: the caller decides what it supports), upper-cased. */
  profile: string;
  /** The lower transport; RFC 2326 §12.39: UDP when absent. */
  lowerTransport: 'UDP' | 'TCP' | string;
  /** RFC 2326 §12.39: multicast is the default when neither is given; every measured client says unicast. */
  delivery?: 'unicast' | 'multicast';
  destination?: string;
  clientPort?: PortPair;
  serverPort?: PortPair;
  interleaved?: PortPair;
  ttl?: number;
  /** 32-bit SSRC (written as 8 hex digits). */
  ssrc?: number;
  /** Upper-cased, quotes removed: `PLAY`, `RECORD`. */
  mode?: string;
}

/**
 * Parses a Transport header into its transport-specs, in the client's order of preference.
 * Throws RtspError(400) when a spec is unreadable (no protocol/profile, or a malformed number).
 */
export function parseTransport(value: string): TransportSpec[] {
  const specs: TransportSpec[] = [];
  for (const part of splitOutsideQuotes(value, ',')) {
    if (part.trim() === '') continue;
    specs.push(parseTransportSpec(part));
  }
  if (specs.length === 0) throw badRequest('empty Transport header');
  return specs;
}

function parseTransportSpec(text: string): TransportSpec {
  const [head, ...params] = splitOutsideQuotes(text, ';').map((p) => p.trim());
  // transport-protocol/profile[/lower-transport]; an unknown one is kept, for the caller to refuse (461).
  const proto = head.toUpperCase().split('/');
  if (proto.length < 2 || proto.length > 3 || proto.some((p) => !/^[A-Z0-9_.-]+$/.test(p))) {
    throw badRequest(`malformed transport "${head}"`);
  }
  const spec: TransportSpec = { profile: `${proto[0]}/${proto[1]}`, lowerTransport: proto[2] ?? 'UDP' };
  for (const param of params) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase();
    const raw = eq === -1 ? undefined : param.slice(eq + 1).trim();
    switch (key) {
      case 'unicast':
      case 'multicast':
        spec.delivery = key;
        break;
      case 'destination':
        if (raw) spec.destination = raw;
        break;
      case 'client_port':
        spec.clientPort = parsePair(raw, key, 0xffff);
        break;
      case 'server_port':
        spec.serverPort = parsePair(raw, key, 0xffff);
        break;
      case 'interleaved':
        spec.interleaved = parsePair(raw, key, 0xff);
        break;
      case 'ttl':
        spec.ttl = parseInteger(raw, key, 255);
        break;
      case 'ssrc':
        if (raw === undefined || !/^[0-9a-fA-F]{1,8}$/.test(raw)) throw badRequest(`bad ssrc "${raw ?? ''}"`);
        spec.ssrc = parseInt(raw, 16) >>> 0;
        break;
      case 'mode':
        spec.mode = (raw ?? '').replace(/"/g, '').trim().toUpperCase();
        break;
      default:
        break; // append, layers, port, source and vendor extensions: not used by this server
    }
  }
  return spec;
}

/** Formats a transport-spec for the SETUP reply, parameters in the order of RFC 2326 §12.39. */
export function formatTransport(spec: TransportSpec): string {
  const lower = spec.lowerTransport.toUpperCase();
  const parts = [lower === 'UDP' ? spec.profile : `${spec.profile}/${lower}`];
  if (spec.delivery) parts.push(spec.delivery);
  if (spec.destination) parts.push(`destination=${spec.destination}`);
  if (spec.interleaved) parts.push(`interleaved=${spec.interleaved[0]}-${spec.interleaved[1]}`);
  if (spec.ttl !== undefined) parts.push(`ttl=${spec.ttl}`);
  if (spec.clientPort) parts.push(`client_port=${spec.clientPort[0]}-${spec.clientPort[1]}`);
  if (spec.serverPort) parts.push(`server_port=${spec.serverPort[0]}-${spec.serverPort[1]}`);
  if (spec.ssrc !== undefined) parts.push(`ssrc=${(spec.ssrc >>> 0).toString(16).toUpperCase().padStart(8, '0')}`);
  if (spec.mode) parts.push(`mode="${spec.mode}"`);
  return parts.join(';');
}

function parsePair(raw: string | undefined, key: string, max: number): PortPair {
  const m = raw === undefined ? null : /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(raw);
  if (!m) throw badRequest(`bad ${key} "${raw ?? ''}"`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a + 1 : Number(m[2]);
  if (a > max || b > max) throw badRequest(`${key} out of range "${raw ?? ''}"`);
  return [a, b];
}

function parseInteger(raw: string | undefined, key: string, max: number): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw) || Number(raw) > max) throw badRequest(`bad ${key} "${raw ?? ''}"`);
  return Number(raw);
}

/** Session header (RFC 2326 §12.37): `id[;timeout=N]`; spaces around `;` and `=` are tolerated. */
export interface SessionHeader {
  id: string;
  timeoutS?: number;
}

export function parseSession(value: string): SessionHeader {
  const [idPart, ...params] = value.split(';');
  const id = idPart.trim();
  // session-id = 1*( ALPHA | DIGIT | safe ) (RFC 2326 §3.4), at least 8 octets; shorter ones are tolerated.
  if (!/^[A-Za-z0-9$\-_.+]+$/.test(id)) throw badRequest(`bad Session "${value}"`);
  const header: SessionHeader = { id };
  for (const param of params) {
    const m = /^\s*timeout\s*=\s*(\d{1,9})\s*$/i.exec(param);
    if (m) header.timeoutS = Number(m[1]);
  }
  return header;
}

export function formatSession(header: SessionHeader): string {
  return header.timeoutS === undefined ? header.id : `${header.id};timeout=${header.timeoutS}`;
}

/** Range header (RFC 2326 §12.29); only NPT (§3.6) is interpreted, other units are kept as text. */
export type RangeHeader =
  | { unit: 'npt'; start: number | 'now'; end?: number }
  | { unit: 'clock' | 'smpte'; text: string };

/** Returns undefined for a Range this server cannot read; a live stream ignores it anyway. */
export function parseRange(value: string): RangeHeader | undefined {
  const [spec] = value.split(';');
  const eq = spec.indexOf('=');
  if (eq === -1) return undefined;
  const unit = spec.slice(0, eq).trim().toLowerCase();
  const text = spec.slice(eq + 1).trim();
  if (unit === 'clock' || unit === 'smpte' || unit.startsWith('smpte-')) return { unit: unit === 'clock' ? 'clock' : 'smpte', text };
  if (unit !== 'npt') return undefined;
  const m = /^([^-]*)-(.*)$/.exec(text);
  if (!m) return undefined;
  const start = m[1].trim() === '' ? 0 : m[1].trim() === 'now' ? 'now' : parseNptTime(m[1].trim());
  const end = m[2].trim() === '' ? undefined : parseNptTime(m[2].trim());
  if (start === undefined || (m[2].trim() !== '' && end === undefined)) return undefined;
  return end === undefined ? { unit: 'npt', start } : { unit: 'npt', start, end };
}

/** npt-sec = 1*DIGIT [ "." *DIGIT ] | npt-hhmmss = npt-hh ":" npt-mm ":" npt-ss [ "." *DIGIT ] */
function parseNptTime(text: string): number | undefined {
  let m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (m) return Number(`${m[1]}.${m[2] || '0'}`);
  m = /^(\d+):([0-5]\d):([0-5]\d)(?:\.(\d*))?$/.exec(text);
  if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(`${m[3]}.${m[4] || '0'}`);
  return undefined;
}

/** `npt=0.000-` for an open-ended range; times with three decimals. */
export function formatRange(range: { start: number | 'now'; end?: number }): string {
  const start = range.start === 'now' ? 'now' : range.start.toFixed(3);
  return `npt=${start}-${range.end === undefined ? '' : range.end.toFixed(3)}`;
}

/** One stream of an RTP-Info header (RFC 2326 §12.33). */
export interface RtpInfoEntry {
  url: string;
  seq?: number;
  rtptime?: number;
}

export function formatRtpInfo(entries: readonly RtpInfoEntry[]): string {
  return entries
    .map((e) => {
      let s = `url=${e.url}`;
      if (e.seq !== undefined) s += `;seq=${e.seq}`;
      if (e.rtptime !== undefined) s += `;rtptime=${e.rtptime >>> 0}`;
      return s;
    })
    .join(',');
}

export function parseRtpInfo(value: string): RtpInfoEntry[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((stream) => {
      const entry: RtpInfoEntry = { url: '' };
      for (const param of stream.split(';')) {
        const eq = param.indexOf('=');
        if (eq === -1) continue;
        const key = param.slice(0, eq).trim().toLowerCase();
        const raw = param.slice(eq + 1).trim();
        if (key === 'url') entry.url = raw;
        else if (key === 'seq' && /^\d+$/.test(raw)) entry.seq = Number(raw);
        else if (key === 'rtptime' && /^\d+$/.test(raw)) entry.rtptime = Number(raw);
      }
      if (!entry.url) throw badRequest(`RTP-Info without url "${stream}"`);
      return entry;
    });
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '"') quoted = !quoted;
    else if (!quoted && value[i] === separator) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

function badRequest(message: string): RtspError {
  return new RtspError(RtspStatus.BAD_REQUEST, message);
}
