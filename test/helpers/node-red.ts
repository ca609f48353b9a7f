/**
 * Shared harness for the Node-RED node tests: the test helper (typed), a camera simulator on
 * 127.0.0.1, flow builders with a tab (so Catch and Status nodes work), message collectors, and
 * the probes for unreachable or dead cameras and for leaked sockets and timers.
 */
import * as net from 'net';
import type { NodeAPI } from 'node-red';
import { CameraSimulator } from '../../src/simulator';
import type { SimulatorAddresses, SimulatorOptions } from '../../src/simulator';
import { freeUdpPortPair } from './udp-ports';

/** The parts of node-red-node-test-helper (untyped, CommonJS) the tests use. */
export interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

export interface TestNode {
  id: string;
  receive(msg: Record<string, unknown>): void;
  on(event: 'input', listener: (msg: Record<string, unknown>) => void): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  status(status: Record<string, unknown>): void;
  [key: string]: unknown;
}

export type NodeModule = (RED: NodeAPI) => void;

interface TestHelper {
  init(runtimePath: string): void;
  load(nodes: NodeModule | NodeModule[], flow: FlowNode[], credentials: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  /** Redeploys; "nodes" restarts only what changed. */
  setFlows(flow: FlowNode[], type: 'full' | 'flows' | 'nodes', credentials?: Record<string, unknown>): Promise<void>;
  getNode(id: string): TestNode;
}

// ACTIONCAM_NODE_RED / ACTIONCAM_TEST_HELPER point the suite at another Node-RED install (.ci/run
// uses them to run these tests on Node-RED 5 with Node 22); by default the package's own Node-RED 4.
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const helper: TestHelper = require(process.env.ACTIONCAM_TEST_HELPER || 'node-red-node-test-helper');
helper.init(require.resolve(process.env.ACTIONCAM_NODE_RED || 'node-red'));

export const TAB = 'tab1';

/** The real timer functions, captured before any test installs sinon fake timers. */
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

/** Loads nodes and a flow; `credentials` keyed by node id. */
export function loadFlow(nodes: NodeModule[], flow: FlowNode[], credentials: Record<string, unknown> = {}): Promise<void> {
  return helper.load(nodes, flow, credentials);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<{ sim: CameraSimulator; addr: SimulatorAddresses }> {
  const sim = new CameraSimulator({ host: '127.0.0.1', ...opts });
  const addr = await sim.start();
  return { sim, addr };
}

/** A simulator whose preview goes to a free UDP port, with the config node that points at both. */
export interface StreamingSimulator {
  sim: CameraSimulator;
  addr: SimulatorAddresses;
  /** Where the simulator sends its preview (a free even port on 127.0.0.1, not the shared 6669). */
  previewPort: number;
  /** configNode() for this camera and preview port, plus `extra`. */
  config(extra?: Record<string, unknown>): FlowNode;
}

/** For tests that stream: a simulator on 127.0.0.1 sending its preview to a port no other test uses. */
export async function startStreamingSimulator(opts: SimulatorOptions = {}): Promise<StreamingSimulator> {
  const previewPort = await freeUdpPortPair();
  const { sim, addr } = await startSimulator({ ...opts, previewPort });
  return { sim, addr, previewPort, config: (extra = {}) => configNode(addr.controlPort, addr.httpPort, { previewPort, ...extra }) };
}

/** One test's simulated camera: the simulator, its addresses, and a loader for a flow that uses it. */
export interface SimulatedCamera {
  sim: CameraSimulator;
  addr: SimulatorAddresses;
  /** Loads actionFlow(node) with configNode() for this camera (plus `config`) and `credentials` (default CREDENTIALS). */
  load(nodes: NodeModule[], node: Record<string, unknown> & { type: string }, config?: Record<string, unknown>, credentials?: Record<string, unknown>): Promise<void>;
}

/**
 * The set-up most node tests share, for the describe block it is called in: a fresh simulator on
 * 127.0.0.1 before each test; after each, the flow unloaded and the simulator stopped. Register an
 * afterEach that must run first (e.g. restoring fake timers) before calling this.
 */
export function simulatorPerTest(opts: SimulatorOptions = {}): SimulatedCamera {
  const camera: SimulatedCamera = {
    sim: undefined as unknown as CameraSimulator,
    addr: undefined as unknown as SimulatorAddresses,
    load: (nodes, node, config = {}, credentials = CREDENTIALS) =>
      loadFlow(nodes, actionFlow(node, configNode(camera.addr.controlPort, camera.addr.httpPort, config)), credentials),
  };
  beforeEach(async () => {
    ({ sim: camera.sim, addr: camera.addr } = await startSimulator(opts));
  });
  afterEach(async () => {
    await helper.unload();
    await camera.sim.stop();
  });
  return camera;
}

/** An actioncam-config node for a camera at 127.0.0.1:`port`. */
export function configNode(port: number, httpPort = 80, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'c1', type: 'actioncam-config', name: 'sim', host: '127.0.0.1', port, httpPort, previewPort: 6669, timeout: 2000, reconnect: true, ...extra };
}

export const CREDENTIALS = { c1: { username: 'admin', password: '12345' } };

/**
 * The usual test flow: the node under test `n1` on a tab, wired to helper `out`; a Catch node
 * wired to `caught`; a Status node wired to `statuses`; plus the given config node.
 */
export function actionFlow(node: Record<string, unknown> & { type: string }, config?: FlowNode): FlowNode[] {
  const flow: FlowNode[] = [
    { id: TAB, type: 'tab', label: 'test' },
    { id: 'n1', z: TAB, wires: [['out']], ...node },
    { id: 'out', z: TAB, type: 'helper' },
    { id: 'catcher', z: TAB, type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: TAB, type: 'helper' },
    { id: 'st', z: TAB, type: 'status', scope: null, wires: [['statuses']] },
    { id: 'statuses', z: TAB, type: 'helper' },
  ];
  if (config) flow.push(config);
  return flow;
}

export type Msg = Record<string, unknown>;

/** Records every msg a helper node receives; `next()` waits for the next one. */
export class Collector {
  readonly messages: Msg[] = [];
  private waiting: Array<(msg: Msg) => void> = [];
  private read = 0;

