/**
 * The simulator's built-in API key pairs, one per venue. TEST CREDENTIALS ONLY: they are
 * published here, accepted by nobody but the local simulator, and let a live-mode run be
 * tested end to end on loopback:
 *
 *   BINANCE_API_KEY=<SIM_KEYS.binance.apiKey> BINANCE_SECRET_KEY=<SIM_KEYS.binance.secretKey>
 *   BYBIT_API_KEY=<SIM_KEYS.bybit.apiKey>     BYBIT_SECRET_KEY=<SIM_KEYS.bybit.secretKey>
 *   xarb --mode live --venues sim ...
 *
 * (`xarb --mode live --venues sim` also registers whatever keys its configuration holds, so
 * any non-empty keys work there; these are for tests and for starting the simulator alone.)
 */
import type { SimVenue } from './instruments.js';

export interface SimKeyPair {
  apiKey: string;
  secretKey: string;
}

export const SIM_KEYS: Readonly<Record<SimVenue, SimKeyPair>> = {
  binance: {
    apiKey: 'xarbSimBinanceApiKey0000000000000000000000000000000000000000000',
    secretKey: 'xarbSimBinanceSecretKey000000000000000000000000000000000000000',
  },
  bybit: {
    apiKey: 'xarbSimBybitKey00000',
    secretKey: 'xarbSimBybitSecret0000000000000000000',
  },
};
