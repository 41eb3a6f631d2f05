/**
 * The schemas of arbitrage.toml and of a venue file, as fastest-validator rules.
 *
 * Each rule may carry two fields of ours that fastest-validator ignores: `unit` (shown in
 * messages and docs) and `expect` (the "expected ..." text when the generated one would be
 * unclear). `default` makes a key optional; the loader fills defaults before validating, so
 * `config check` can print the effective configuration. docs/configuration.md documents every
 * key here (a test checks that it names them all).
 */
import type { VenueName } from './types.js';

export interface Rule {
  type: string;
  optional?: boolean;
  default?: unknown;
  props?: Record<string, Rule>;
  items?: Rule;
  min?: number;
  max?: number;
  positive?: boolean;
  integer?: boolean;
  finite?: boolean;
  convert?: boolean;
  unique?: boolean;
  empty?: boolean;
  pattern?: RegExp;
  values?: readonly unknown[];
  unit?: string;
  expect?: string;
  custom?: (value: unknown, errors: { type: string; actual: unknown }[]) => unknown;
}

export type ObjectRule = Rule & { type: 'object'; props: Record<string, Rule> };

// ---- rule builders: keep the tables below readable --------------------------------------

interface NumOpts {
  min?: number;
  max?: number;
  positive?: boolean;
  integer?: boolean;
  unit?: string;
  default?: number;
  expect?: string;
}

function num(o: NumOpts): Rule {
  const r: Rule = { type: 'number', finite: true, convert: false };
  if (o.min !== undefined) r.min = o.min;
  if (o.max !== undefined) r.max = o.max;
  if (o.positive === true) r.positive = true;
  if (o.integer === true) r.integer = true;
  if (o.unit !== undefined) r.unit = o.unit;
  if (o.expect !== undefined) r.expect = o.expect;
  if (o.default !== undefined) {
    r.optional = true;
    r.default = o.default;
  }
  return r;
}

const int = (o: NumOpts): Rule => num({ ...o, integer: true });

function str(def?: string, expect?: string): Rule {
  const r: Rule = { type: 'string', empty: false };
  if (expect !== undefined) r.expect = expect;
  if (def !== undefined) {
    r.optional = true;
    r.default = def;
  }
  return r;
}

/** A string that may be empty ("" = unset), e.g. an optional URL or token. */
function optionalStr(expect: string): Rule {
  return { type: 'string', optional: true, default: '', expect };
}

function oneOf(values: readonly unknown[], def?: unknown): Rule {
  const r: Rule = { type: 'enum', values };
  if (def !== undefined) {
    r.optional = true;
    r.default = def;
  }
  return r;
}

function bool(def: boolean): Rule {
  return { type: 'boolean', convert: false, optional: true, default: def };
}

function urlRule(schemes: readonly string[], def?: string): Rule {
  const r: Rule = {
    type: 'string',
    pattern: new RegExp(`^(${schemes.join('|')})://[^\\s/?#]+[^\\s]*$`),
    expect: `a ${schemes.join(' or ')} URL`,
  };
  if (def !== undefined) {
    r.optional = true;
    r.default = def;
  }
  return r;
}

/** A table that must be present. */
function table(props: Record<string, Rule>): ObjectRule {
  return { type: 'object', props };
}

/** A table that may be left out: every key in it then takes its default. */
function optionalTable(props: Record<string, Rule>): ObjectRule {
  return { type: 'object', props, optional: true, default: {} };
}

function powerOfTwo(def: number): Rule {
  const r = int({ min: 2, max: 1 << 24, default: def, expect: 'a power of two from 2 to 16777216' });
  r.custom = (value, errors) => {
    if (typeof value === 'number' && Number.isInteger(value) && (value & (value - 1)) !== 0) {
      errors.push({ type: 'powerOfTwo', actual: value });
    }
    return value;
  };
  return r;
}

const SYMBOL_PATTERN = /^[A-Z0-9]{2,30}$/;
const symbolRule: Rule = { type: 'string', pattern: SYMBOL_PATTERN, expect: 'an upper-case symbol such as "BTCUSDT"' };
const LATENCY_MODELS = ['constant', 'normal', 'lognormal'] as const;
const MS_MAX = 3_600_000;

