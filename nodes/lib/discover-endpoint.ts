/**
 * The camera dialog's Search button (issue 9): GET <httpAdminRoot>/actioncam/discover?address=…&
 * ports=…&timeout=… runs one discovery (src/discovery) and answers the discover node's array
 * `[{address, port, serial?, raw}]`.
 *
 * It sits behind Node-RED's admin authentication (RED.auth.needsPermission, docs/NODE-RED.md §1):
 * searching sends datagrams from the Node-RED host, so it takes the permission to edit a camera
 * ("actioncam-config.write"), which a read-only editor user does not have. Everything is bounded
 * (docs/DESIGN.md rule 12): an IPv4 target only (no name lookups), at most maxPorts ports, a timeout
 * within [minTimeoutMs, maxTimeoutMs], and one search at a time per Node-RED (a second gets 429).
 * A request that goes away (the dialog closed) aborts its search.
 */
import * as net from 'net';
import type { NodeAPI } from 'node-red';
import { discover, type DiscoverOptions, type DiscoveredCamera } from '../../src/discovery/discover';
import { ActionCamError, BadInputError } from '../../src/errors';
import { Defaults } from '../../src/protocol';
import { createTranslator, type Translate } from './i18n';

export const DISCOVER_PATH = '/actioncam/discover';
/** Editing a camera is what the search is for; read-only users cannot edit (see above). */
export const DISCOVER_PERMISSION = 'actioncam-config.write';
export const DiscoverEndpointLimits = {
  /** The discover node's default: long enough for a camera on busy Wi-Fi. */
  defaultTimeoutMs: 3000,
  /** Below this a camera's reply can hardly arrive. */
  minTimeoutMs: 200,
  /** A dialog waiting longer than this is a dialog nobody waits for. */
  maxTimeoutMs: 10000,
  /** The two known discovery ports plus room for a firmware that uses others. */
  maxPorts: 4,
  /** Searches running at once per Node-RED: each holds a UDP socket and sends a burst of probes. */
  maxSearches: 1,
} as const;

type Search = (opts: DiscoverOptions) => Promise<DiscoveredCamera[]>;

interface Query {
  address: string;
  ports: number[];
  timeoutMs: number;
}

/** The three query parameters, checked; throws BadInputError with a sentence a user can act on. */
export function parseDiscoverQuery(query: Record<string, unknown>, t: Translate): Query {
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new BadInputError(t('errors.searchQuery', { name }));
    return value.trim();
  };
  const address = text('address') ?? '255.255.255.255';
  if (!net.isIPv4(address)) throw new BadInputError(t('errors.searchAddress', { value: address.slice(0, 64) }));

  const portsText = text('ports');
  const ports = portsText === undefined ? [...Defaults.discoveryPorts] : portsText.split(/[\s,;]+/).filter((p) => p !== '').map(Number);
  if (ports.length === 0 || ports.length > DiscoverEndpointLimits.maxPorts || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new BadInputError(t('errors.searchPorts', { value: (portsText ?? '').slice(0, 64), max: DiscoverEndpointLimits.maxPorts }));
  }

  const timeoutText = text('timeout');
  const timeoutMs = timeoutText === undefined ? DiscoverEndpointLimits.defaultTimeoutMs : Number(timeoutText);
  const { minTimeoutMs, maxTimeoutMs } = DiscoverEndpointLimits;
  if (!Number.isInteger(timeoutMs) || timeoutMs < minTimeoutMs || timeoutMs > maxTimeoutMs) {
    throw new BadInputError(t('errors.searchTimeout', { value: (timeoutText ?? '').slice(0, 16), min: minTimeoutMs, max: maxTimeoutMs }));
  }
  return { address, ports, timeoutMs };
}

/** Registers the route on Node-RED's admin app; `search` is a seam for tests. */
export function registerDiscoverEndpoint(RED: NodeAPI, search: Search = discover): void {
  const t = createTranslator(RED);
  let running = 0;
  RED.httpAdmin.get(DISCOVER_PATH, RED.auth.needsPermission(DISCOVER_PERMISSION), (req, res) => {
    let query: Query;
    try {
      query = parseDiscoverQuery(req.query as Record<string, unknown>, t);
    } catch (err) {
      res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (running >= DiscoverEndpointLimits.maxSearches) {
      res.status(429).json({ error: t('errors.searchBusy') });
      return;
    }
    running += 1;
    const controller = new AbortController();
    // The dialog went away before the answer: stop probing.
    res.on('close', () => {
      if (!res.writableEnded) controller.abort();
    });
    search({ address: query.address, ports: query.ports, timeoutMs: query.timeoutMs, signal: controller.signal })
      .then(
        (cameras) => {
          if (!controller.signal.aborted) res.json(cameras);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          const message = err instanceof Error ? err.message : String(err);
          res.status(err instanceof BadInputError ? 400 : err instanceof ActionCamError ? 502 : 500).json({ error: message });
        },
      )
      .finally(() => {
        running -= 1;
      });
  });
}
