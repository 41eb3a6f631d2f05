/**
 * Which venues a run talks to, from `venues.profile` and the command line, the same way in
 * every mode: `profile = "sim"` means the local simulator in live mode too (it used to be
 * honoured only in paper runs), unless `--venues live` overrides it; `profile = "testnet"`
 * (or `--testnet`) means the venues' testnets (URLs moved by the loader, testnet-profile.ts),
 * where orders move no real funds, so `--confirm-live` is not asked for.
 */
import type { XarbConfig } from './types.js';

export type VenueTarget = 'sim' | 'testnet' | 'mainnet';

/** `venuesFlag`: the value of `--venues` ("sim" | "live"), if given. */
export function venueTarget(cfg: XarbConfig, venuesFlag: string | undefined): VenueTarget {
  if (venuesFlag === 'sim') return 'sim';
  if (venuesFlag === undefined && cfg.venues.profile === 'sim') return 'sim';
  return cfg.venues.profile === 'testnet' ? 'testnet' : 'mainnet';
}

/** Live mode against real money needs `--confirm-live`; the simulator and testnets do not. */
export function needsConfirmLive(cfg: XarbConfig, venuesFlag: string | undefined): boolean {
  return cfg.mode === 'live' && venueTarget(cfg, venuesFlag) === 'mainnet';
}
