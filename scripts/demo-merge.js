// How `npm start` (scripts/demo.js) puts its demo tab into the user's flows without ever losing what
// the user built (issue 9): pure functions over flow arrays, no file or network access.
//
// The demo's nodes are the ones of scripts/demo-flows.json (ids starting with DEMO_PREFIX); a node the
// user put on the demo tab is the user's.
// - no flows file yet: the demo alone ("created");
// - the demo tab is there: everything is kept as it is, only the demo's own nodes that still point at
//   this machine (127.0.0.1) follow the simulator's ports of this run ("kept");
// - the demo tab is missing (never added, or deleted): it is added again, beside the user's tabs
//   ("added"); left-over demo nodes (its camera config) are replaced so no id is doubled;
// - reset: the demo's nodes are replaced by a fresh copy, the user's are kept ("restored").
'use strict';

const DEMO_PREFIX = 'acdemo.';
const DEMO_TAB = 'acdemo.tab';

function isDemoNode(node, demoIds) {
  return demoIds.has(node.id);
}

/**
 * The node array of a flows file's text: Node-RED writes an array; an object with a `flows` array
 * (the storage API's shape) is read too. Throws with a sentence when the text is neither.
 */
function parseFlows(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`it is not valid JSON (${err.message})`);
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed && Array.isArray(parsed.flows)) return parsed.flows;
  throw new Error('it holds no array of nodes');
}

/**
 * The demo's nodes with the addresses of this run filled in: the camera at the simulator, discovery
 * aimed at 127.0.0.1, the relay's RTSP port.
 */
function pointAtSimulator(node, run) {
  if (node.type === 'actioncam-config') {
    Object.assign(node, { host: run.host, port: run.controlPort, httpPort: run.httpPort, previewPort: run.previewPort });
  } else if (node.type === 'actioncam-discover') {
    Object.assign(node, { address: run.host, addressType: 'str', ports: run.discoveryPorts.join(',') });
  } else if (node.type === 'actioncam-rtp-relay') {
    Object.assign(node, { bind: run.host, rtspPort: run.rtspPort, name: run.rtspUrl });
  }
  return node;
}

/** True when a kept demo node still points at this machine, so following the simulator's ports changes nothing of the user's. */
function stillLocal(node, run) {
  if (node.type === 'actioncam-config') return node.host === run.host;
  if (node.type === 'actioncam-discover') return (node.addressType || 'str') === 'str' && node.address === run.host;
  if (node.type === 'actioncam-rtp-relay') return node.bind === run.host && (!node.name || /^rtsp:\/\/127\.0\.0\.1:\d+\//.test(node.name));
  return false;
}

/**
 * Merges `demo` (the demo's nodes, pointed at this run) into `existing` (the user's nodes, or
 * undefined when there is no flows file). Returns {flows, outcome, changed}.
 */
function mergeDemo(existing, demo, run, options = {}) {
  const demoIds = new Set(demo.map((n) => n.id));
  if (existing === undefined) return { flows: demo, outcome: 'created', changed: true };
  if (options.reset) {
    return { flows: [...existing.filter((n) => !isDemoNode(n, demoIds)), ...demo], outcome: 'restored', changed: true };
  }
  if (existing.some((n) => n.id === DEMO_TAB)) {
    let changed = false;
    const flows = existing.map((node) => {
      if (!isDemoNode(node, demoIds) || !stillLocal(node, run)) return node;
      const before = JSON.stringify(node);
      const after = pointAtSimulator({ ...node }, run);
      if (JSON.stringify(after) === before) return node;
      changed = true;
      return after;
    });
    return { flows, outcome: 'kept', changed };
  }
  return { flows: [...existing.filter((n) => !isDemoNode(n, demoIds)), ...demo], outcome: 'added', changed: true };
}

module.exports = { DEMO_PREFIX, DEMO_TAB, isDemoNode, parseFlows, pointAtSimulator, mergeDemo };
