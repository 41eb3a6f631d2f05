/** The venue simulator's public surface. */
export { startSimulator, SimListenError, type SimOptions, type SimHandle, type SimStats, type VenueUrls } from './simulator.js';
export { MarketGenerator, DEFAULT_GENERATOR_OPTIONS, GeneratorConfigError, type GeneratorOptions } from './market-generator.js';
export { UpdateBatch } from './update-batch.js';
export { FaultInjector, FaultSpecError, parseFaultSpec, FAULT_KINDS, type FaultSpec, type FaultKind, type ScheduledFault } from './faults.js';
export { simSymbolFilters, instrumentSpec, type SimSymbolFilter, type SimVenue } from './instruments.js';
export { Prng } from '../core/prng.js';