/** A base balance: one amount for every symbol, or a table of amounts by symbol. */
function baseBalance(): Rule {
  return {
    type: 'any',
    optional: true,
    default: 2.0,
    expect: 'a number ≥ 0 (every symbol) or a table of numbers ≥ 0 by symbol, e.g. { BTCUSDT = 2.0, ETHUSDT = 30 }',
    custom: (value, errors) => {
      const ok = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
      const table = value !== null && typeof value === 'object' && !Array.isArray(value);
      if (table ? !Object.entries(value as Record<string, unknown>).every(([k, x]) => SYMBOL_PATTERN.test(k) && ok(x)) : !ok(value)) {
        errors.push({ type: 'baseBalance', actual: value });
      }
      return value;
    },
  };
}

const balance = (): ObjectRule =>
  optionalTable({
    base: baseBalance(),
    quote: num({ min: 0, default: 200_000, unit: 'quote asset' }),
  });

// ---- arbitrage.toml --------------------------------------------------------------------

export const ARBITRAGE_SCHEMA: ObjectRule = table({
  strategy: table({
    symbol: symbolRule,
    symbols: {
      type: 'array',
      items: symbolRule,
      min: 1,
      unique: true,
      optional: true,
      expect: 'a non-empty list of distinct upper-case symbols such as ["BTCUSDT"]',
    },
    min_spread_bps: num({ min: 0, max: 10_000, unit: 'bps' }),
    max_position_size: num({ positive: true, unit: 'base units' }),
    rebalance_threshold: num({ positive: true, max: 1, unit: 'fraction' }),
    rebalance_floor_bps: num({ min: -10_000, max: 10_000, default: 0, unit: 'bps' }),
    rebalance_transfer_after_ms: num({ min: 0, max: 604_800_000, default: 0, unit: 'ms' }),
    rebalance_transfer_delay_ms: num({ min: 0, max: 604_800_000, default: 600_000, unit: 'ms' }),
    rebalance_transfer_fee_base: num({ min: 0, default: 0, unit: 'base units' }),
    rebalance_transfer_fee_quote: num({ min: 0, default: 0, unit: 'quote units' }),
    taken_level_decay_ms: num({ min: 1, max: 3_600_000, default: 1000, unit: 'ms' }),
  }),
  risk: table({
    max_drawdown: num({ positive: true, max: 1, unit: 'fraction of starting equity' }),
    stop_loss_bps: num({ positive: true, max: 10_000, unit: 'bps' }),
    position_limit: num({ positive: true, unit: 'base units' }),
    max_orders_per_second: int({ min: 1, max: 10_000, default: 10, unit: 'orders/s' }),
    price_band_bps: num({ positive: true, max: 10_000, default: 100, unit: 'bps' }),
    kill_switch_file: str('KILL', 'a non-empty file path'),
    max_notional_per_trade: num({ positive: true, default: 100_000, unit: 'quote units' }),
    stale_book_ms: int({ min: 1, max: MS_MAX, default: 500, unit: 'ms' }),
    hedge_timeout_ms: int({ min: 1, max: MS_MAX, default: 1000, unit: 'ms' }),
    max_feed_lag_ms: int({ min: 1, max: MS_MAX, default: 500, unit: 'ms' }),
    breaker_rejects: int({ min: 1, max: 1_000_000, default: 5, unit: 'rejects' }),
    breaker_cooldown_ms: int({ min: 0, max: MS_MAX, default: 60_000, unit: 'ms' }),
    // An order of unknown status this long is put to the executor for a verdict (0 = 3 × order_timeout_ms).
    reconcile_after_ms: int({ min: 0, max: MS_MAX, default: 0, unit: 'ms; 0 = 3 × execution.order_timeout_ms' }),
  }),
  execution: table({
    order_timeout_ms: int({ min: 1, max: MS_MAX, unit: 'ms' }),
    slippage_tolerance: num({ min: 0, max: 0.1, unit: 'fraction; 0.001 = 10 bps' }),
    entry_latency_model: oneOf(LATENCY_MODELS, 'constant'),
    entry_latency_mean_ms: num({ min: 0, max: 60_000, default: 1.0, unit: 'ms' }),
    entry_latency_std_ms: num({ min: 0, max: 60_000, default: 0, unit: 'ms' }),
    response_latency_model: oneOf(LATENCY_MODELS, 'constant'),
    response_latency_mean_ms: num({ min: 0, max: 60_000, default: 1.0, unit: 'ms' }),
    response_latency_std_ms: num({ min: 0, max: 60_000, default: 0, unit: 'ms' }),
    initial_balances: optionalTable({ binance: balance(), bybit: balance() }),
    // Live: a Binance commission paid in BNB is booked at this price (fee-units.ts).
    bnb_price_quote: num({ min: 0, max: 1e9, default: 0, unit: 'quote units per BNB; 0 = unknown: BNB fees estimated at the taker rate' }),
    // Live mode: the venues' rules kept during the run (docs/live.md, "The venues' rules").
    live: optionalTable({
      usage_margin: num({ min: 0, max: 0.9, default: 0.2, unit: 'fraction of each venue limit left unused' }),
      clock_resync_s: num({ min: 1, max: 3600, default: 60, unit: 's' }),
      // Symbol filters (tick, step, minimums) read again this often; 0 = only at start.
      filter_refresh_s: num({ min: 0, max: 86_400, default: 300, unit: 's; 0 = only at start' }),
      balance_check_s: num({ min: 0, max: 86_400, default: 30, unit: 's; 0 = off' }),
      balance_tolerance: num({ min: 0, max: 1, default: 0.002, unit: 'fraction of the expected balance' }),
      max_unresolved_orders: int({ min: 1, max: 1000, default: 3, unit: 'orders' }),
      // Exposure a crashed run left (docs/live.md, "Restarts"): halt (default) | adopt | flatten.
      leftover_exposure: oneOf(['halt', 'adopt', 'flatten'], 'halt'),
      // At start, the venues' balances against the latest live run's journal (docs/live.md, "Restarts").
      start_balance_check: oneOf(['warn', 'halt', 'off'], 'warn'),
      // While idle, the order path is run on a synthetic pair this often (docs/latency.md, "Keep-warm").
      keep_warm_us: int({ min: 0, max: 1_000_000, default: 1000, unit: 'µs; 0 = off' }),
    }),
  }),
  engine: optionalTable({
    wait_strategy: oneOf(['auto', 'spin-then-park', 'busy-spin', 'park'], 'auto'),
    spin_polls: int({ min: 0, max: 100_000_000, default: 2000, unit: 'polls' }),
    park_timeout_ms: num({ min: 0, max: 60_000, default: 10, unit: 'ms' }),
    // Live: the executor's thread sleeps this long right after a pair is on the wire (docs/latency.md).
    yield_after_pair_us: int({ min: 0, max: 10_000, default: 250, unit: 'µs; 0 = off' }),
    dry_run_executor: oneOf(['strategy-thread', 'own-thread'], 'strategy-thread'),
    live_executor: oneOf(['auto', 'strategy-thread', 'own-thread'], 'auto'),
    feed_ring_slots: powerOfTwo(4096),
    order_ring_slots: powerOfTwo(1024),
    depth_levels: int({ min: 1, max: 50, default: 10, unit: 'levels' }),
    stale_feed_ms: int({ min: 1, max: MS_MAX, default: 5000, unit: 'ms' }),
    histogram_interval_ms: int({ min: 100, max: MS_MAX, default: 1000, unit: 'ms' }),
  }),
  fees: optionalTable({
    binance_taker_bps: num({ min: 0, max: 1000, default: 10, unit: 'bps' }),
    binance_maker_bps: num({ min: -100, max: 1000, default: 10, unit: 'bps' }),
    bybit_taker_bps: num({ min: 0, max: 1000, default: 10, unit: 'bps' }),
    bybit_maker_bps: num({ min: -100, max: 1000, default: 10, unit: 'bps' }),
  }),
  monitor: optionalTable({
    enabled: bool(true),
    host: str('127.0.0.1', 'a non-empty host name or IP address'),
    port: int({ min: 0, max: 65_535, default: 9464, unit: 'TCP port; 0 = any free port' }),
    status_interval_ms: int({ min: 100, max: MS_MAX, default: 5000, unit: 'ms' }),
    // Bearer token for every monitor endpoint and the dashboard's WebSocket; required when
    // host is not loopback (src/monitor/auth.ts). "" = none.
    token: optionalStr('a bearer token (e.g. "${XARB_MONITOR_TOKEN}"), at least 16 characters when set'),
    alerts: optionalTable({
      enabled: bool(true),
      webhook_url: optionalStr('an http(s) URL receiving the alert as JSON, or "" for none'),
      slack_webhook_url: optionalStr('a Slack incoming-webhook URL, or "" for none'),
      telegram_url: optionalStr('a Telegram bot sendMessage URL (https://api.telegram.org/bot<TOKEN>/sendMessage), or "" for none'),
      telegram_chat_id: optionalStr('the Telegram chat id to post to, or "" for none'),
      repeat_interval_ms: int({ min: 0, max: MS_MAX, default: 300_000, unit: 'ms' }),
      max_per_minute: int({ min: 1, max: 10_000, default: 20, unit: 'webhook posts per minute' }),
      event_hold_ms: int({ min: 100, max: MS_MAX, default: 60_000, unit: 'ms' }),
      feed_down_ms: int({ min: 0, max: MS_MAX, default: 5000, unit: 'ms' }),
      silent_feed_ms: int({ min: 100, max: MS_MAX, default: 3000, unit: 'ms' }),
      book_unusable_ms: int({ min: 100, max: MS_MAX, default: 10_000, unit: 'ms' }),
      spread_abs_bps: num({ min: 0, max: 100_000, default: 150, unit: 'bps; 0 = off' }),
      spread_zscore: num({ min: 0, max: 1000, default: 0, unit: 'standard deviations; 0 = off' }),
      spread_window_s: int({ min: 10, max: 86_400, default: 300, unit: 's' }),
      drawdown: num({ min: 0, max: 1, default: 0.03, unit: 'fraction of starting equity; 0 = off' }),
      exposure_fraction: num({ min: 0, max: 1, default: 0.8, unit: 'fraction of risk.position_limit; 0 = off' }),
      unresolved_order_ms: int({ min: 100, max: MS_MAX, default: 30_000, unit: 'ms' }),
      event_loop_lag_ms: num({ min: 1, max: 60_000, default: 200, unit: 'ms' }),
      gc_pause_ms: num({ min: 1, max: 60_000, default: 500, unit: 'ms' }),
      memory_mb: int({ min: 1, max: 1_048_576, default: 2048, unit: 'MiB resident' }),
      disk_free_mb: int({ min: 0, max: 1_048_576, default: 256, unit: 'MiB free in the runs directory; 0 = off' }),
    }),
  }),
  backtest: optionalTable({
    data_dir: str('data', 'a non-empty directory path'),
    feed_latency_ms: num({ min: 0, max: 60_000, default: 0, unit: 'ms' }),
    liquidity_decay_ms: num({ min: 1, max: 3_600_000, default: 1000, unit: 'ms' }),
    market_impact: num({ min: 0, max: 1, default: 0, unit: 'fraction' }),
    fill_ratio: num({ positive: true, max: 1, default: 1, unit: 'fraction of displayed size' }),
    seed: int({ min: 0, max: 4_294_967_295, default: 1 }),
  }),
  log: optionalTable({
    level: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
    pretty: oneOf(['auto', true, false], 'auto'),
  }),
  venues: optionalTable({
    binance: str('binance.toml', 'a path to the Binance venue file, relative to arbitrage.toml'),
    bybit: str('bybit.toml', 'a path to the Bybit venue file, relative to arbitrage.toml'),
    profile: oneOf(['live', 'sim', 'testnet'], 'live'),
    sim_host: str('127.0.0.1', 'a non-empty host name or IP address'),
    sim_port: int({ min: 0, max: 65_535, default: 0, unit: 'TCP port; 0 = pick a free port at start' }),
  }),
});

