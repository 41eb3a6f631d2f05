/** Public face of the configuration module. */
export { loadConfig, type LoadOptions } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './problems.js';
export { maskSecrets, isSecretPath, MASK } from './secrets.js';
export { applySimProfile, type SimPorts } from './sim-profile.js';
export { ARBITRAGE_SCHEMA, venueSchema, leafPaths, DEFAULT_WS_API_URL } from './schema.js';
export * from './types.js';
export { applyTestnetProfile, urlMixProblems, urlNet, testnetUrl } from './testnet-profile.js';
export { venueTarget, needsConfirmLive, type VenueTarget } from './venue-target.js';
