/**
 * Every flow under examples/ (Import > Examples) imports and deploys without errors against the
 * simulator, and each of its inject buttons produces output. What changes before loading is only
 * what a user changes for their camera (addresses and ports, here the simulator's), the relays'
 * ports (0 = any free port), the download and clip folders and the clip's length (2 s, so the inject
 * is answered quickly); debug and file nodes become collectors, and so do Dashboard 2 widgets (their
 * config nodes are left out: the dashboard itself is tested in a real Node-RED by
 * test/e2e/live-node-red.test.ts).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CameraSimulator, SimulatorAddresses } from '../../src/simulator';
import { repoRoot } from '../helpers/clip';
import { helper, loadFlow, startStreamingSimulator } from '../helpers/node-red';
import type { FlowNode, Msg, NodeModule } from '../helpers/node-red';
import { waitUntil } from '../helpers/wait';

const NODE_TYPES = ['config', 'discover', 'snapshot', 'record', 'list-files', 'firmware', 'raw-command', 'rtp-relay', 'clip', 'live'];
// eslint-disable-next-line @typescript-eslint/no-var-requires
const ACTIONCAM_NODES: NodeModule[] = NODE_TYPES.map((t) => require(`../../nodes/actioncam-${t}`) as NodeModule);

/** Core nodes the examples use, from the Node-RED the suite runs on (ACTIONCAM_NODE_RED in CI). */
function coreNodes(): NodeModule[] {
  const runtime = path.dirname(require.resolve(path.join(process.env.ACTIONCAM_NODE_RED || 'node-red', 'package.json')));
  const core = (file: string): NodeModule =>
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(require.resolve(`@node-red/nodes/core/common/${file}`, { paths: [runtime] })) as NodeModule;
  const fn = (file: string): NodeModule =>
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(require.resolve(`@node-red/nodes/core/function/${file}`, { paths: [runtime] })) as NodeModule;
  return [core('20-inject.js'), core('90-comment.js'), fn('10-function.js')];
}

const EXAMPLES_DIR = path.join(repoRoot(), 'examples');
/** Dashboard 2 config nodes (a dashboard, its theme, page and groups). */
const DASHBOARD_CONFIG = new Set(['ui-base', 'ui-theme', 'ui-page', 'ui-group']);

describe('examples (Import > Examples)', function () {
  this.timeout(30000);
  let sim: CameraSimulator;
  let addr: SimulatorAddresses;
  let previewPort: number;
  let folder: string;

  beforeEach(async () => {
    ({ sim, addr, previewPort } = await startStreamingSimulator());
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'actioncam-examples-'));
  });

  afterEach(async () => {
    await helper.unload();
    await sim.stop();
    await fs.rm(folder, { recursive: true, force: true });
  });

  const files = require('fs').readdirSync(EXAMPLES_DIR).filter((f: string) => f.endsWith('.json')) as string[];
  it('has one example per node and the two scenario flows', () => {
    assert.ok(files.length >= 9, files.join(', '));
  });

  for (const file of files) {
    it(`"${path.basename(file, '.json')}" deploys without errors and answers every inject`, async () => {
      const flow = prepare(JSON.parse(await fs.readFile(path.join(EXAMPLES_DIR, file), 'utf8')) as FlowNode[]);
      await loadFlow([...coreNodes(), ...ACTIONCAM_NODES], flow, credentials(flow));
      const received = collect(flow);

      const injects = flow.filter((n) => n.type === 'inject');
      assert.ok(injects.length > 0, 'the example has an inject to press');
      for (const inject of injects) {
        const sinks = downstreamSinks(flow, inject.id);
        const before = sinks.reduce((sum, id) => sum + received[id].length, 0);
        helper.getNode(inject.id).receive({});
        await waitUntil(() => sinks.reduce((sum, id) => sum + received[id].length, 0) > before, 15000, `output for inject "${String(inject.name || inject.payload)}"`);
      }
      const errors = logged(20);
      assert.deepEqual(errors, [], 'errors logged by the example');
    });
  }

  /** Points the example at the simulator, as a user points it at their camera. */
  function prepare(flow: FlowNode[]): FlowNode[] {
    // Import puts the nodes on the current tab; here that is a tab of their own.
    const tab: FlowNode = { id: 'example-tab', type: 'tab', label: 'example' };
    const kept = flow.filter((node) => !DASHBOARD_CONFIG.has(node.type));
    return [tab, ...kept.map((node) => prepareNode({ ...node, ...(node.type === 'actioncam-config' ? {} : { z: tab.id }) }))];
  }

  function prepareNode(n: FlowNode): FlowNode {
    {
      if (n.type === 'actioncam-config') Object.assign(n, { host: '127.0.0.1', port: addr.controlPort, httpPort: addr.httpPort, previewPort });
      if (n.type === 'actioncam-discover') Object.assign(n, { address: '127.0.0.1', addressType: 'str', ports: String(addr.discoveryPorts[0]) });
      if (n.type === 'actioncam-rtp-relay') Object.assign(n, { rtspPort: 0 }); // rtp mode keeps its 127.0.0.1 destination
      if (n.type === 'actioncam-list-files' && n.output === 'folder') Object.assign(n, { folder, folderType: 'str' });
      if (n.type === 'actioncam-clip') Object.assign(n, { folder, folderType: 'str', duration: 2 });
      if (n.type === 'debug' || n.type === 'file' || n.type.startsWith('ui-')) return { id: n.id, z: n.z, type: 'helper', wires: [] } as FlowNode;
      if (n.type === 'inject') Object.assign(n, { once: false, repeat: '' });
      return n;
    }
  }

  function credentials(flow: FlowNode[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const n of flow) if (n.type === 'actioncam-config') out[n.id] = { username: 'admin', password: '12345' };
    return out;
  }

  function collect(flow: FlowNode[]): Record<string, Msg[]> {
    const received: Record<string, Msg[]> = {};
    for (const n of flow.filter((f) => f.type === 'helper')) {
      received[n.id] = [];
      helper.getNode(n.id).on('input', (msg: Msg) => received[n.id].push(msg));
    }
    return received;
  }
});

/** The collector nodes an inject's messages reach (through any number of nodes). */
function downstreamSinks(flow: FlowNode[], from: string): string[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const sinks: string[] = [];
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = byId.get(id);
    if (!node) return;
    if (node.type === 'helper') sinks.push(id);
    for (const port of (node.wires as string[][] | undefined) ?? []) for (const next of port) visit(next);
  };
  visit(from);
  return sinks;
}

/** Log records at `level` (20 = error) from the runtime's log spy. */
function logged(level: number): string[] {
  const spy = (helper as unknown as { log(): { args: Array<[{ level: number; msg: unknown }]> } }).log();
  return spy.args.filter(([entry]) => entry.level === level).map(([entry]) => String(entry.msg));
}

