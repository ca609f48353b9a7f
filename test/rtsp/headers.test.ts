import { strict as assert } from 'node:assert';
import { RtspError } from '../../src/errors';
import {
  formatRange,
  formatRtpInfo,
  formatSession,
  formatTransport,
  parseRange,
  parseRtpInfo,
  parseSession,
  parseTransport,
  type TransportSpec,
} from '../../src/rtsp/headers';

describe('rtsp/headers Transport (RFC 2326 §12.39)', () => {
  // One table drives parse and format: `canonical` is what formatTransport writes for the parsed spec.
  const CASES: Array<{ name: string; value: string; spec: TransportSpec; canonical: string }> = [
    {
      name: 'ffmpeg UDP',
      value: 'RTP/AVP/UDP;unicast;client_port=5000-5001',
      spec: { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'unicast', clientPort: [5000, 5001] },
      canonical: 'RTP/AVP;unicast;client_port=5000-5001',
    },
    {
      name: 'GStreamer UDP',
      value: 'RTP/AVP;unicast;client_port=40366-40367',
      spec: { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'unicast', clientPort: [40366, 40367] },
      canonical: 'RTP/AVP;unicast;client_port=40366-40367',
    },
    {
      name: 'TCP interleaved',
      value: 'RTP/AVP/TCP;unicast;interleaved=0-1',
      spec: { profile: 'RTP/AVP', lowerTransport: 'TCP', delivery: 'unicast', interleaved: [0, 1] },
      canonical: 'RTP/AVP/TCP;unicast;interleaved=0-1',
    },
    {
      name: 'server reply with ssrc and mode',
      value: 'RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=0000BEEF;mode="PLAY"',
      spec: {
        profile: 'RTP/AVP',
        lowerTransport: 'UDP',
        delivery: 'unicast',
        clientPort: [5000, 5001],
        serverPort: [6970, 6971],
        ssrc: 0xbeef,
        mode: 'PLAY',
      },
      canonical: 'RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=0000BEEF;mode="PLAY"',
    },
    {
      name: 'multicast with ttl, lone port, lower case',
      value: 'rtp/avp;multicast;destination=224.2.0.1;ttl=16;client_port=3456',
      spec: { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'multicast', destination: '224.2.0.1', ttl: 16, clientPort: [3456, 3457] },
      canonical: 'RTP/AVP;multicast;destination=224.2.0.1;ttl=16;client_port=3456-3457',
    },
    {
      name: 'SAT>IP style (unknown parameters ignored)',
      value: 'RTP/AVP;unicast;client_port=1400-1401;x-vendor=1',
      spec: { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'unicast', clientPort: [1400, 1401] },
      canonical: 'RTP/AVP;unicast;client_port=1400-1401',
    },
  ];
  for (const c of CASES) {
    it(`parses and formats ${c.name}`, () => {
      const [spec] = parseTransport(c.value);
      assert.deepEqual(spec, c.spec);
      assert.equal(formatTransport(spec), c.canonical);
      assert.deepEqual(parseTransport(formatTransport(spec)), [c.spec]);
    });
  }

  it('keeps the client order of several specs, with commas inside quotes', () => {
    const specs = parseTransport('RTP/AVP/TCP;unicast;interleaved=2-3;mode="PLAY,RECORD", RTP/AVP;unicast;client_port=1-2');
    assert.deepEqual(
      specs.map((s) => [s.lowerTransport, s.mode]),
      [['TCP', 'PLAY,RECORD'], ['UDP', undefined]],
    );
  });

  it('keeps unknown protocols for the caller to answer 461', () => {
    assert.deepEqual(parseTransport('MP2T/H2221/UDP;unicast;client_port=1-2')[0].profile, 'MP2T/H2221');
  });

  const MALFORMED = [
    '',
    'RTP',
    'RTP/AVP;client_port=a-b',
    'RTP/AVP;client_port=70000-70001',
    'RTP/AVP/TCP;interleaved=256-257',
    'RTP/AVP;ssrc=XYZ',
    'RTP/AVP;ttl=-1',
  ];
  for (const bad of MALFORMED) {
    it(`refuses ${JSON.stringify(bad)} with 400`, () => {
      assert.throws(() => parseTransport(bad), (e: unknown) => e instanceof RtspError && e.status === 400);
    });
  }
});

