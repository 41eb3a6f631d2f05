import t from 'tap';
import path from 'node:path';
import { ConfigError, baseBalanceOf, loadConfig, type ConfigProblem } from '../../src/config/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { configSet, edited, MINIMAL_ARBITRAGE, minimalVenue } from './config-set.js';

const SHIPPED = path.join(REPO_ROOT, 'config', 'arbitrage.toml');
const LIVE_ENV = {
  BINANCE_API_KEY: 'binance-key-123',
  BINANCE_SECRET_KEY: 'binance-secret-456',
  BYBIT_API_KEY: 'bybit-key-789',
  BYBIT_SECRET_KEY: 'bybit-secret-000',
};

/** The problems loadConfig reports (fails the test if it does not throw a ConfigError). */
function problemsOf(arbitragePath: string, mode: 'dry-run' | 'live', env: NodeJS.ProcessEnv = {}): readonly ConfigProblem[] {
  try {
    loadConfig(arbitragePath, { mode, env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

t.test('the shipped config set loads in dry-run without any credentials', async (t) => {
  const cfg = loadConfig(SHIPPED, { mode: 'dry-run', env: {} });
  t.equal(cfg.mode, 'dry-run');
  t.equal(cfg.strategy.symbol, 'BTCUSDT');
  t.same(cfg.strategy.symbols, ['BTCUSDT'], 'symbols defaults to [symbol]');
  t.equal(cfg.strategy.min_spread_bps, 10);
  t.equal(cfg.risk.max_drawdown, 0.05);
  t.equal(cfg.execution.order_timeout_ms, 5000);
  t.equal(cfg.venues.binance.connection.websocket_url, 'wss://stream.binance.com:9443/ws');
  t.equal(cfg.venues.bybit.connection.rest_api_url, 'https://api.bybit.com');
  t.equal(cfg.venues.binance.auth.api_key, '', 'an unset ${VAR} in a secret becomes "" in dry-run');
  t.equal(cfg.venues.bybit.auth.secret_key, '');
  t.equal(cfg.sourceFiles.binance, path.join(REPO_ROOT, 'config', 'binance.toml'));
});

t.test('the shipped config set loads in live mode when the credentials are set', async (t) => {
  const cfg = loadConfig(SHIPPED, { mode: 'live', env: LIVE_ENV });
  t.equal(cfg.venues.binance.auth.api_key, 'binance-key-123');
  t.equal(cfg.venues.bybit.auth.secret_key, 'bybit-secret-000');
});

t.test('keys left out take their documented defaults', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': MINIMAL_ARBITRAGE, 'binance.toml': minimalVenue('binance'), 'bybit.toml': minimalVenue('bybit') });
  const cfg = loadConfig(file, { mode: 'dry-run', env: {} });
  t.same(cfg.engine, {
    wait_strategy: 'auto',
    spin_polls: 2000,
    dry_run_executor: 'strategy-thread',
    live_executor: 'auto',
    park_timeout_ms: 10,
    yield_after_pair_us: 250,
    feed_ring_slots: 4096,
    order_ring_slots: 1024,
    depth_levels: 10,
    stale_feed_ms: 5000,
    histogram_interval_ms: 1000,
  });
  t.same(cfg.fees, { binance_taker_bps: 10, binance_maker_bps: 10, bybit_taker_bps: 10, bybit_maker_bps: 10 });
  const { alerts, ...monitor } = cfg.monitor;
  t.same(monitor, { enabled: true, host: '127.0.0.1', port: 9464, status_interval_ms: 5000, token: '' });
  t.same({ enabled: alerts.enabled, webhook_url: alerts.webhook_url, repeat_interval_ms: alerts.repeat_interval_ms, spread_abs_bps: alerts.spread_abs_bps },
    { enabled: true, webhook_url: '', repeat_interval_ms: 300_000, spread_abs_bps: 150 });
  t.same(cfg.backtest, { data_dir: 'data', feed_latency_ms: 0, liquidity_decay_ms: 1000, market_impact: 0, fill_ratio: 1, seed: 1 });
  t.same(cfg.log, { level: 'info', pretty: 'auto' });
  t.equal(cfg.risk.max_orders_per_second, 10);
  t.equal(cfg.risk.price_band_bps, 100);
  t.equal(cfg.risk.kill_switch_file, 'KILL');
  t.equal(cfg.risk.max_notional_per_trade, 100000);
  t.equal(cfg.risk.stale_book_ms, 500);
  t.equal(cfg.risk.hedge_timeout_ms, 1000);
  t.equal(cfg.execution.entry_latency_model, 'constant');
  t.equal(cfg.execution.entry_latency_mean_ms, 1);
  t.equal(cfg.execution.response_latency_std_ms, 0);
  t.same(cfg.execution.initial_balances, { binance: { base: 2, quote: 200000 }, bybit: { base: 2, quote: 200000 } });
  t.equal(cfg.venues.profile, 'live');
  t.equal(cfg.venues.sim_host, '127.0.0.1');
  t.equal(cfg.venues.sim_port, 0);
  t.equal(cfg.venues.binance.connection.ws_api_url, 'wss://ws-api.binance.com:443/ws-api/v3');
  t.equal(cfg.venues.bybit.connection.ws_api_url, 'wss://stream.bybit.com/v5/trade');
  t.same(
    { ...cfg.venues.bybit.connection, websocket_url: undefined, rest_api_url: undefined, ws_api_url: undefined },
    { websocket_url: undefined, rest_api_url: undefined, ws_api_url: undefined, market: 'spot', recv_window_ms: 1000, order_entry: 'ws', reconnect_min_ms: 250, reconnect_max_ms: 30000 },
  );
});

t.test('a venue file without [auth] is fine in dry-run', async (t) => {
  const noAuth = minimalVenue('bybit').replace(/\[auth\][\s\S]*$/, '');
  const file = configSet(t, { 'bybit.toml': noAuth });
  const cfg = loadConfig(file, { mode: 'dry-run', env: {} });
  t.same(cfg.venues.bybit.auth, { api_key: '', secret_key: '', key_type: 'hmac', private_key_path: '', private_key: '' });
});

t.test('venue files are found through [venues], relative to arbitrage.toml', async (t) => {
  const arb = MINIMAL_ARBITRAGE + '[venues]\nbinance = "b.toml"\nbybit = "binance.toml"\n';
  const file = configSet(t, { 'arbitrage.toml': arb, 'bybit.toml': null });
  const problems = problemsOf(file, 'dry-run');
  t.equal(problems.length, 1);
  t.equal(problems[0]!.path, 'venues.binance');
  t.match(problems[0]!.found, /"b\.toml", but .*b\.toml does not exist/);
  t.match(problems[0]!.file, /arbitrage\.toml$/);
});

t.test('symbols: an explicit list must contain symbol', async (t) => {
  const ok = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', '# symbols = ["BTCUSDT", "ETHUSDT"]', 'symbols = ["BTCUSDT", "ETHUSDT"]') });
  t.same(loadConfig(ok, { mode: 'dry-run', env: {} }).strategy.symbols, ['BTCUSDT', 'ETHUSDT']);
  const bad = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', '# symbols = ["BTCUSDT", "ETHUSDT"]', 'symbols = ["ETHUSDT"]') });
  const [p] = problemsOf(bad, 'dry-run');
  t.equal(p!.path, 'strategy.symbols');
  t.match(p!.expected, /contains strategy\.symbol \("BTCUSDT"\)/);
});

t.test('a TOML syntax error names the file, line and column', async (t) => {
  const file = configSet(t, { 'binance.toml': edited('binance.toml', 'market = "spot"', 'market = = "spot"') });
  const [p] = problemsOf(file, 'dry-run');
  t.match(p!.file, /binance\.toml$/);
  t.equal(p!.line, 7);
  t.type(p!.column, 'number');
  t.match(p!.found, /TOML syntax error/);
});

t.test('a TOML syntax error on a secret line does not echo the line', async (t) => {
  const file = configSet(t, { 'bybit.toml': edited('bybit.toml', 'api_key = "${BYBIT_API_KEY}"', 'api_key = "sk-LEAKY-LITERAL') });
  const problems = problemsOf(file, 'dry-run');
  t.notMatch(JSON.stringify(problems), /LEAKY/);
});

t.test('wrong types, out-of-range values and bad enums are reported with what was expected and found', async (t) => {
  const arb = edited('arbitrage.toml', 'min_spread_bps = 10', 'min_spread_bps = "ten"')
    .replace('max_drawdown = 0.05', 'max_drawdown = 1.5')
    .replace('feed_ring_slots = 4096', 'feed_ring_slots = 3000')
    .replace('depth_levels = 10', 'depth_levels = 51')
    .replace('wait_strategy = "auto"', 'wait_strategy = "yield"')
    .replace('enabled = true', 'enabled = "yes"');
  const problems = problemsOf(configSet(t, { 'arbitrage.toml': arb }), 'dry-run');
  const byPath = new Map(problems.map((p) => [p.path, p]));
  t.same([...byPath.keys()].sort(), [
    'engine.depth_levels',
    'engine.feed_ring_slots',
    'engine.wait_strategy',
    'monitor.enabled',
    'risk.max_drawdown',
    'strategy.min_spread_bps',
  ]);
  t.match(byPath.get('strategy.min_spread_bps'), { expected: 'a number from 0 to 10000 (bps)', found: '"ten"' });
  t.match(byPath.get('risk.max_drawdown'), { expected: /> 0 and ≤ 1/, found: '1.5' });
  t.match(byPath.get('engine.feed_ring_slots'), { expected: /power of two/, found: '3000' });
  t.match(byPath.get('engine.depth_levels'), { expected: 'an integer from 1 to 50 (levels)', found: '51' });
  t.match(byPath.get('engine.wait_strategy'), { expected: /"auto", "spin-then-park", "busy-spin", "park"/, found: '"yield"' });
  t.match(byPath.get('monitor.enabled'), { expected: 'true or false', found: '"yes"' });
});

t.test('a negative value where only positive ones make sense', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'min_spread_bps = 10', 'min_spread_bps = -5') });
  const [p] = problemsOf(file, 'dry-run');
  t.match(p, { path: 'strategy.min_spread_bps', found: '-5' });
});