  constructor(node: TestNode) {
    node.on('input', (msg: Msg) => {
      this.messages.push(msg);
      const resolve = this.waiting.shift();
      if (resolve) {
        this.read++;
        resolve(msg);
      }
    });
  }

  next(timeoutMs = 5000, what = 'a message'): Promise<Msg> {
    if (this.read < this.messages.length) return Promise.resolve(this.messages[this.read++]);
    return new Promise((resolve, reject) => {
      const timer = realSetTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== onMsg);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const onMsg = (msg: Msg): void => {
        realClearTimeout(timer);
        resolve(msg);
      };
      this.waiting.push(onMsg);
    });
  }
}

/** The standard collectors of actionFlow(). */
export function collectors(): { out: Collector; caught: Collector; statuses: Collector } {
  return { out: new Collector(helper.getNode('out')), caught: new Collector(helper.getNode('caught')), statuses: new Collector(helper.getNode('statuses')) };
}

/** Status texts seen by the Status node so far. */
export function statusTexts(statuses: Collector): string[] {
  return statuses.messages.map((m) => String((m.status as { text?: unknown } | undefined)?.text ?? ''));
}

import { delay } from './wait';
export { delay, waitUntil } from './wait';

/** A loopback port that nothing listens on (bound, then released). */
export { closedTcpPort as closedPort } from './ports';

/** A "camera" that accepts TCP connections and never says a word. */
export async function deadCamera(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Counts of active handles by kind (TCPSocketWrap, Timeout, UDPWrap, ...). Async so that mocha's
 * own test timer, armed once the test function has returned its promise, is already counted.
 */
export async function activeResources(): Promise<Map<string, number>> {
  await delay(1);
  return countResources();
}

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Kinds with more handles now than in `before`; sockets and timers get a few turns to close first. */
export async function leakedResources(before: Map<string, number>): Promise<string[]> {
  let leaks: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const now = countResources();
    leaks = [...now]
      .filter(([kind, count]) => kind !== 'TTYWrap' && count > (before.get(kind) ?? 0))
      .map(([kind, count]) => `${kind} ${before.get(kind) ?? 0} -> ${count}`);
    if (leaks.length === 0) return leaks;
    await new Promise((resolve) => setImmediate(resolve));
    await delay(10);
  }
  return leaks;
}