// ---- binance.toml / bybit.toml ---------------------------------------------------------

/** The venues' documented WebSocket order-entry endpoints (docs/VENUES.md). */
export const DEFAULT_WS_API_URL: Record<VenueName, string> = {
  binance: 'wss://ws-api.binance.com:443/ws-api/v3',
  bybit: 'wss://stream.bybit.com/v5/trade',
};

export function venueSchema(venue: VenueName): ObjectRule {
  return table({
    connection: table({
      websocket_url: urlRule(['wss', 'ws']),
      rest_api_url: urlRule(['https', 'http']),
      ws_api_url: urlRule(['wss', 'ws'], DEFAULT_WS_API_URL[venue]),
      // "linear": Binance USD-M futures (fstream/fapi hosts, `pu`-chained diff depth) or Bybit
      // USDT perpetuals (`/v5/public/linear`, category=linear REST) on the same host as spot.
      market: oneOf(['spot', 'linear'], 'spot'),
      // Small for IOC arbitrage: an order whose answer is lost is known "not placed" this soon after (unknown-order.ts).
      recv_window_ms: int({ min: 1, max: 60_000, default: 1000, unit: 'ms' }),
      // Live orders: over ws_api_url (default; REST is the fallback while it is down) or REST only.
      order_entry: oneOf(['ws', 'rest'], 'ws'),
      reconnect_min_ms: int({ min: 1, max: MS_MAX, default: 250, unit: 'ms' }),
      reconnect_max_ms: int({ min: 1, max: MS_MAX, default: 30_000, unit: 'ms' }),
    }),
    auth: optionalTable({
      // May be empty (dry-run); the loader requires them to be set in live mode.
      api_key: { type: 'string', optional: true, default: '', expect: 'a string' },
      secret_key: { type: 'string', optional: true, default: '', expect: 'a string' },
      // "ed25519" (Binance): api_key plus an Ed25519 private key (PEM) from private_key_path or private_key.
      key_type: oneOf(['hmac', 'ed25519'], 'hmac'),
      private_key_path: { type: 'string', optional: true, default: '', expect: 'a path to a PEM file' },
      private_key: { type: 'string', optional: true, default: '', expect: 'PEM text (e.g. "${BINANCE_PRIVATE_KEY}")' },
    }),
  });
}