t.test('a missing required key is reported as missing', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'order_timeout_ms = 5000\n', '') });
  const [p] = problemsOf(file, 'dry-run');
  t.match(p, { path: 'execution.order_timeout_ms', found: /missing/ });
});

t.test('unknown keys are errors, with a suggestion when one is close', async (t) => {
  const arb = edited('arbitrage.toml', 'min_spread_bps = 10', 'min_sprad_bps = 10')
    .replace('[monitor]', 'stale_book_ms = 10\n\n[monitor]') // right key, wrong table ([fees])
    .replace('[log]', '[logging]');
  const problems = problemsOf(configSet(t, { 'arbitrage.toml': arb }), 'dry-run');
  const byPath = new Map(problems.map((p) => [p.path, p]));
  t.match(byPath.get('strategy.min_sprad_bps'), { found: 'unknown key "min_sprad_bps"', hint: 'did you mean "strategy.min_spread_bps"?' });
  t.match(byPath.get('fees.stale_book_ms'), { hint: 'did you mean "risk.stale_book_ms"?' });
  t.match(byPath.get('logging'), { hint: 'did you mean "log"?' });
  t.ok(byPath.has('strategy.min_spread_bps'), 'and the real key is then missing');
});

t.test('${VAR} is replaced from the environment in any string', async (t) => {
  const file = configSet(t, { 'binance.toml': edited('binance.toml', 'rest_api_url = "https://api.binance.com"', 'rest_api_url = "https://${BN_HOST}"') });
  const cfg = loadConfig(file, { mode: 'dry-run', env: { BN_HOST: 'api1.binance.com' } });
  t.equal(cfg.venues.binance.connection.rest_api_url, 'https://api1.binance.com');
  const [p] = problemsOf(file, 'dry-run', {});
  t.match(p, { path: 'connection.rest_api_url', expected: /BN_HOST to be set/, found: /BN_HOST is not set/ });
});

