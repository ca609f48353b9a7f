/**
 * actioncam-discover: broadcasts the discovery probe and collects every camera that answers.
 * msg.payload = [{address, port, serial?, raw}], [] when none answered within the timeout.
 * Needs no config node. Status after a search: green "found 2" or yellow "none found".
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { discover } from '../src/discovery/discover';
import { BadInputError } from '../src/errors';
import { Defaults } from '../src/protocol';
import { describeValue } from './lib/describe-value';
import { createTranslator } from './lib/i18n';
import { handleInput } from './lib/input';
import { numberOr, portOr } from './lib/numbers';
import { activityStatus, StatusBoard } from './lib/status';
import { evaluateProperty } from './lib/typed-input';

interface DiscoverDef extends NodeDef {
  address: string;
  addressType: string;
  ports: string;
  timeout: number | string;
}

const DEFAULT_ADDRESS = '255.255.255.255';
const DEFAULT_TIMEOUT_MS = 3000;

export = function (RED: NodeAPI): void {
  function ActionCamDiscoverNode(this: Node, def: DiscoverDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const t = createTranslator(RED);
    const board = new StatusBoard(node, t);
    const closer = new AbortController();
    const timeoutMs = numberOr(def.timeout, DEFAULT_TIMEOUT_MS, 1);
    const ports = parsePorts(def.ports);
    if (!ports) node.warn(t('errors.badPorts', { value: describeValue(def.ports) }));

    handleInput(node, board, closer.signal, async (msg, signal) => {
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
