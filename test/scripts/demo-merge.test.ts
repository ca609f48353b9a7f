/**
 * scripts/demo-merge.js: how `npm start` puts its demo tab into the user's flows (issue 9). The
 * whole demo (two starts with a user tab between, --reset-demo) runs in test/cli/demo.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

type Node = Record<string, unknown> & { id: string; type: string };
interface Merge {
  flows: Node[];
  outcome: 'created' | 'kept' | 'added' | 'restored';
  changed: boolean;
}
interface DemoMerge {
  parseFlows(text: string): Node[];
  mergeDemo(existing: Node[] | undefined, demo: Node[], run: Record<string, unknown>, options?: { reset?: boolean }): Merge;
}

/** dist/test/scripts -> the repository's scripts/ beside dist. */
const MODULE = path.resolve(__dirname, '..', '..', '..', 'scripts', 'demo-merge.js');

describe('scripts/demo-merge: the demo tab beside the user\'s flows', function () {
  let merge: DemoMerge;
  const run = { host: '127.0.0.1', controlPort: 7000, httpPort: 7001, previewPort: 7002, discoveryPorts: [7003], rtspPort: 7004, rtspUrl: 'rtsp://127.0.0.1:7004/live' };
  const demo = (): Node[] => [
    { id: 'acdemo.tab', type: 'tab', label: 'actioncam demo' },
    { id: 'acdemo.camera', type: 'actioncam-config', host: '127.0.0.1', port: 7000, httpPort: 7001, previewPort: 7002 },
    { id: 'acdemo.in', type: 'inject', z: 'acdemo.tab', name: 'firmware', wires: [['acdemo.fw']] },
    { id: 'acdemo.fw', type: 'actioncam-firmware', z: 'acdemo.tab', camera: 'acdemo.camera', wires: [[]] },
  ];
  const mine: Node[] = [
    { id: 'u.tab', type: 'tab', label: 'mine' },
    { id: 'u.cam', type: 'actioncam-config', host: '192.168.100.1', port: 6666 },
  ];

  before(function () {
    if (!existsSync(MODULE)) this.skip(); // a build outside the repository has no scripts/ beside it
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    merge = require(MODULE) as DemoMerge;
  });

  it('writes the demo alone when there is no flows file', () => {
    const result = merge.mergeDemo(undefined, demo(), run);
    assert.equal(result.outcome, 'created');
    assert.deepEqual(result.flows, demo());
  });

  it('adds the demo tab when it is missing, keeping the user\'s nodes and replacing a left-over demo camera', () => {
    const leftOver = { id: 'acdemo.camera', type: 'actioncam-config', host: '127.0.0.1', port: 1 };
    const result = merge.mergeDemo([...mine, leftOver], demo(), run);
    assert.equal(result.outcome, 'added');
    assert.deepEqual(result.flows, [...mine, ...demo()]);
  });

  it('keeps everything when the demo tab is there; only its own local camera follows this run\'s ports', () => {
    const edited = demo().map((n) => (n.id === 'acdemo.in' ? { ...n, name: 'mine now' } : n.id === 'acdemo.camera' ? { ...n, port: 6666 } : n));
    const onDemoTab: Node = { id: 'u.relay', type: 'actioncam-rtp-relay', z: 'acdemo.tab', bind: '127.0.0.1', rtspPort: 9999 };
    const result = merge.mergeDemo([...mine, ...edited, onDemoTab], demo(), run);
    assert.equal(result.outcome, 'kept');
    assert.equal(result.changed, true);
    assert.equal(result.flows.find((n) => n.id === 'acdemo.in')?.name, 'mine now');
    assert.equal(result.flows.find((n) => n.id === 'acdemo.camera')?.port, 7000);
    assert.deepEqual(result.flows.find((n) => n.id === 'u.relay'), onDemoTab, 'a node the user put on the demo tab is the user\'s');
    assert.deepEqual(result.flows.slice(0, 2), mine);

    const pointedAway = demo().map((n) => (n.id === 'acdemo.camera' ? { ...n, host: '192.168.100.1', port: 6666 } : n));
    const away = merge.mergeDemo(pointedAway, demo(), run);
    assert.equal(away.changed, false, 'a demo camera the user pointed at a real camera is left alone');
  });

  it('--reset-demo replaces the demo\'s nodes with a fresh copy and keeps the user\'s', () => {
    const edited = demo().map((n) => (n.id === 'acdemo.in' ? { ...n, name: 'mine now' } : n));
    const result = merge.mergeDemo([...mine, ...edited], demo(), run, { reset: true });
    assert.equal(result.outcome, 'restored');
    assert.deepEqual(result.flows, [...mine, ...demo()]);
  });

  it('reads Node-RED\'s array and the storage shape, and says what is wrong with anything else', () => {
    assert.deepEqual(merge.parseFlows('[{"id":"a","type":"tab"}]'), [{ id: 'a', type: 'tab' }]);
    assert.deepEqual(merge.parseFlows('{"flows":[{"id":"a","type":"tab"}],"rev":"1"}'), [{ id: 'a', type: 'tab' }]);
    assert.throws(() => merge.parseFlows('[{"id":'), /not valid JSON/);
    assert.throws(() => merge.parseFlows('{"a":1}'), /no array of nodes/);
  });
});
