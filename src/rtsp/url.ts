/**
 * Request-URI handling (RFC 2326 §3.2 rtsp URL, §6.1 Request-URI `*`). Only the path matters for
 * routing: clients reach the server under many host names (an IP, a DNS name, a NAT address), so
 * the host and port of the URI are never compared, and replies that carry a URL (Content-Base,
 * RTP-Info) are built from the URI the client itself sent.
 */

/** What a Request-URI addresses on a server that serves one stream at `mountPath`. */
export type RequestTarget =
  /** `*`: the server itself (RFC 2326 §6.1). */
  | { kind: 'any' }
  /** `rtsp://h:p` or `rtsp://h:p/`: no path (MPlayer's Real probe, docs/RTSP-CLIENTS.md §5). */
  | { kind: 'server' }
  /** The stream, with or without a trailing slash. */
  | { kind: 'aggregate' }
  /** `<stream>/<control>` of its only track. */
  | { kind: 'track' }
  | { kind: 'other'; path: string };

/** `/live` from `live`, `/live/`, `/live`; `/` stays `/`. */
export function normalizeMountPath(path: string): string {
  const trimmed = path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return `/${trimmed}`;
}

/**
 * The path of a Request-URI without query or fragment, or undefined when the URI is neither
 * absolute (`rtsp://`, `rtsps://`, `rtspu://`) nor an absolute path.
 */
export function uriPath(uri: string): string | undefined {
  let rest: string;
  const scheme = /^rtsp[su]?:\/\//i.exec(uri);
  if (scheme) {
    const afterScheme = uri.slice(scheme[0].length);
    const slash = afterScheme.search(/[/?#]/);
    rest = slash === -1 ? '/' : afterScheme.slice(slash);
  } else if (uri.startsWith('/')) {
    rest = uri;
  } else {
    return undefined;
  }
  const cut = rest.search(/[?#]/);
  const path = cut === -1 ? rest : rest.slice(0, cut);
  return path.startsWith('/') ? path : `/${path}`;
}

/** Classifies a Request-URI against the mount path and the track's control attribute. */
export function classifyTarget(uri: string, mountPath: string, trackControl: string): RequestTarget {
  if (uri === '*') return { kind: 'any' };
  const path = uriPath(uri);
  if (path === undefined) return { kind: 'other', path: uri };
  const mount = normalizeMountPath(mountPath);
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === mount) return { kind: 'aggregate' };
  const trackPath = mount === '/' ? `/${trackControl}` : `${mount}/${trackControl}`;
  if (trimmed.toLowerCase() === trackPath.toLowerCase()) return { kind: 'track' };
  if (trimmed === '/' || trimmed === '') return { kind: 'server' };
  return { kind: 'other', path };
}

/** The aggregate URL with exactly one trailing slash, built from what the client sent. */
export function contentBase(uri: string): string {
  const cut = uri.search(/[?#]/);
  const bare = cut === -1 ? uri : uri.slice(0, cut);
  return `${bare.replace(/\/+$/, '')}/`;
}

/** The track URL that the client builds from Content-Base + relative control (RFC 2326 §C.1.1). */
export function trackUrl(aggregateUri: string, trackControl: string): string {
  return `${contentBase(aggregateUri)}${trackControl}`;
}

/** `rtsp://host:port/path`, with an IPv6 host in brackets (RFC 3986 §3.2.2). */
export function buildRtspUrl(host: string, port: number, path: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `rtsp://${h}:${port}${normalizeMountPath(path)}`;
}