describe('rtsp/headers Session (RFC 2326 §12.37)', () => {
  const CASES: Array<[string, { id: string; timeoutS?: number }]> = [
    ['1f2e3d4c5b6a7988', { id: '1f2e3d4c5b6a7988' }],
    ['1f2e3d4c5b6a7988;timeout=60', { id: '1f2e3d4c5b6a7988', timeoutS: 60 }],
    [' abc.DEF-1 ; timeout = 10 ', { id: 'abc.DEF-1', timeoutS: 10 }], // live555 parses flexible spaces
    ['12345678;foo=bar', { id: '12345678' }],
  ];
  for (const [value, expected] of CASES) {
    it(`parses ${JSON.stringify(value)}`, () => assert.deepEqual(parseSession(value), expected));
  }

  it('formats with and without timeout', () => {
    assert.equal(formatSession({ id: 'ab12', timeoutS: 60 }), 'ab12;timeout=60');
    assert.equal(formatSession({ id: 'ab12' }), 'ab12');
  });

  it('refuses an empty or unsafe id with 400', () => {
    for (const bad of ['', ';timeout=5', 'a b', 'a"b']) {
      assert.throws(() => parseSession(bad), (e: unknown) => e instanceof RtspError && e.status === 400, bad);
    }
  });
});

describe('rtsp/headers Range (RFC 2326 §12.29, §3.6)', () => {
  const CASES: Array<[string, ReturnType<typeof parseRange>]> = [
    ['npt=0.000-', { unit: 'npt', start: 0 }], // ffmpeg
    ['npt=0-', { unit: 'npt', start: 0 }], // GStreamer
    ['npt=now-', { unit: 'npt', start: 'now' }],
    ['npt=10-20.5', { unit: 'npt', start: 10, end: 20.5 }],
    ['npt=1:02:03.5-', { unit: 'npt', start: 3723.5 }],
    ['npt=-5', { unit: 'npt', start: 0, end: 5 }],
    ['clock=19961108T143720.25Z-', { unit: 'clock', text: '19961108T143720.25Z-' }],
    ['smpte=10:07:00-10:07:33:05.01', { unit: 'smpte', text: '10:07:00-10:07:33:05.01' }],
    ['npt=abc-', undefined],
    ['bytes=0-', undefined],
    ['garbage', undefined],
  ];
  for (const [value, expected] of CASES) {
    it(`parses ${JSON.stringify(value)}`, () => assert.deepEqual(parseRange(value), expected));
  }

  it('formats an open range as npt=0.000-', () => {
    assert.equal(formatRange({ start: 0 }), 'npt=0.000-');
    assert.equal(formatRange({ start: 'now' }), 'npt=now-');
    assert.equal(formatRange({ start: 1.5, end: 8 }), 'npt=1.500-8.000');
  });
});

describe('rtsp/headers RTP-Info (RFC 2326 §12.33)', () => {
  it('round-trips a stream entry', () => {
    const value = formatRtpInfo([{ url: 'rtsp://127.0.0.1:8554/live/trackID=0', seq: 12345, rtptime: 4294967295 }]);
    assert.equal(value, 'url=rtsp://127.0.0.1:8554/live/trackID=0;seq=12345;rtptime=4294967295');
    assert.deepEqual(parseRtpInfo(value), [{ url: 'rtsp://127.0.0.1:8554/live/trackID=0', seq: 12345, rtptime: 4294967295 }]);
  });

  it('parses several streams and optional fields', () => {
    assert.deepEqual(parseRtpInfo('url=rtsp://a/t1;seq=1, url=rtsp://a/t2;rtptime=7'), [
      { url: 'rtsp://a/t1', seq: 1 },
      { url: 'rtsp://a/t2', rtptime: 7 },
    ]);
    assert.throws(() => parseRtpInfo('seq=1'), RtspError);
  });
});
