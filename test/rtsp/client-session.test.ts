import { strict as assert } from 'node:assert';
import { RtspError } from '../../src/errors';
import { ClientSession, type ClientSessionState, type SessionMethod } from '../../src/rtsp/client-session';

const UDP = { kind: 'udp', address: '127.0.0.1', clientPorts: [5000, 5001], serverPorts: [6970, 6971] } as const;

function sessionIn(state: ClientSessionState): ClientSession {
  const s = new ClientSession({ id: 'abcdef0123456789', remote: '127.0.0.1:1', connectionId: 1, timeoutS: 60, now: 0 });
  if (state === 'init') return s;
  s.setup(UDP);
  if (state === 'playing') s.apply('PLAY');
  if (state === 'closed') s.close();
  return s;
}

describe('rtsp/client-session state machine (RFC 2326 Appendix A.2)', () => {
  // Expected next state, or 455 when the guard refuses. One row per method, one column per state.
  const TABLE: Record<SessionMethod, Record<ClientSessionState, ClientSessionState | 455>> = {
    SETUP: { init: 'ready', ready: 'ready', playing: 455, closed: 455 },
    PLAY: { init: 455, ready: 'playing', playing: 'playing', closed: 455 },
    PAUSE: { init: 455, ready: 'ready', playing: 'ready', closed: 455 },
    RECORD: { init: 455, ready: 'ready', playing: 'playing', closed: 455 },
    TEARDOWN: { init: 'closed', ready: 'closed', playing: 'closed', closed: 455 },
    GET_PARAMETER: { init: 'init', ready: 'ready', playing: 'playing', closed: 455 },
    SET_PARAMETER: { init: 'init', ready: 'ready', playing: 'playing', closed: 455 },
    OPTIONS: { init: 'init', ready: 'ready', playing: 'playing', closed: 455 },
  };
  for (const [method, row] of Object.entries(TABLE) as Array<[SessionMethod, Record<ClientSessionState, ClientSessionState | 455>]>) {
    for (const [state, expected] of Object.entries(row) as Array<[ClientSessionState, ClientSessionState | 455]>) {
      it(`${method} in ${state} -> ${expected}`, () => {
        const s = sessionIn(state);
        const run = (): void => (method === 'SETUP' ? s.setup(UDP) : s.apply(method));
        if (expected === 455) {
          assert.throws(run, (e: unknown) => e instanceof RtspError && e.status === 455 && e.message.includes(state));
          assert.equal(s.state, state, 'a refused method leaves the state alone');
        } else {
          run();
          assert.equal(s.state, expected);
        }
      });
    }
  }

  it('emits state changes with the previous state', () => {
    const s = sessionIn('init');
    const seen: string[] = [];
    s.on('state', (next: string, previous: string) => seen.push(`${previous}>${next}`));
    s.setup(UDP);
    s.apply('PLAY');
    s.apply('PAUSE');
    s.apply('TEARDOWN');
    assert.deepEqual(seen, ['init>ready', 'ready>playing', 'playing>ready', 'ready>closed']);
  });

  it('close() is idempotent and reports whether it closed', () => {
    const s = sessionIn('playing');
    assert.equal(s.close(), true);
    assert.equal(s.close(), false);
    assert.equal(s.state, 'closed');
  });

  it('expires only after its timeout without activity', () => {
    const s = sessionIn('ready');
    assert.equal(s.expired(60_000), false);
    assert.equal(s.expired(60_001), true);
    s.touch(50_000);
    assert.equal(s.expired(110_000), false);
    assert.equal(s.expired(110_001), true);
    s.touch(10); // an older time never moves liveness back
    assert.equal(s.lastActivity, 50_000);
    s.close();
    assert.equal(s.expired(1e9), false, 'a closed session is not reaped again');
  });

  it('once orphaned (its connection closed without TEARDOWN) expires after the shorter orphan timeout', () => {
    const s = new ClientSession({ id: 'abcdef0123456789', remote: '10.0.0.5:40000', connectionId: 1, timeoutS: 60, orphanTimeoutMs: 15_000, now: 0 });
    assert.equal(s.address, '10.0.0.5');
    s.setup(UDP);
    assert.equal(s.expired(15_001), false, 'with its connection open the session timeout applies');
    s.orphan();
    assert.ok(s.isOrphaned);
    assert.equal(s.expired(15_000), false);
    assert.equal(s.expired(15_001), true);
    s.touch(20_000); // an RTCP receiver report from its client ports
    assert.equal(s.expired(35_000), false);
    assert.equal(s.expired(35_001), true);
  });
});
