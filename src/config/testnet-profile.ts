/**
 * The "testnet" venue profile (`venues.profile = "testnet"` or `--testnet`): every URL of both
 * venues is moved from the venue's mainnet host to its testnet host, path kept (VENUES.md D):
 *
 *   Binance spot   stream.binance.com(:9443) → stream.testnet.binance.vision
 *                  api.binance.com           → testnet.binance.vision
 *                  ws-api.binance.com(:443)  → ws-api.testnet.binance.vision
 *   Binance USD-M  fstream.binance.com       → fstream.binancefuture.com   (not checked
 *                  fapi.binance.com          → testnet.binancefuture.com    against official docs)
 *   Bybit          stream.bybit.com          → stream-testnet.bybit.com
 *                  api.bybit.com, api.bytick.com → api-testnet.bybit.com
 *
 * A URL already on a testnet host stays; a host neither list knows is a problem (a testnet
 * run must not reach an unknown place). `urlMixProblems` refuses, in any profile, a
 * configuration that mixes testnet and mainnet hosts: orders on one, prices from the other.
 */
import { displayPath, type ConfigProblem } from './problems.js';
import type { VenueName, XarbConfig } from './types.js';
import { VENUE_NAMES } from './types.js';

const TO_TESTNET: Readonly<Record<string, string>> = {
  'stream.binance.com': 'stream.testnet.binance.vision',
  'data-stream.binance.vision': 'stream.testnet.binance.vision',
  'api.binance.com': 'testnet.binance.vision',
  'api1.binance.com': 'testnet.binance.vision',
  'api2.binance.com': 'testnet.binance.vision',
  'api3.binance.com': 'testnet.binance.vision',
  'api4.binance.com': 'testnet.binance.vision',
  'ws-api.binance.com': 'ws-api.testnet.binance.vision',
  'fstream.binance.com': 'fstream.binancefuture.com',
  'fapi.binance.com': 'testnet.binancefuture.com',
  'stream.bybit.com': 'stream-testnet.bybit.com',
  'api.bybit.com': 'api-testnet.bybit.com',
  'api.bytick.com': 'api-testnet.bybit.com',
};

const TESTNET_HOSTS: ReadonlySet<string> = new Set([...Object.values(TO_TESTNET), 'demo-api.binance.com', 'demo-ws-api.binance.com',
  'demo-stream.binance.com', 'api-demo.bybit.com', 'stream-demo.bybit.com']);

export type UrlNet = 'mainnet' | 'testnet' | 'local' | 'other';

export function urlNet(url: string): UrlNet {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'other';
  }
  if (host in TO_TESTNET) return 'mainnet';
  if (TESTNET_HOSTS.has(host)) return 'testnet';
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return 'local';
  return 'other';
}

/** The testnet twin of a mainnet URL (path kept, the mainnet port dropped), or null for an unknown host. */
export function testnetUrl(url: string): string | null {
  const u = new URL(url);
  if (TESTNET_HOSTS.has(u.hostname)) return url;
  const host = TO_TESTNET[u.hostname];
  if (host === undefined) return null;
  const path = u.pathname === '/' && !/^[a-z]+:\/\/[^/]+\/$/i.test(url) ? '' : u.pathname;
  return `${u.protocol}//${host}${path}${u.search}`;
}

const URL_KEYS = ['websocket_url', 'rest_api_url', 'ws_api_url'] as const;

/** A copy of `cfg` with every venue URL on its testnet, or the problems (unknown hosts). */
export function applyTestnetProfile(cfg: XarbConfig): { config: XarbConfig; problems: ConfigProblem[] } {
  const out = structuredClone(cfg);
  const problems: ConfigProblem[] = [];
  for (const venue of VENUE_NAMES) {
    const c = out.venues[venue].connection;
    for (const k of URL_KEYS) {
      const t = testnetUrl(c[k]);
      if (t === null) {
        problems.push({ file: fileOf(cfg, venue), path: `connection.${k}`, expected: `a ${venue} mainnet or testnet URL (profile "testnet" knows no testnet for this host)`, found: JSON.stringify(c[k]) });
      } else c[k] = t;
    }
  }
  out.venues.profile = 'testnet';
  return { config: out, problems };
}

/** Testnet and mainnet hosts in one configuration: orders and prices from different worlds. */
export function urlMixProblems(cfg: XarbConfig): ConfigProblem[] {
  const seen: Array<{ venue: VenueName; key: string; url: string; net: UrlNet }> = [];
  for (const venue of VENUE_NAMES) {
    for (const k of URL_KEYS) {
      const url = cfg.venues[venue].connection[k];
      seen.push({ venue, key: k, url, net: urlNet(url) });
    }
  }
  const main = seen.filter((s) => s.net === 'mainnet');
  const test = seen.filter((s) => s.net === 'testnet');
  if (main.length === 0 || test.length === 0) return [];
  const t = test[0]!;
  return [{
    file: fileOf(cfg, t.venue), path: `connection.${t.key}`,
    expected: `testnet and mainnet URLs not mixed (mainnet: ${main.map((m) => `${m.venue}.${m.key}`).join(', ')}; use profile = "testnet" or --testnet to move all of them)`,
    found: JSON.stringify(t.url),
  }];
}

function fileOf(cfg: XarbConfig, venue: VenueName): string {
  const f = cfg.sourceFiles[venue];
  return f === undefined ? `${venue}.toml` : displayPath(f);
}