t.test('live mode: each unset credential variable is named with its file and key', async (t) => {
  const problems = problemsOf(SHIPPED, 'live', { BINANCE_API_KEY: 'binance-key-123', BYBIT_SECRET_KEY: 'bybit-secret-000' });
  t.same(
    problems.map((p) => [path.basename(p.file), p.path]),
    [
      ['binance.toml', 'auth.secret_key'],
      ['bybit.toml', 'auth.api_key'],
    ],
  );
  t.match(problems[0]!.expected, /BINANCE_SECRET_KEY/);
  t.match(problems[1]!.expected, /BYBIT_API_KEY/);
  t.notMatch(JSON.stringify(problems), /binance-key-123|bybit-secret-000/);
});

t.test('live mode: an empty or malformed credential is reported without its value', async (t) => {
  const secret = 'TOP SECRET\nVALUE';
  const problems = problemsOf(SHIPPED, 'live', { ...LIVE_ENV, BINANCE_API_KEY: '', BYBIT_SECRET_KEY: secret });
  t.same(problems.map((p) => p.path), ['auth.api_key', 'auth.secret_key']);
  t.equal(problems[0]!.found, 'an empty string');
  t.equal(problems[1]!.found, '<redacted>');
  t.notMatch(JSON.stringify(problems), /TOP SECRET/);
});

