import { strict as assert } from 'node:assert';
import { BadInputError } from '../../src/errors';
import { encodeInterleaved, RequestParser, serializeResponse, type ParsedItem } from '../../src/rtsp/message';

/** Requests as real clients send them (docs/RTSP-CLIENTS.md §4-§5) and edge cases of RFC 2326 §6. */
const VALID: Array<{ name: string; raw: string; method: string; uri: string; headers: Record<string, string>; body?: string }> = [
  {
    name: 'ffmpeg OPTIONS',
    raw: 'OPTIONS rtsp://127.0.0.1:8554/live RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Lavf59.27.100\r\n\r\n',
    method: 'OPTIONS',
    uri: 'rtsp://127.0.0.1:8554/live',
    headers: { cseq: '1', 'user-agent': 'Lavf59.27.100' },
  },
  {
    name: 'GStreamer SETUP with Date',
    raw:
      'SETUP rtsp://127.0.0.1:8554/live/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n' +
      'Date: Tue, 24 Nov 2025 16:33:00 GMT\r\n\r\n',
    method: 'SETUP',
    uri: 'rtsp://127.0.0.1:8554/live/trackID=0',
    headers: { cseq: '3', transport: 'RTP/AVP;unicast;client_port=5000-5001', date: 'Tue, 24 Nov 2025 16:33:00 GMT' },
  },
  {
    name: 'MPlayer Real probe, path-less OPTIONS',
    raw:
      'OPTIONS rtsp://127.0.0.1:8554 RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: RealMedia Player Version 6.0.9.1235 (linux-2.0-libc6-i386-gcc2.95)\r\n' +
      'ClientChallenge: 9e26d33f2984236010ef6253fb1887f7\r\nCompanyID: KnKV4M4I/B2FjJ1TToLycw==\r\nGUID: 00000000-0000-0000-0000-000000000000\r\n\r\n',
    method: 'OPTIONS',
    uri: 'rtsp://127.0.0.1:8554',
    headers: { cseq: '1', companyid: 'KnKV4M4I/B2FjJ1TToLycw==' },
  },
  {
    name: 'SET_PARAMETER with a body',
    raw: 'SET_PARAMETER rtsp://h/live RTSP/1.0\r\nCSeq: 9\r\nContent-Type: text/parameters\r\nContent-Length: 12\r\n\r\nbarparam: 1\n',
    method: 'SET_PARAMETER',
    uri: 'rtsp://h/live',
    headers: { cseq: '9', 'content-length': '12' },
    body: 'barparam: 1\n',
  },
  {
    name: 'bare LF line ends, folded and repeated headers',
    raw: 'GET_PARAMETER * RTSP/1.0\nCSeq: 0\nX-Note: one\n  two\nAccept: a\nAccept: b\n\n',
    method: 'GET_PARAMETER',
    uri: '*',
    headers: { cseq: '0', 'x-note': 'one two', accept: 'a, b' },
  },
];

function requests(items: ParsedItem[]): Array<Extract<ParsedItem, { kind: 'request' }>['request']> {
  return items.flatMap((i) => (i.kind === 'request' ? [i.request] : []));
}

function feed(parser: RequestParser, bytes: Buffer, splits: number[]): ParsedItem[] {
  const out: ParsedItem[] = [];
  let from = 0;
  for (const at of [...splits, bytes.length]) {
    out.push(...parser.push(bytes.subarray(from, at)));
    from = at;
  }
  return out;
}

