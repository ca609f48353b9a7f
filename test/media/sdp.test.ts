/**
 * buildSdp (RFC 4566, RFC 6184 §8.2.1): the exact text players read, line by line in RFC 4566 §5
 * order, for the RTSP server (docs/RTSP-CLIENTS.md §7) and for the plain RTP relay (§6).
 */
import * as assert from 'node:assert/strict';
import { BadInputError } from '../../src/errors';
import { buildSdp, type SdpOptions } from '../../src/media/sdp';
import { loadClip } from '../helpers/clip';

const SPROP = 'Z0LAHtkBQfsBEAAAAwAQAAADAeDxYuSA,aMuMsg==';

const RTSP: SdpOptions = {
  sessionId: 1234,
  sessionVersion: 5,
  originAddress: '127.0.0.1',
  connectionAddress: '0.0.0.0',
  sessionName: 'actioncam',
  port: 0,
  payloadType: 96,
  parameterSets: loadClip().parameterSets,
  control: true,
  framerate: 15,
  tool: 'node-red-actioncam',
};

const lines = (sdp: string): string[] => sdp.split('\r\n');

describe('rtsp/sdp', () => {
  it('describes an RTSP stream with every line players need, in order', () => {
    assert.deepEqual(lines(buildSdp(RTSP)), [
      'v=0',
      'o=- 1234 5 IN IP4 127.0.0.1',
      's=actioncam',
      'c=IN IP4 0.0.0.0',
      't=0 0',
      'a=tool:node-red-actioncam',
      'a=control:*',
      'm=video 0 RTP/AVP 96',
      'a=rtpmap:96 H264/90000',
      `a=fmtp:96 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP}`,
      'a=control:trackID=0',
      'a=framerate:15',
      '', // the last line ends in CRLF too
    ]);
  });

  it('describes a plain RTP relay: destination in c=, port in m=, no control lines', () => {
    const sdp = buildSdp({
      sessionId: 1,
      originAddress: '127.0.0.1',
      connectionAddress: '127.0.0.1',
      sessionName: 'cam',
      port: 5004,
      payloadType: 97,
      parameterSets: loadClip().parameterSets,
    });
    assert.equal(
      sdp,
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=cam\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
        'm=video 5004 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\n' +
        `a=fmtp:97 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP}\r\n`,
    );
  });

  it('leaves profile-level-id and sprop out until the parameter sets are known', () => {
    const sdp = buildSdp({ ...RTSP, parameterSets: undefined });
    assert.ok(lines(sdp).includes('a=fmtp:96 packetization-mode=1'));
    assert.ok(!sdp.includes('sprop'));
  });

  it('every line ends in CRLF and none is bare LF', () => {
    const sdp = buildSdp(RTSP);
    assert.ok(sdp.endsWith('\r\n'));
    assert.equal(sdp.split('\n').length, sdp.split('\r\n').length);
  });

  it('uses IP6 for IPv6 addresses', () => {
    const sdp = lines(buildSdp({ ...RTSP, originAddress: '::1', connectionAddress: '::' }));
    assert.equal(sdp[1], 'o=- 1234 5 IN IP6 ::1');
    assert.equal(sdp[3], 'c=IN IP6 ::');
  });

  it('writes a single space for an empty session name (RFC 4566 §5.3)', () => {
    assert.equal(lines(buildSdp({ ...RTSP, sessionName: '' }))[2], 's= ');
  });

  it('formats fractional frame rates with at most three decimals', () => {
    assert.ok(lines(buildSdp({ ...RTSP, framerate: 30000 / 1001 })).includes('a=framerate:29.97'));
  });

  it('draws a numeric session id from the injected random source when none is given', () => {
    const sdp = buildSdp({ ...RTSP, sessionId: undefined, random: () => 0.5 });
    assert.equal(lines(sdp)[1], `o=- ${2 ** 30} 5 IN IP4 127.0.0.1`);
  });

  const invalid: Array<[string, Partial<SdpOptions>]> = [
    ['a CRLF in the session name', { sessionName: 'a\r\nm=audio 0 RTP/AVP 0' }],
    ['a LF in the tool', { tool: 'x\ny' }],
    ['an empty connection address', { connectionAddress: '' }],
    ['a space in the origin address', { originAddress: '127.0.0.1 x' }],
    ['a non-numeric session id', { sessionId: 'abc' }],
    ['payload type 128', { payloadType: 128 }],
    ['port 65536', { port: 65536 }],
    ['framerate 0', { framerate: 0 }],
  ];
  for (const [name, patch] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => buildSdp({ ...RTSP, ...patch }), BadInputError);
    });
  }
});
