/**
 * HTTP Digest authentication for RTSP (RFC 2326 §14 refers to RFC 2617; MD5 as in RFC 2617 §3.2.2).
 *
 * The challenge offers no `qop`: live555-based players (VLC) and many cameras' clients compute the
 * RFC 2069-compatible response only, and RFC 2617 §3.2.2.1 keeps that form valid. A client that
 * answers with `qop=auth` anyway is verified with the qop formula. Nonces are stateless: the expiry
 * time plus an HMAC of it under a per-server secret, so nothing is stored per client and an expired
 * nonce is told apart from a forged one (it gets a fresh challenge with `stale=TRUE`, §3.2.1).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';
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
  nonceLifetimeMs?: number;
  now?: () => number;
}

/** Issues challenges and checks Authorization headers for one set of credentials. */
export class DigestAuthenticator {
  readonly realm: string;
  private readonly username: string;
  private readonly password: string;
  private readonly lifetimeMs: number;
  private readonly now: () => number;
  private readonly secret = randomBytes(32);

  constructor(options: DigestAuthenticatorOptions) {
    this.username = options.username;
    this.password = options.password;
    this.realm = options.realm ?? RtspDefaults.realm;
    this.lifetimeMs = options.nonceLifetimeMs ?? RtspDefaults.nonceLifetimeMs;
    this.now = options.now ?? Date.now;
  }

  /** The WWW-Authenticate value of a 401 reply. */
  challenge(stale = false): string {
    const quotedRealm = this.realm.replace(/["\\]/g, '\\$&');
    return `Digest realm="${quotedRealm}", nonce="${this.createNonce()}", algorithm=MD5${stale ? ', stale=TRUE' : ''}`;
  }

  /** Checks the Authorization header of a request with this method. */
  verify(method: string, authorization: string | undefined): AuthResult {
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
    const nonceState = this.checkNonce(nonce);
    if (nonceState === 'forged') return { ok: false, stale: false, reason: 'unknown nonce' };
    const expected = digestResponse({
      username: this.username,
      realm: this.realm,
      password: this.password,
      method,
      uri,
      nonce,
      qop: p.get('qop'),
      nc: p.get('nc'),
      cnonce: p.get('cnonce'),
    });
    if (!safeEqual(username, this.username) || !safeEqual(response.toLowerCase(), expected)) {
      return { ok: false, stale: false, reason: `wrong credentials for user "${username}"` };
    }
    // Right password, old nonce: ask again without prompting the user (RFC 2617 §3.2.1 stale).
    if (nonceState === 'expired') return { ok: false, stale: true, reason: 'nonce expired' };
    return { ok: true };
  }

  private createNonce(): string {
    const expiry = Math.floor(this.now() + this.lifetimeMs).toString(16);
    return `${expiry}${this.sign(expiry)}`;
  }

  private checkNonce(nonce: string): 'valid' | 'expired' | 'forged' {
    const m = /^([0-9a-f]{1,13})([0-9a-f]{32})$/.exec(nonce);
    if (!m || !safeEqual(m[2], this.sign(m[1]))) return 'forged';
    return parseInt(m[1], 16) < this.now() ? 'expired' : 'valid';
  }

  private sign(expiryHex: string): string {
    return createHmac('sha256', this.secret).update(expiryHex).digest('hex').slice(0, 32);
  }
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