t.test('a secret of the wrong type is not echoed', async (t) => {
  const file = configSet(t, { 'binance.toml': edited('binance.toml', 'api_key = "${BINANCE_API_KEY}"', 'api_key = 98765432123') });
  const [p] = problemsOf(file, 'dry-run');
  t.match(p, { path: 'auth.api_key', found: '<redacted>' });
});

t.test('a secret variable used in a non-secret key is not echoed either', async (t) => {
  const file = configSet(t, { 'binance.toml': edited('binance.toml', 'rest_api_url = "https://api.binance.com"', 'rest_api_url = "${BINANCE_SECRET_KEY}"') });
  const problems = problemsOf(file, 'dry-run', { BINANCE_SECRET_KEY: 'hunter2-very-secret' });
  t.equal(problems.length, 1);
  t.equal(problems[0]!.found, '<redacted>');
});

t.test('every problem in every file is reported at once', async (t) => {
  const file = configSet(t, {
    'arbitrage.toml': edited('arbitrage.toml', 'slippage_tolerance = 0.001', 'slippage_tolerance = 0.5'),
    'binance.toml': edited('binance.toml', 'recv_window_ms = 1000', 'recv_window_ms = 0'),
    'bybit.toml': edited('bybit.toml', 'reconnect_min_ms = 250', 'reconnect_min_ms = 60000'),
  });
  const problems = problemsOf(file, 'dry-run');
  t.same(
    problems.map((p) => `${path.basename(p.file)} ${p.path}`).sort(),
    ['arbitrage.toml execution.slippage_tolerance', 'binance.toml connection.recv_window_ms', 'bybit.toml connection.reconnect_min_ms'],
  );
});

t.test('a missing arbitrage.toml is one clear problem', async (t) => {
  const [p] = problemsOf(path.join(REPO_ROOT, 'config', 'no-such.toml'), 'dry-run');
  t.match(p, { path: '', found: /does not exist/ });
});

t.test('ConfigError.message lists every problem, one per line', async (t) => {
  const file = configSet(t, { 'arbitrage.toml': edited('arbitrage.toml', 'stop_loss_bps = 50', 'stop_loss_bps = 0').replace('seed = 1', 'seed = 1.5') });
  try {
    loadConfig(file, { mode: 'dry-run', env: {} });
    t.fail('should throw');
  } catch (err) {
    t.type(err, ConfigError);
    const lines = (err as Error).message.split('\n');
    t.match(lines[0], /2 problems/);
    t.match(lines[1], /arbitrage\.toml: risk\.stop_loss_bps: expected a number > 0 and ≤ 10000 \(bps\), found 0$/);
    t.match(lines[2], /arbitrage\.toml: backtest\.seed: expected an integer from 0 to 4294967295, found 1\.5$/);
  }
});

t.test('initial_balances: one base for every symbol, or a base per symbol', async (t) => {
  const perSymbol = configSet(t, {
    'arbitrage.toml': edited('arbitrage.toml', 'binance = { base = 2.0, quote = 200000 }', 'binance = { base = { BTCUSDT = 2.5, ETHUSDT = 30 }, quote = 200000 }'),
  });
  const cfg = loadConfig(perSymbol, { mode: 'dry-run', env: {} });
  t.same(cfg.execution.initial_balances.binance.base, { BTCUSDT: 2.5, ETHUSDT: 30 });
  t.equal(baseBalanceOf(cfg.execution.initial_balances.binance, 'ETHUSDT'), 30);
  t.equal(baseBalanceOf(cfg.execution.initial_balances.bybit, 'ETHUSDT'), 2, 'the old form: one amount for every symbol');
  t.equal(baseBalanceOf(cfg.execution.initial_balances.binance, 'SOLUSDT'), 0, 'a symbol left out of the table holds none');
  const bad = configSet(t, {
    'arbitrage.toml': edited('arbitrage.toml', 'binance = { base = 2.0, quote = 200000 }', 'binance = { base = { BTCUSDT = -1 }, quote = 200000 }'),
  });
  const problems = problemsOf(bad, 'dry-run');
  t.match(problems, [{ path: 'execution.initial_balances.binance.base', expected: /a table of numbers ≥ 0 by symbol/ }]);
});
