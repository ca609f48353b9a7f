import { strict as assert } from 'node:assert';
import { DigestAuthenticator, digestResponse, parseAuthParams } from '../../src/rtsp/auth';

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

describe('rtsp/auth stateful nonces (issue 10 finding 7: replayed headers)', () => {
  const URI = 'rtsp://127.0.0.1:8554/live/';

  it('accepts one nonce for every request of its connection (RFC 2069 clients reuse it), on no other', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret' });
    const nonce = nonceOf(a.challenge(false, 1));
    for (const method of ['DESCRIBE', 'SETUP', 'PLAY', 'GET_PARAMETER', 'GET_PARAMETER']) {
      assert.deepEqual(a.verify(method, credentials(a, nonce, method), { uri: URI, connection: 1 }), { ok: true }, method);
    }
    // The same header on another connection: right password, wrong place. Stale, so a real client
    // would retry with a new nonce, which a replayer cannot answer.
    assert.deepEqual(a.verify('PLAY', credentials(a, nonce, 'PLAY'), { uri: URI, connection: 2 }), {
      ok: false,
      stale: true,
      reason: 'nonce issued on another connection',
    });
  });

  it("checks the digest's uri against the request's resource, whatever host spelling", () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret' });
    const nonce = nonceOf(a.challenge(false, 1));
    const header = credentials(a, nonce, 'DESCRIBE', { uri: 'rtsp://127.0.0.1:8554/live' });
    assert.deepEqual(a.verify('DESCRIBE', header, { uri: 'rtsp://localhost:8554/live', connection: 1 }), { ok: true });
    for (const uri of ['rtsp://127.0.0.1:8554/live/', 'rtsp://127.0.0.1:8554/live?x', 'rtsp://127.0.0.1:8554/other', '*']) {
      const result = a.verify('DESCRIBE', header, { uri, connection: 1 });
      assert.ok(!result.ok && !result.stale && /not the request's/.test(result.reason), uri);
    }
  });

  it('tracks nc for qop answers: a count that does not grow is a replay', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret' });
    const nonce = nonceOf(a.challenge(false, 7));
    const answer = (nc: string): string => credentials(a, nonce, 'SETUP', { qop: 'auth', nc, cnonce: 'abcdef' });
    const context = { uri: URI, connection: 7 };
    assert.deepEqual(a.verify('SETUP', answer('00000001'), context), { ok: true });
    assert.deepEqual(a.verify('SETUP', answer('00000002'), context), { ok: true });
    for (const nc of ['00000002', '00000001', 'zz']) {
      const result = a.verify('SETUP', answer(nc), context);
      assert.ok(!result.ok && result.stale && /nonce count/.test(result.reason), nc);
    }
    assert.deepEqual(a.verify('SETUP', answer('00000003'), context), { ok: true });
  });

  it('keeps a bounded number of nonces: a few per connection, a total cap, none of a closed connection', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret', noncesPerConnection: 2, maxNonces: 8 });
    const first = nonceOf(a.challenge(false, 1));
    for (let i = 0; i < 1000; i++) a.challenge(false, 1); // a client that collects 401s
    assert.equal(a.nonceCount, 2);
    assert.equal(a.verify('PLAY', credentials(a, first, 'PLAY'), { connection: 1 }).ok, false, 'the oldest is forgotten');
    for (let c = 2; c < 100; c++) a.challenge(false, c);
    assert.equal(a.nonceCount, 8);
    const latest = nonceOf(a.challenge(false, 100));
    a.forget(100);
    assert.deepEqual(a.verify('PLAY', credentials(a, latest, 'PLAY'), { connection: 100 }), {
      ok: false,
      stale: true,
      reason: 'unknown or forgotten nonce',
    });
  });

  it('writes the stale challenge in the one shape live555 (VLC) reads: realm, nonce, stale, nothing else', () => {
    const a = new DigestAuthenticator({ username: 'admin', password: 'secret', realm: 'cam' });
    assert.match(a.challenge(true, 1), /^Digest realm="cam", nonce="[0-9a-f]{32}", stale=TRUE$/);
    assert.match(a.challenge(false, 1), /^Digest realm="cam", nonce="[0-9a-f]{32}", algorithm=MD5$/);
  });
});
