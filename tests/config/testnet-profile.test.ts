/**
 * The testnet profile: `profile = "testnet"` or `--testnet` moves every URL of both venues to
 * their testnet hosts (paths kept); an unknown host under it is refused; a configuration that
 * mixes testnet and mainnet hosts is refused in any profile; `profile = "sim"` chooses the
 * simulator in live mode too; only mainnet live needs --confirm-live.
 */
import t from 'tap';
import { ConfigError, loadConfig, needsConfirmLive, testnetUrl, urlNet, venueTarget } from '../../src/config/index.js';
import { configSet, edited } from './config-set.js';

const env = { BINANCE_API_KEY: 'k', BINANCE_SECRET_KEY: 's', BYBIT_API_KEY: 'k', BYBIT_SECRET_KEY: 's' };

t.test('--testnet moves every URL to the testnets, paths kept', async (t) => {
  const cfg = loadConfig(configSet(t), { mode: 'live', env, testnet: true });
  t.equal(cfg.venues.profile, 'testnet');
  t.same(cfg.venues.binance.connection.websocket_url, 'wss://stream.testnet.binance.vision/ws');
  t.same(cfg.venues.binance.connection.rest_api_url, 'https://testnet.binance.vision');
  t.same(cfg.venues.binance.connection.ws_api_url, 'wss://ws-api.testnet.binance.vision/ws-api/v3');
  t.same(cfg.venues.bybit.connection.websocket_url, 'wss://stream-testnet.bybit.com/v5/public/spot');
  t.same(cfg.venues.bybit.connection.rest_api_url, 'https://api-testnet.bybit.com');
  t.same(cfg.venues.bybit.connection.ws_api_url, 'wss://stream-testnet.bybit.com/v5/trade');
});

t.test('profile = "testnet" in arbitrage.toml does the same', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'profile = "live"', 'profile = "testnet"') });
  const cfg = loadConfig(file, { mode: 'dry-run', env: {} });
  t.equal(cfg.venues.profile, 'testnet');
  t.equal(cfg.venues.bybit.connection.rest_api_url, 'https://api-testnet.bybit.com');
});

t.test('mixing testnet and mainnet URLs is refused, naming the keys', async (t) => {
  const file = configSet(t, { 'bybit.toml': edited('bybit.toml', 'https://api.bybit.com', 'https://api-testnet.bybit.com') });
  t.throws(() => loadConfig(file, { mode: 'dry-run', env: {} }), ConfigError);
  try {
    loadConfig(file, { mode: 'dry-run', env: {} });
  } catch (e) {
    t.match((e as Error).message, /bybit.toml: connection.rest_api_url: expected testnet and mainnet URLs not mixed \(mainnet: binance.websocket_url/);
  }
});

t.test('an unknown host under the testnet profile is refused', async (t) => {
  const file = configSet(t, { 'binance.toml': edited('binance.toml', 'https://api.binance.com', 'https://my-proxy.example.com') });
  t.throws(() => loadConfig(file, { mode: 'dry-run', env: {}, testnet: true }), /knows no testnet for this host/);
  t.doesNotThrow(() => loadConfig(file, { mode: 'dry-run', env: {} }), 'without the profile a proxy is allowed');
});

t.test('url classification and mapping', async (t) => {
  t.equal(urlNet('wss://stream.binance.com:9443/ws'), 'mainnet');
  t.equal(urlNet('https://testnet.binance.vision'), 'testnet');
  t.equal(urlNet('http://127.0.0.1:9001'), 'local');
  t.equal(urlNet('not a url'), 'other');
  t.equal(testnetUrl('https://fapi.binance.com'), 'https://testnet.binancefuture.com');
  t.equal(testnetUrl('https://api-testnet.bybit.com'), 'https://api-testnet.bybit.com', 'already testnet');
  t.equal(testnetUrl('https://example.com'), null);
});

t.test('venue target: profile "sim" honoured in live mode; confirm-live only for mainnet', async (t) => {
  const cfg = loadConfig(configSet(t), { mode: 'live', env });
  t.equal(venueTarget(cfg, undefined), 'mainnet');
  t.ok(needsConfirmLive(cfg, undefined));
  t.equal(venueTarget(cfg, 'sim'), 'sim');
  const sim = { ...cfg, venues: { ...cfg.venues, profile: 'sim' as const } };
  t.equal(venueTarget(sim, undefined), 'sim', 'live mode with profile sim talks to the simulator');
  t.equal(venueTarget(sim, 'live'), 'mainnet', '--venues live overrides it');
  t.notOk(needsConfirmLive(sim, undefined));
  const test = loadConfig(configSet(t), { mode: 'live', env, testnet: true });
  t.equal(venueTarget(test, undefined), 'testnet');
  t.notOk(needsConfirmLive(test, undefined));
});
