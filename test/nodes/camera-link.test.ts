/**
 * The config node's engine (nodes/lib/camera-link.ts) with a scripted camera and fake timers: the
 * link states every user of a camera shows (issue 9), the countdown's timer, and a trigger's wait.
 */
import assert from 'node:assert/strict';
import * as net from 'net';
import type { Node, NodeAPI, NodeStatus } from 'node-red';
import type * as sinon from 'sinon';
import { LoginRejectedError, UnreachableError } from '../../src/errors';
import { CameraLink } from '../../nodes/lib/camera-link';
import { createTranslator } from '../../nodes/lib/i18n';
import type { CameraSessionOptions } from '../../src/session';
import { FakeCamera, closedPort } from '../helpers/fake-camera';
import { flushIo, useFakeTimers, waitFor } from '../session/util';

/** The en-US texts, as a runtime without a catalogue falls back to them (nodes/lib/i18n.ts). */
const t = createTranslator({ _: (key: string) => key } as unknown as NodeAPI);

interface User {
  node: Node;
  statuses: NodeStatus[];
  texts(): string[];
}

function user(id: string): User {
  const statuses: NodeStatus[] = [];
  return { node: { id } as Node, statuses, texts: () => statuses.map((s) => String(s.text)) };
}

describe('nodes/lib/CameraLink: link states and waits (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  let camera: FakeCamera;
  const links: CameraLink[] = [];

  beforeEach(async () => {
    camera = await FakeCamera.start();
    clock = useFakeTimers();
  });

  afterEach(async () => {
    for (const link of links.splice(0)) {
      const closing = link.close();
      clock.tick(5000); // the users' grace period
      await closing;
    }
    clock.restore();
    await camera.close();
  });

  function open(session: Partial<CameraSessionOptions>, readyTimeoutMs = 5000): CameraLink {
    const link = new CameraLink({ t, readyTimeoutMs, session: { host: camera.host, port: camera.port, ...session } });
    links.push(link);
    return link;
  }

  function join(link: CameraLink, ...ids: string[]): User[] {
    return ids.map((id) => {
      const u = user(id);
      link.register(u.node, (status) => u.statuses.push(status));
      return u;
    });
  }

  /** Ticks fake time in steps, letting real socket I/O settle after each. */
  async function advance(ms: number, step = 100): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      clock.tick(Math.min(step, ms - done));
      await flushIo();
    }
  }

  it('shows "reconnecting in N s" after a drop, refreshed once per whole second by one timer, then ready', async () => {
    const link = open({ reconnectMinMs: 8000, reconnectMaxMs: 30000 });
    const [a, b] = join(link, 'a', 'b');
    const conn = await camera.nextConnection();
    await conn.acceptLogin();
    await waitFor(() => a.texts().at(-1) === 'ready', 'ready');
    const timersWhenReady = clock.countTimers();

    conn.destroy();
    await waitFor(() => a.texts().at(-1) === 'reconnecting in 8 s', 'the countdown');
    const countdown = a.statuses.at(-1)!;
    assert.deepEqual({ fill: countdown.fill, shape: countdown.shape }, { fill: 'yellow', shape: 'ring' });
    // the back-off and one countdown timer (the keep-alive is gone with the link)
    assert.ok(clock.countTimers() <= timersWhenReady + 1, `${clock.countTimers()} timers`);

    await advance(999);
    assert.equal(a.texts().at(-1), 'reconnecting in 8 s', 'no refresh before the second changes');
    await advance(1);
    assert.equal(a.texts().at(-1), 'reconnecting in 7 s');
    await advance(6000);
    assert.deepEqual(a.texts().slice(-7), ['reconnecting in 7 s', 'reconnecting in 6 s', 'reconnecting in 5 s', 'reconnecting in 4 s', 'reconnecting in 3 s', 'reconnecting in 2 s', 'reconnecting in 1 s']);
    const fromReady = (u: User): string[] => u.texts().slice(u.texts().indexOf('ready'));
    assert.deepEqual(fromReady(b), fromReady(a), 'every user of the camera shows the same');

    const back = camera.nextConnection();
    await advance(1000);
    await (await back).acceptLogin();
    await waitFor(() => a.texts().at(-1) === 'ready', 'ready again');
    assert.equal(a.texts().filter((text) => text.startsWith('reconnecting in')).length, 8, 'one status per second shown, no more');
  });

  it('keeps a refused camera red "unreachable: connection refused" while it re-dials, with no yellow in between', async () => {
    const port = await closedPort();
    const link = open({ port });
    const [a] = join(link, 'a');
    await waitFor(() => a.texts().includes('unreachable: connection refused'), 'the red status');
    const first = a.statuses.length;
    for (let i = 0; i < 20; i++) {
      await advance(500);
      await waitFor(() => link.camera.session?.state !== 'connecting', 'the dial to end');
    }
    const later = a.statuses.slice(first - 1);
    assert.ok(later.length > 1, 'the re-dials are shown');
    for (const status of later) assert.deepEqual(status, { fill: 'red', shape: 'ring', text: 'unreachable: connection refused' });
    assert.equal(a.texts()[0], 'connecting');
  });

  it('says "unreachable: no route" when the network has no way to the camera', async () => {
    const link = open({
      createConnection: () => {
        const socket = new net.Socket();
        setImmediate(() => socket.destroy(Object.assign(new Error('connect EHOSTUNREACH 192.168.100.1:6666'), { code: 'EHOSTUNREACH' })));
        return socket;
      },
    });
    const [a] = join(link, 'a');
    await waitFor(() => a.texts().includes('unreachable: no route'), 'status "unreachable: no route"');
    assert.equal(a.statuses.at(-1)!.fill, 'red');
  });

  it('says "unreachable: no answer" when a dial gets no answer, and "login rejected or camera busy" when the login is not accepted', async () => {
    const silentDial = open({ host: '192.0.2.1', port: 6666, connectTimeoutMs: 1000, createConnection: () => new net.Socket() });
    const [a] = join(silentDial, 'a');
    await advance(1000);
    await waitFor(() => a.texts().at(-1) === 'unreachable: no answer', 'status "unreachable: no answer"');

    const busy = open({ loginTimeoutMs: 1000 });
    const [b] = join(busy, 'b');
    await camera.nextConnection();
    await waitFor(() => busy.camera.session?.state === 'loggingIn', 'the login');
    await advance(1000);
    await waitFor(() => b.texts().at(-1) === 'login rejected or camera busy', 'status "login rejected or camera busy"');
    assert.equal(b.statuses.at(-1)!.fill, 'red');
  });

  it('a trigger during a long back-off retries at once and fails within its wait with the connection error', async () => {
    // random() = 1: waits of 1, 2, 4, 8 s after logins that are never accepted
    const link = open({ loginTimeoutMs: 500, random: () => 1 }, 3000);
    join(link, 'a');
    for (let failures = 0; failures < 4; failures++) {
      await camera.nextConnection();
      await waitFor(() => link.camera.session?.state === 'loggingIn', 'the login');
      await advance(500);
      await waitFor(() => link.camera.session?.state === 'reconnecting', 'the back-off');
      if (failures < 3) await advance(2 ** failures * 1000);
    }
    const session = link.camera.session!;
    assert.equal(session.reconnectAt! - Date.now(), 8000);

    await advance(1500); // into the 8 s wait
    const connections = camera.connections.length;
    const trigger = link.session();
    clock.tick(0);
    await waitFor(() => camera.connections.length === connections + 1, 'the immediate dial');
    await waitFor(() => session.state === 'loggingIn', 'the login');
    // This attempt's own outcome (no accept within the login timeout), not a wait through more retries.
    clock.tick(500);
    await assert.rejects(trigger, (err: unknown) => {
      assert.ok(err instanceof LoginRejectedError);
      assert.match(err.message, /^login rejected or camera busy: no accept within 0\.5 s from camera 127\.0\.0\.1:\d+ \(check the password/);
      assert.doesNotMatch(err.message, /camera (\S+): camera \1/);
      return true;
    });
  });

  it('the wait a user sets is the wait they get: a dial that never completes fails at the dialog\'s timeout', async () => {
    const link = open({ host: '192.0.2.1', port: 6666, connectTimeoutMs: 60_000, createConnection: () => new net.Socket() }, 5000);
    join(link, 'a');
    const trigger = link.session();
    trigger.catch(() => undefined);
    clock.tick(4999);
    await flushIo();
    let settled = false;
    void trigger.then(
      () => (settled = true),
      () => (settled = true),
    );
    await flushIo();
    assert.equal(settled, false);
    clock.tick(1);
    await assert.rejects(trigger, (err: unknown) => err instanceof UnreachableError && err.message === 'camera 192.0.2.1:6666 unreachable: no TCP connection within 5 s');
  });

  it('runs no countdown timer while nobody shows it', async () => {
    const link = open({ reconnectMinMs: 8000, reconnectMaxMs: 30000 });
    const [a] = join(link, 'a');
    const conn = await camera.nextConnection();
    await conn.acceptLogin();
    await waitFor(() => a.texts().at(-1) === 'ready', 'ready');
    await new Promise<void>((resolve) => link.deregister(a.node, resolve, false));
    conn.destroy();
    await waitFor(() => link.camera.session?.state === 'reconnecting', 'the back-off');
    const timers = clock.countTimers();
    await advance(3000);
    assert.equal(clock.countTimers(), timers, 'only the back-off timer');
  });
});
