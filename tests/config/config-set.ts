/**
 * Test helper: a throwaway copy of the shipped config set (config/*.toml) in os.tmpdir(),
 * with some files replaced or edited, removed when the test ends.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

export type ConfigFileName = 'arbitrage.toml' | 'binance.toml' | 'bybit.toml';

export function shipped(name: ConfigFileName): string {
  return readFileSync(path.join(REPO_ROOT, 'config', name), 'utf8');
}

/** The shipped file with `from` replaced by `to` (which must occur). */
export function edited(name: ConfigFileName, from: string, to: string): string {
  const text = shipped(name);
  if (!text.includes(from)) throw new Error(`test setup: ${JSON.stringify(from)} not in config/${name}`);
  return text.replace(from, to);
}

interface Teardown {
  teardown(fn: () => void): void;
}

/**
 * Writes arbitrage.toml, binance.toml, bybit.toml (shipped contents unless overridden; `null`
 * leaves a file out) and returns the path of arbitrage.toml.
 */
export function configSet(t: Teardown, files: Partial<Record<ConfigFileName, string | null>> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['arbitrage.toml', 'binance.toml', 'bybit.toml'] as const) {
    const text = name in files ? files[name] : shipped(name);
    if (text !== null && text !== undefined) writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'arbitrage.toml');
}

/** The smallest valid arbitrage.toml: only the keys without defaults. */
export const MINIMAL_ARBITRAGE = `
[strategy]
symbol = "BTCUSDT"
min_spread_bps = 10
max_position_size = 1.0
rebalance_threshold = 0.1
[risk]
max_drawdown = 0.05
stop_loss_bps = 50
position_limit = 10.0
[execution]
order_timeout_ms = 5000
slippage_tolerance = 0.001
`;

/** A venue file holding only the keys of the original specification. */
export function minimalVenue(venue: 'binance' | 'bybit'): string {
  const up = venue.toUpperCase();
  const urls =
    venue === 'binance'
      ? ['wss://stream.binance.com:9443/ws', 'https://api.binance.com']
      : ['wss://stream.bybit.com/v5/public/spot', 'https://api.bybit.com'];
  return `[connection]
websocket_url = "${urls[0]}"
rest_api_url = "${urls[1]}"
[auth]
api_key = "\${${up}_API_KEY}"
secret_key = "\${${up}_SECRET_KEY}"
`;
}
