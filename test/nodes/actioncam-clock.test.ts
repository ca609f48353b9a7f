/**
 * The config node's experimental "set the camera clock after login" (issue 11, docs/PROTOCOL.md
 * §10) against the simulator: on, the simulator's clock is set at login and the next still is named
 * from it; off (the default), the camera's clock is left alone. Only Date is faked, so sockets and
 * timers run for real while "now" is a fixed moment.
 */
import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import configModule = require('../../nodes/actioncam-config');
import snapshotModule = require('../../nodes/actioncam-snapshot');
import { collectors, helper, simulatorPerTest, statusTexts, waitUntil } from '../helpers/node-red';

const NODES = [configModule, snapshotModule];

describe('actioncam-config node: camera clock (experimental)', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });
  const cam = simulatorPerTest();

  function load(config: Record<string, unknown>): Promise<void> {
    return cam.load(NODES, { type: 'actioncam-snapshot', camera: 'c1', download: false, timeout: 5000 }, config);
  }

  it('with "set clock" on, the login sets the camera clock to local time and the next still is named from it', async () => {
    clock = sinon.useFakeTimers({ now: new Date(2030, 0, 2, 3, 4, 5), toFake: ['Date'] });
    await load({ setClock: true });
    await waitUntil(() => cam.sim.clock !== undefined, 3000, 'the camera clock to be set');
    assert.equal(cam.sim.clock!.getTime(), new Date(2030, 0, 2, 3, 4, 5).getTime());
    const { out } = collectors();
    helper.getNode('n1').receive({});
    const still = (await out.next()).payload as { name: string };
    assert.match(still.name, /^IMG_20300102_030405_\d{4}\.JPG$/);
  });

  it('is off by default: the camera keeps its own clock', async () => {
    await load({});
    const { out, statuses } = collectors();
    await waitUntil(() => statusTexts(statuses).includes('ready'), 3000, 'status "ready"');
    helper.getNode('n1').receive({});
    assert.match(((await out.next()).payload as { name: string }).name, /^IMG_\d{4}\.JPG$/);
    assert.equal(cam.sim.clock, undefined);
  });
});
