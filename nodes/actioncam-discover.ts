/**
 * actioncam-discover: broadcasts the discovery probe and collects every camera that answers.
 * msg.payload = [{address, port, serial?, raw}], [] when none answered within the timeout.
 * Needs no config node. Status after a search: green "found 2" or yellow "none found".
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { discover, DiscoveryDefaults } from '../src/discovery/discover';
import { BadInputError } from '../src/errors';
import { Defaults } from '../src/protocol';
import { describeValue } from './lib/describe-value';
import { createTranslator } from './lib/i18n';
import { handleInput } from './lib/input';
import { editorTimeout } from './lib/durations';
import { toError } from './lib/errors';
import { portOr } from './lib/numbers';
import { activityStatus, StatusBoard } from './lib/status';
import { evaluateProperty } from './lib/typed-input';

interface DiscoverDef extends NodeDef {
  address: string;
  addressType: string;
  ports: string;
  timeout: number | string;
}

/** The library's own defaults (src/discovery/discover.ts), so the node and the CLI search alike. */
const DEFAULT_ADDRESS = DiscoveryDefaults.address;
const DEFAULT_TIMEOUT_MS = DiscoveryDefaults.timeoutMs;

export = function (RED: NodeAPI): void {
  function ActionCamDiscoverNode(this: Node, def: DiscoverDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const t = createTranslator(RED);
    const board = new StatusBoard(node, t);
    const closer = new AbortController();
    const ports = parsePorts(def.ports);
    if (!ports) node.warn(t('errors.badPorts', { value: describeValue(def.ports) }));
    // A timeout no timer can hold: red status and the error now, and every input fails with it.
    let timeoutMs: number = DEFAULT_TIMEOUT_MS;
    let settingsError: Error | undefined;
    try {
      timeoutMs = editorTimeout(t, def.timeout, DEFAULT_TIMEOUT_MS);
    } catch (err) {
      settingsError = toError(err);
      board.fail(settingsError);
      node.error(settingsError);
    }

    handleInput(node, board, closer.signal, async (msg, signal) => {
      if (settingsError) throw settingsError;
      const address = await evaluateProperty(RED, node, msg, def.address, def.addressType || 'str');
      if (address !== undefined && address !== null && typeof address !== 'string') {
        throw new BadInputError(t('errors.badAddress', { value: describeValue(address) }));
      }
      board.show(activityStatus(t, 'status.searching'));
      let found: number | undefined;
      try {
        const cameras = await discover({
          address: address?.trim() || DEFAULT_ADDRESS,
          ports: ports ?? [...Defaults.discoveryPorts],
          timeoutMs,
          signal,
        });
        found = cameras.length;
        msg.payload = cameras;
        return msg;
      } finally {
        if (found === undefined) board.clear();
        else if (found > 0) board.result({ fill: 'green', shape: 'dot', text: t('status.found', { count: found }) });
        else board.result({ fill: 'yellow', shape: 'ring', text: t('status.noneFound') });
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closer.abort();
      done();
    });
  }

  RED.nodes.registerType('actioncam-discover', ActionCamDiscoverNode);
};

/** "22600, 21600" -> [22600, 21600]; empty -> the default pair; undefined when an entry is not a port. */
function parsePorts(text: string | undefined): number[] | undefined {
  const ports = (text ?? '')
    .split(/[\s,;]+/)
    .filter((p) => p !== '')
    .map((p) => portOr(p, NaN));
  if (ports.length === 0) return [...Defaults.discoveryPorts];
  return ports.every((p) => !Number.isNaN(p)) ? ports : undefined;
}
