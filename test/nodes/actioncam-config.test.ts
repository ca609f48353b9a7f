import assert from 'node:assert/strict';
import configModule = require('../../nodes/actioncam-config');
import firmwareModule = require('../../nodes/actioncam-firmware');
import { CREDENTIALS, actionFlow, activeResources, collectors, configNode, deadCamera, delay, helper, leakedResources, loadFlow, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, firmwareModule];

describe('actioncam-config node', () => {
  describe('with a working camera', () => {
    const cam = simulatorPerTest({ username: 'admin', password: 'secret' });

    it('logs in with its credentials and pushes connecting -> ready to its users', async () => {
      await cam.load(NODES, { type: 'actioncam-firmware', camera: 'c1' }, {}, { c1: { username: 'admin', password: 'secret' } });
      const { statuses } = collectors();
      await waitUntil(() => statusTexts(statuses).includes('ready'), 3000, 'status "ready"');
      const texts = statusTexts(statuses);
      assert.ok(texts.indexOf('connecting') < texts.indexOf('ready'), texts.join(' | '));
      const ready = statuses.messages.find((m) => (m.status as { text: string }).text === 'ready')!.status;
      assert.deepEqual(ready, { fill: 'green', shape: 'dot', text: 'ready', source: (ready as { source: unknown }).source });
      assert.equal(cam.sim.stats.logins, 1);
    });

    it('shows reconnecting when the link drops and recovers by itself', async () => {
      await cam.load(NODES, { type: 'actioncam-firmware', camera: 'c1' }, {}, { c1: { username: 'admin', password: 'secret' } });
      const { out, statuses } = collectors();
      await waitUntil(() => statusTexts(statuses).includes('ready'), 3000, 'status "ready"');
      cam.sim.dropConnections();
      await waitUntil(() => statusTexts(statuses).includes('reconnecting'), 3000, 'status "reconnecting"');
      await waitUntil(() => statusTexts(statuses).at(-1) === 'ready', 5000, 'status "ready" again');
      helper.getNode('n1').receive({});
      assert.equal(((await out.next()).payload as { version: string }).version, 'v1.0 rc5');
    });

    it('keeps the session over a restart of its user, and frees the camera when the last user is removed', async () => {
      const flow = actionFlow({ type: 'actioncam-firmware', camera: 'c1' }, configNode(cam.addr.controlPort, cam.addr.httpPort));
      await loadFlow(NODES, flow, { c1: { username: 'admin', password: 'secret' } });
      const { statuses } = collectors();
      await waitUntil(() => statusTexts(statuses).includes('ready'), 3000, 'status "ready"');
      const config = helper.getNode('c1') as unknown as { users: Record<string, unknown> };

      await helper.setFlows(flow.map((n) => (n.id === 'n1' ? { ...n, name: 'renamed' } : n)), 'nodes');
      await waitUntil(() => Object.keys(config.users).length === 1, 2000, 'n1 to register again');
      assert.equal(cam.sim.stats.connections, 1, 'a restarted user does not reconnect the camera');

      await helper.setFlows(flow.filter((n) => n.id !== 'n1'), 'nodes');
      await waitUntil(() => cam.sim.clientCount === 0, 2000, 'the camera to be freed');
      assert.deepEqual(Object.keys(config.users), []);
    });

    it('reports a rejected login precisely', async () => {
      await cam.load(NODES, { type: 'actioncam-firmware', camera: 'c1' }, { reconnect: false, timeout: 500 });
      cam.sim.faults.rejectLogin = true;
      const { caught } = collectors();
      helper.getNode('n1').receive({});
      const err = await caught.next(5000);
      assert.match(String((err.error as { message: string }).message), /login|not ready/i);
    });
  });

  describe('with a camera that accepts TCP and never answers', () => {
    let dead: { port: number; stop(): Promise<void> };

    beforeEach(async () => {
      dead = await deadCamera();
    });

    afterEach(async () => {
      await helper.unload();
      await dead.stop();
    });

    it('closes well within 15 s while logging in, with an input in flight, and reports nothing after close', async () => {
      const before = await activeResources();
      await loadFlow(NODES, actionFlow({ type: 'actioncam-firmware', camera: 'c1' }, configNode(dead.port, 80, { timeout: 20_000 })), CREDENTIALS);
      const { out, caught, statuses } = collectors();
      await waitUntil(() => statusTexts(statuses).includes('connecting'), 2000, 'status "connecting"');
      helper.getNode('n1').receive({ topic: 'stuck' });
      await delay(50);
      const started = Date.now();
      await helper.unload();
      assert.ok(Date.now() - started < 15_000, `close took ${Date.now() - started} ms`);
      assert.ok(Date.now() - started < 2_000, `close should be prompt, took ${Date.now() - started} ms`);
      await dead.stop();
      assert.deepEqual(await leakedResources(before), []);
      await delay(50);
      assert.equal(out.messages.length, 0);
      assert.equal(caught.messages.length, 0);
    });
  });
});