// ---- walking the schema ----------------------------------------------------------------

/** The rule for a fastest-validator field path such as "strategy.symbols[0]". */
export function ruleAt(root: Rule, field: string): Rule | undefined {
  let rule: Rule | undefined = root;
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null || rule === undefined) return undefined;
    if (m[1] !== '') rule = rule.props?.[m[1]!];
    const depth = (m[2]!.match(/\[/g) ?? []).length;
    for (let i = 0; i < depth && rule !== undefined; i++) rule = rule.items;
  }
  return rule;
}

/** Every leaf key path of a schema, e.g. "engine.spin_polls" (for docs and "did you mean"). */
export function leafPaths(rule: Rule, prefix = ''): string[] {
  if (rule.type !== 'object' || rule.props === undefined) return [prefix];
  const out: string[] = [];
  for (const [k, r] of Object.entries(rule.props)) out.push(...leafPaths(r, prefix === '' ? k : `${prefix}.${k}`));
  return out;
}

/** What a rule accepts, in words, for "expected ..." in messages. */
export function describeRule(rule: Rule): string {
  if (rule.expect !== undefined) return rule.expect;
  const unit = rule.unit !== undefined ? ` (${rule.unit})` : '';
  switch (rule.type) {
    case 'number': {
      const what = rule.integer === true ? 'an integer' : 'a number';
      const low = rule.positive === true ? '> 0' : rule.min !== undefined ? `≥ ${rule.min}` : undefined;
      if (rule.min !== undefined && rule.max !== undefined && rule.positive !== true) {
        return `${what} from ${rule.min} to ${rule.max}${unit}`;
      }
      const parts = [low, rule.max !== undefined ? `≤ ${rule.max}` : undefined].filter((p) => p !== undefined);
      return `${what}${parts.length > 0 ? ' ' + parts.join(' and ') : ''}${unit}`;
    }
    case 'string':
      return rule.empty === false ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return 'one of ' + (rule.values ?? []).map((v) => JSON.stringify(v)).join(', ');
    case 'array':
      return 'a list of ' + (rule.items !== undefined ? describeRule(rule.items) : 'values');
    case 'object':
      return 'a table';
    default:
      return rule.type;
  }
}