describe('rtsp/message RequestParser', () => {
  for (const c of VALID) {
    it(`parses ${c.name}, whole and split at every byte offset`, () => {
      const bytes = Buffer.from(c.raw, 'latin1');
      const check = (items: ParsedItem[], how: string): void => {
        assert.equal(items.length, 1, how);
        const [req] = requests(items);
        assert.ok(req, how);
        assert.equal(req.method, c.method, how);
        assert.equal(req.uri, c.uri, how);
        assert.equal(req.version, 'RTSP/1.0');
        for (const [k, v] of Object.entries(c.headers)) assert.equal(req.headers.get(k), v, `${how}: header ${k}`);
        assert.equal(req.body.toString('latin1'), c.body ?? '', how);
      };
      check(new RequestParser().push(bytes), 'whole');
      for (let at = 0; at <= bytes.length; at++) check(feed(new RequestParser(), bytes, [at]), `split at ${at}`);
      const p = new RequestParser();
      check(feed(p, bytes, Array.from({ length: bytes.length }, (_, i) => i)), 'byte by byte');
      assert.equal(p.buffered, 0);
    });
  }

  it('returns pipelined requests and interleaved frames in stream order, at every split', () => {
    const rtcp = Buffer.from([0x80, 0xc9, 0x00, 0x01, 1, 2, 3, 4]);
    const bytes = Buffer.concat([
      Buffer.from('GET_PARAMETER rtsp://h/live/ RTSP/1.0\r\nCSeq: 5\r\nSession: abc\r\n\r\n'),
      encodeInterleaved(1, [rtcp]),
      Buffer.from('\r\n'), // stray line end between messages
      encodeInterleaved(3, [Buffer.alloc(0)]),
      Buffer.from('TEARDOWN rtsp://h/live/ RTSP/1.0\r\nCSeq: 6\r\nSession: abc\r\n\r\n'),
    ]);
    for (let at = 0; at <= bytes.length; at++) {
      const items = feed(new RequestParser(), bytes, [at]);
      assert.deepEqual(
        items.map((i) => {
          if (i.kind === 'request') return `${i.request.method}/${i.request.headers.get('cseq')}`;
          return i.kind === 'interleaved' ? `$${i.frame.channel}:${i.frame.payload.length}` : 'error';
        }),
        ['GET_PARAMETER/5', '$1:8', '$3:0', 'TEARDOWN/6'],
        `split at ${at}`,
      );
      const frame = items[1];
      assert.ok(frame.kind === 'interleaved' && frame.frame.payload.equals(rtcp));
    }
  });

  it('returns at most maxItems per push and keeps the rest, whole, for the next (one request in flight)', () => {
    const rtcp = Buffer.from([0x80, 0xc9, 0x00, 0x01, 1, 2, 3, 4]);
    const bytes = Buffer.concat([
      Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n'),
      encodeInterleaved(1, [rtcp]),
      Buffer.from('BAD LINE\r\nCSeq: 2\r\nContent-Length: 3\r\n\r\nabc'),
      Buffer.from('SET_PARAMETER * RTSP/1.0\r\nCSeq: 3\r\nContent-Length: 2\r\n\r\nx\n'),
      Buffer.from('TEARDOWN * RTSP/1.0\r\nCSe'),
    ]);
    for (let at = 0; at <= bytes.length; at++) {
      const parser = new RequestParser();
      const seen: string[] = [];
      const label = (i: ParsedItem): string =>
        i.kind === 'request' ? `${i.request.method}/${i.request.body.length}` : i.kind === 'interleaved' ? `$${i.frame.channel}` : `error/${i.error.status}`;
      const drain = (chunk: Buffer): void => {
        let items = parser.push(chunk, 1);
        while (items.length > 0) {
          assert.equal(items.length, 1, `split at ${at}`);
          seen.push(label(items[0]));
          items = parser.push(Buffer.alloc(0), 1);
        }
      };
      drain(bytes.subarray(0, at));
      drain(bytes.subarray(at));
      assert.deepEqual(seen, ['OPTIONS/0', '$1', 'error/400', 'SET_PARAMETER/2'], `split at ${at}`);
      assert.ok(parser.partial, 'the TEARDOWN head is still incomplete');
      assert.deepEqual(parser.push(Buffer.from('q: 4\r\n\r\n'), 0), [], 'maxItems 0 only buffers');
      assert.equal(label(parser.push(Buffer.alloc(0), 1)[0]), 'TEARDOWN/0');
      assert.ok(!parser.partial);
    }
  });

  const MALFORMED: Array<{ name: string; raw: string; status: number; fatal: boolean; cseq?: string }> = [
    { name: 'garbage line', raw: 'HELLO\r\n\r\n', status: 400, fatal: false },
    { name: 'HTTP request', raw: 'GET / HTTP/1.1\r\nCSeq: 3\r\n\r\n', status: 400, fatal: false, cseq: '3' },
    { name: 'RTSP/2.0', raw: 'OPTIONS * RTSP/2.0\r\nCSeq: 4\r\n\r\n', status: 505, fatal: false, cseq: '4' },
    { name: 'header without colon', raw: 'OPTIONS * RTSP/1.0\r\nCSeq: 7\r\nbroken header\r\n\r\n', status: 400, fatal: false, cseq: '7' },
    { name: 'bad method token', raw: 'OP(TIONS * RTSP/1.0\r\nCSeq: 8\r\n\r\n', status: 400, fatal: false, cseq: '8' },
    {
      name: 'too many headers',
      raw: `OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n${Array.from({ length: 64 }, (_, i) => `X-${i}: ${i}\r\n`).join('')}\r\n`,
      status: 400,
      fatal: false,
      cseq: '2',
    },
    { name: 'non-numeric Content-Length', raw: 'SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1x\r\n\r\n', status: 400, fatal: true, cseq: '1' },
    { name: 'body over the limit', raw: 'SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 65537\r\n\r\n', status: 413, fatal: true, cseq: '1' },
    { name: 'request line over 2048 bytes', raw: `OPTIONS rtsp://h/${'a'.repeat(2100)}`, status: 414, fatal: true },
    { name: 'head over 16 KiB', raw: `OPTIONS * RTSP/1.0\r\n${'X-Long: b\r\n'.repeat(1700)}`, status: 400, fatal: true },
  ];
  for (const c of MALFORMED) {
    it(`refuses ${c.name} with ${c.status}${c.fatal ? ' (fatal)' : ', then parses the next request'}`, () => {
      const next = 'OPTIONS * RTSP/1.0\r\nCSeq: 99\r\n\r\n';
      const bytes = Buffer.from(c.raw + (c.fatal ? '' : next), 'latin1');
      for (const splits of [[], [Math.floor(bytes.length / 2)], [1, 2, 3]]) {
        const parser = new RequestParser();
        const items = feed(parser, bytes, splits);
        const error = items.find((i) => i.kind === 'error');
        assert.ok(error && error.kind === 'error', `an error item (splits ${splits})`);
        assert.equal(error.error.status, c.status);
        assert.equal(error.error.fatal, c.fatal);
        assert.equal(error.error.cseq, c.cseq);
        if (c.fatal) {
          assert.equal(parser.failed, true);
          assert.deepEqual(parser.push(Buffer.from(next)), [], 'nothing after a fatal error');
          assert.equal(parser.buffered, 0);
        } else {
          assert.deepEqual(requests(items).map((r) => r.headers.get('cseq')), ['99']);
        }
      }
    });
  }

  it('skips the body of a refused request that has one', () => {
    const raw = 'BAD LINE\r\nCSeq: 1\r\nContent-Length: 5\r\n\r\n12345OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n';
    const bytes = Buffer.from(raw);
    for (let at = 0; at <= bytes.length; at++) {
      const items = feed(new RequestParser(), bytes, [at]);
      assert.deepEqual(items.map((i) => i.kind), ['error', 'request'], `split at ${at}`);
    }
  });

  it('never throws on random input and never buffers past its limits', () => {
    let seed = 0x12345678;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = Buffer.from('OPTIONS RTSP/1.0\r\n:$ CSeq Content-Length 0123456789\x00\xff');
    for (let round = 0; round < 300; round++) {
      const parser = new RequestParser({ maxHeadBytes: 512, maxRequestLineBytes: 128, maxBodyBytes: 64 });
      for (let chunk = 0; chunk < 20; chunk++) {
        const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => alphabet[Math.floor(rand() * alphabet.length)]));
        assert.doesNotThrow(() => parser.push(bytes));
        assert.ok(parser.buffered <= 512 + 64 + 64 + 4 + 0xffff, `buffered ${parser.buffered}`);
      }
    }
  });
});

