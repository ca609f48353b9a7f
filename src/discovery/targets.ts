/**
 * Where discovery requests go. The limited broadcast 255.255.255.255 leaves a multi-homed host on
 * one interface only (the one of the default route, on Linux), so when it is a target the
 * subnet-directed broadcast of every other up IPv4 interface is added, as docs/PROTOCOL.md §3 advises.
 * Pure: the interface table is passed in.
 */
import type * as os from 'os';

export const LIMITED_BROADCAST = '255.255.255.255';

export interface DiscoveryTarget {
  address: string;
  /** Added automatically (a subnet broadcast): a send failure there is logged, not fatal. */
  automatic: boolean;
}

export function discoveryTargets(
  addresses: readonly string[],
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>,
): DiscoveryTarget[] {
  const out: DiscoveryTarget[] = [];
  const seen = new Set<string>();
  const add = (address: string, automatic: boolean): void => {
    if (seen.has(address)) return;
    seen.add(address);
    out.push({ address, automatic });
  };
  for (const address of addresses) add(address, false);
  if (addresses.includes(LIMITED_BROADCAST)) {
    for (const broadcast of subnetBroadcasts(interfaces)) add(broadcast, true);
  }
  return out;
}

/** Directed broadcast (address | ~netmask) of each external IPv4 interface. */
export function subnetBroadcasts(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string[] {
  const out: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      const address = toUint32(info.address);
      const mask = toUint32(info.netmask);
      if (address === undefined || mask === undefined || mask === 0xffffffff) continue;
      out.push(fromUint32((address | ~mask) >>> 0));
    }
  }
  return out;
}

function toUint32(dotted: string): number | undefined {
  const parts = dotted.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function fromUint32(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** Orders IPv4 addresses numerically (10.0.0.9 before 10.0.0.10); anything else after, by text. */
export function compareAddresses(a: string, b: string): number {
  const x = toUint32(a);
  const y = toUint32(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
