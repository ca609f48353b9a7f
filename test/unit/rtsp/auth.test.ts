import { strict as assert } from 'node:assert';
import { DigestAuthenticator, digestResponse, parseAuthParams } from '../../../src/rtsp/auth';

/** The worked example of RFC 2617 §3.5. */
const RFC2617 = {
  username: 'Mufasa',
  realm: 'testrealm@host.com',
  password: 'Circle Of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  qop: 'auth',
  nc: '00000001',
  cnonce: '0a4f113b',
};

function credentials(a: DigestAuthenticator, nonce: string, method: string, fields: Partial<Record<string, string>> = {}): string {
  const uri = fields.uri ?? 'rtsp://127.0.0.1:8554/live/';
  const response = digestResponse({ username: 'admin', realm: a.realm, password: fields.password ?? 'secret', method, uri, nonce, ...fields });
  return `Digest username="${fields.username ?? 'admin'}", realm="${a.realm}", nonce="${nonce}", uri="${uri}", response="${response}"` +
    (fields.qop ? `, qop=${fields.qop}, nc=${fields.nc}, cnonce="${fields.cnonce}"` : '');
}

function nonceOf(challenge: string): string {
  const parsed = parseAuthParams(challenge);
  assert.ok(parsed && parsed.scheme === 'digest');
  const nonce = parsed.params.get('nonce');
  assert.ok(nonce);
  return nonce;
}

describe('rtsp/auth Digest (RFC 2617)', () => {
  it('computes the response of the RFC 2617 §3.5 example', () => {
    assert.equal(digestResponse(RFC2617), '6629fae49393a05397450978507c4ef1');
  });

  it('parses the RFC 2617 §3.5 Authorization header', () => {
    const parsed = parseAuthParams(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
        'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    assert.ok(parsed);
    assert.equal(parsed.scheme, 'digest');
    assert.equal(parsed.params.get('username'), 'Mufasa');
    assert.equal(parsed.params.get('nc'), '00000001');
    assert.equal(parsed.params.get('response'), '6629fae49393a05397450978507c4ef1');
    assert.equal(parseAuthParams('Digest username="a", oops'), undefined);
    assert.equal(parseAuthParams(''), undefined);
  });

  it('challenges with realm, nonce and MD5, and accepts the RFC 2069-compatible answer (live555)', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret', realm: 'cam' });
    const challenge = a.challenge();
    assert.match(challenge, /^Digest realm="cam", nonce="[0-9a-f]+", algorithm=MD5$/);
    assert.deepEqual(a.verify('DESCRIBE', credentials(a, nonceOf(challenge), 'DESCRIBE')), { ok: true });
  });

  it('accepts a qop=auth answer (ffmpeg)', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret' });
    const nonce = nonceOf(a.challenge());
    assert.deepEqual(a.verify('SETUP', credentials(a, nonce, 'SETUP', { qop: 'auth', nc: '00000001', cnonce: 'abcdef' })), { ok: true });
  });

  it('refuses a wrong password, user, method, forged nonce and no credentials', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret' });
    const nonce = nonceOf(a.challenge());
    assert.deepEqual(a.verify('PLAY', credentials(a, nonce, 'PLAY', { password: 'nope' })), {
      ok: false,
      stale: false,
      reason: 'wrong credentials for user "admin"',
    });
    assert.equal(a.verify('PLAY', credentials(a, nonce, 'PLAY', { username: 'root' })).ok, false);
    assert.equal(a.verify('TEARDOWN', credentials(a, nonce, 'PLAY')).ok, false);
    // forged: the last hex digit changed (setting it to a fixed digit left it unchanged 1 time in 16)
    const forged = `${nonce.slice(0, -1)}${nonce.endsWith('0') ? '1' : '0'}`;
    assert.equal(a.verify('PLAY', credentials(a, forged, 'PLAY')).ok, false);
    assert.equal(a.verify('PLAY', undefined).ok, false);
    assert.equal(a.verify('PLAY', 'Basic YWRtaW46c2VjcmV0').ok, false);
  });

  it('marks a correct answer with an expired nonce stale (RFC 2617 §3.2.1)', () => {
    let now = 1_000_000;
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret', nonceLifetimeMs: 1000, now: () => now });
    const nonce = nonceOf(a.challenge());
    now += 1001;
    assert.deepEqual(a.verify('PLAY', credentials(a, nonce, 'PLAY')), { ok: false, stale: true, reason: 'nonce expired' });
    assert.match(a.challenge(true), /stale=TRUE$/);
  });
});