describe('rtsp/message serializeResponse', () => {
  it('writes the status line, headers in order and Content-Length for a body', () => {
    const bytes = serializeResponse({ status: 200, headers: [['CSeq', '2'], ['Content-Type', 'application/sdp']], body: 'v=0\r\n' });
    assert.equal(bytes.toString(), 'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n');
  });

  it('uses the RFC 2326 reason phrases and replaces CR/LF inside values', () => {
    assert.equal(
      serializeResponse({ status: 455, headers: [['CSeq', '1\r\nX-Injected: 1']] }).toString(),
      'RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: 1 X-Injected: 1\r\n\r\n',
    );
    assert.match(serializeResponse({ status: 461, headers: [] }).toString(), /^RTSP\/1\.0 461 Unsupported Transport\r\n\r\n$/);
  });
});

describe('rtsp/message encodeInterleaved', () => {
  it('frames each packet as $ channel length payload (RFC 2326 §10.12)', () => {
    const out = encodeInterleaved(2, [Buffer.from([1, 2, 3]), Buffer.from([4])]);
    assert.deepEqual([...out], [0x24, 2, 0, 3, 1, 2, 3, 0x24, 2, 0, 1, 4]);
  });

  it('refuses a packet longer than the 16-bit length field', () => {
    assert.throws(() => encodeInterleaved(0, [Buffer.alloc(0x10000)]), BadInputError);
  });
});
