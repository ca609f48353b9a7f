/** Camera discovery: see discover.ts. */
export { discover, DiscoveryDefaults } from './discover';
export type { DiscoveredCamera, DiscoverOptions } from './discover';
