/**
 * HTTP Digest authentication for RTSP (RFC 2326 §14 refers to RFC 2617; MD5 as in RFC 2617 §3.2.2).
 *
 * The challenge offers no `qop`: live555-based players (VLC) and many cameras' clients compute the
 * RFC 2069-compatible response only, and RFC 2617 §3.2.2.1 keeps that form valid. A client that
 * answers with `qop=auth` anyway is verified with the qop formula.
 *
 * Nonces are stateful: random, remembered with the connection they were issued on, their expiry and
 * the highest nonce count (`nc`) seen. A header sniffed on the wire is worth nothing elsewhere: on
 * another connection its nonce is refused, its `uri=` must name the resource of the request it comes
 * with (RFC 2617 §3.2.2.5), and with `qop` its `nc` must grow (§3.2.2). Nonces are not single-use:
 * RFC 2069-style clients (live555, GStreamer, ffmpeg without qop) answer every request of a session
 * with the same nonce, and live555 gives up on a 401 that is not marked stale. A correct answer with
 * a nonce that is expired, forgotten or from another connection gets a fresh challenge with
 * `stale=TRUE` (§3.2.1), on which every measured player retries without asking the user; a replayed
 * header gains nothing from it, a new answer needs the password. The store is bounded: a few nonces
 * per connection, forgotten when it closes, and a total cap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { RtspDefaults } from './defaults';

export interface DigestCredentials {
  username: string;
  password: string;
  realm?: string;
}

/** The fields of RFC 2617 §3.2.2 that enter the response hash. */
export interface DigestInput {
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** request-digest of RFC 2617 §3.2.2.1 (algorithm MD5, qop absent or "auth"). */
export function digestResponse(input: DigestInput): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  if (input.qop === 'auth' || input.qop === 'auth-int') {
    return md5(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
  }
  return md5(`${ha1}:${input.nonce}:${ha2}`);
}

/**
 * Parses an Authorization or WWW-Authenticate value: `Digest k=v, k="v", ...`.
 * Returns undefined for anything that is not a well-formed challenge/credentials string.
 */
export function parseAuthParams(value: string): { scheme: string; params: Map<string, string> } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9-]*)\s+(.*)$/s.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  const rest = m[2];
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < rest.length && (match = re.exec(rest)) !== null) {
    params.set(match[1].toLowerCase(), match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]);
    consumed = re.lastIndex;
    if (match[0].length === 0) break;
  }
  if (rest.slice(consumed).trim() !== '') return undefined;
  return { scheme: m[1].toLowerCase(), params };
}

export type AuthResult = { ok: true } | { ok: false; stale: boolean; reason: string };

export interface DigestAuthenticatorOptions extends DigestCredentials {
  /** How long a nonce is valid (RtspDefaults.nonceLifetimeMs). */
  nonceLifetimeMs?: number;
  /** Nonces remembered in all, the oldest forgotten first (RtspDefaults.maxNonces). */
  maxNonces?: number;
  /** Nonces remembered per connection, its oldest forgotten first (RtspDefaults.noncesPerConnection). */
  noncesPerConnection?: number;
  now?: () => number;
}

/** Where a request came from: what its credentials are checked against. */
export interface DigestContext {
  /** The Request-URI: the digest's `uri=` must name the same resource (RFC 2617 §3.2.2.5). */
  uri?: string;
  /** The connection it arrived on: a nonce is valid only on the connection it was issued on. */
  connection?: number;
}

interface NonceState {
  connection: number | undefined;
  expiresMs: number;
  /** Highest nonce count accepted (qop answers only). */
  nc: number;
}

/** Issues challenges and checks Authorization headers for one set of credentials. */
export class DigestAuthenticator {
  readonly realm: string;
  private readonly username: string;
  private readonly password: string;
  private readonly lifetimeMs: number;
  private readonly maxNonces: number;
  private readonly perConnection: number;
  private readonly now: () => number;
  /** In issue order, which is expiry order: the oldest first. */
  private readonly nonces = new Map<string, NonceState>();
  private readonly byConnection = new Map<number, string[]>();

  constructor(options: DigestAuthenticatorOptions) {
    this.username = options.username;
    this.password = options.password;
    this.realm = options.realm ?? RtspDefaults.realm;
    this.lifetimeMs = options.nonceLifetimeMs ?? RtspDefaults.nonceLifetimeMs;
    this.maxNonces = Math.max(1, options.maxNonces ?? RtspDefaults.maxNonces);
    this.perConnection = Math.max(1, options.noncesPerConnection ?? RtspDefaults.noncesPerConnection);
    this.now = options.now ?? Date.now;
  }

  /** Nonces remembered now (bounded by maxNonces). */
  get nonceCount(): number {
    return this.nonces.size;
  }

  /**
   * The WWW-Authenticate value of a 401 reply, with a new nonce for `connection`. The stale form is
   * `Digest realm="…", nonce="…", stale=TRUE` in exactly this order and without `algorithm` (MD5 is
   * the default, RFC 2617 §3.2.1): live555 reads stale only in that shape (its RTSPClient
   * handleAuthenticationFailure), and without it VLC would not retry.
   */
  challenge(stale = false, connection?: number): string {
    const quotedRealm = this.realm.replace(/["\\]/g, '\\$&');
    const head = `Digest realm="${quotedRealm}", nonce="${this.issue(connection)}"`;
    return stale ? `${head}, stale=TRUE` : `${head}, algorithm=MD5`;
  }

  /** Checks the Authorization header of a request with this method, from `context`. */
  verify(method: string, authorization: string | undefined, context: DigestContext = {}): AuthResult {
    if (authorization === undefined) return { ok: false, stale: false, reason: 'no credentials' };
    const parsed = parseAuthParams(authorization);
    if (!parsed || parsed.scheme !== 'digest') return { ok: false, stale: false, reason: 'not Digest credentials' };
    const p = parsed.params;
    const username = p.get('username');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined) {
      return { ok: false, stale: false, reason: 'incomplete Digest credentials' };
    }
    const algorithm = p.get('algorithm');
    if (algorithm !== undefined && algorithm.toUpperCase() !== 'MD5') return { ok: false, stale: false, reason: `algorithm ${algorithm}` };
    if (p.get('realm') !== this.realm) return { ok: false, stale: false, reason: 'wrong realm' };
    if (context.uri !== undefined && resourceOf(uri) !== resourceOf(context.uri)) {
      return { ok: false, stale: false, reason: `digest uri "${uri}" is not the request's` };
    }
    const qop = p.get('qop');
    const expected = digestResponse({
      username: this.username,
      realm: this.realm,
      password: this.password,
      method,
      uri,
      nonce,
      qop,
      nc: p.get('nc'),
      cnonce: p.get('cnonce'),
    });
    if (!safeEqual(username, this.username) || !safeEqual(response.toLowerCase(), expected)) {
      return { ok: false, stale: false, reason: `wrong credentials for user "${username}"` };
    }
    // The answer is right for its nonce; the nonce must still be ours, alive and of this connection.
    // Otherwise ask again without prompting the user (RFC 2617 §3.2.1 stale).
    const state = this.nonces.get(nonce);
    if (!state) return { ok: false, stale: true, reason: 'unknown or forgotten nonce' };
    if (state.expiresMs < this.now()) {
      this.forgetNonce(nonce);
      return { ok: false, stale: true, reason: 'nonce expired' };
    }
    if (state.connection !== context.connection) return { ok: false, stale: true, reason: 'nonce issued on another connection' };
    if (qop !== undefined) {
      const ncText = p.get('nc') ?? '';
      const nc = /^[0-9a-f]{8}$/i.test(ncText) ? parseInt(ncText, 16) : 0;
      if (nc <= state.nc) return { ok: false, stale: true, reason: `nonce count ${ncText || 'missing'} not above ${state.nc} (a replay?)` };
      state.nc = nc;
    }
    return { ok: true };
  }

  /** Forgets the nonces issued on a connection (it closed). */
  forget(connection: number): void {
    for (const nonce of this.byConnection.get(connection) ?? []) this.nonces.delete(nonce);
    this.byConnection.delete(connection);
  }

  private issue(connection: number | undefined): string {
    const now = this.now();
    for (const [nonce, state] of this.nonces) {
      if (state.expiresMs >= now) break;
      this.forgetNonce(nonce);
    }
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, { connection, expiresMs: now + this.lifetimeMs, nc: 0 });
    if (connection !== undefined) {
      const own = this.byConnection.get(connection) ?? [];
      own.push(nonce);
      this.byConnection.set(connection, own);
      if (own.length > this.perConnection) this.forgetNonce(own[0]);
    }
    if (this.nonces.size > this.maxNonces) this.forgetNonce(this.nonces.keys().next().value as string);
    return nonce;
  }

  private forgetNonce(nonce: string): void {
    const state = this.nonces.get(nonce);
    if (!state) return;
    this.nonces.delete(nonce);
    if (state.connection === undefined) return;
    const own = this.byConnection.get(state.connection);
    if (!own) return;
    const i = own.indexOf(nonce);
    if (i >= 0) own.splice(i, 1);
    if (own.length === 0) this.byConnection.delete(state.connection);
  }
}

/** The resource a URI names: path and query without scheme and host (`*` stays `*`). */
function resourceOf(uri: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(uri);
  const rest = m ? m[1] : uri;
  return rest === '' ? '/' : rest;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
