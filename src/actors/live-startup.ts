/**
 * Live mode, before the strategy may trade: the venues' own word on the accounts behind the
 * keys (docs/live.md "Wiring"):
 *
 * 1. key permissions (Binance `account()`, Bybit `keyInfo()`) → `checkKeyPermissions`: a key
 *    that cannot trade refuses the start; one that can withdraw is a loud warning;
 * 2. fee rates (`commission()`, `feeRate()`) → `checkFeeRates` against `[fees]`: warnings;
 * 3. `reconcileAtStart` over both venues' `snapshot()` and the earlier runs of the runs folder
 *    (`readEarlierRuns`): its verdict is logged (orders of crashed runs matched by client id,
 *    leftover exposure), xarb orders still open are cancelled, and trading is refused when
 *    the verdict says `canTrade = false`.
 *
 * 4. the strategy's starting balances: the venues' balances after reconciliation and the
 *    cancels (start-balances.ts); `[execution.initial_balances]` is only compared with them.
 *
 * Leftover exposure (`execution.live.leftover_exposure`): `halt` (default) refuses the start;
 * `adopt` and `flatten` return the exposures for the strategy (a hedging round, or an
 * unwinding one: supervisor → strategy worker). A Binance Ed25519 key signs the account REST
 * with Ed25519 (base64 signature of the query string), like its orders.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { XarbConfig } from '../config/index.js';
import type { VenueFilters } from '../strategy/config.js';
import { BinanceAccountRest } from '../venues/binance/account-rest.js';
import { BybitAccountRest } from '../venues/bybit/account-rest.js';
import { checkFeeRates, checkKeyPermissions, type FeeRates, type KeyPermissions } from '../execution/start-checks.js';
import { DEFAULT_CLIENT_ID_PATTERN, reconcileAtStart, type EarlierRun, type ReconcileVerdict, type VenueSnapshot } from '../execution/reconcile.js';
import { readEarlierRuns } from '../execution/earlier-runs.js';
import { startBalancesFromVenues } from '../execution/start-balances.js';
import { loadEd25519PrivateKey } from '../execution/live/signer.js';
import type { VenueBalances } from '../strategy/config.js';
import { readFileSync } from 'node:fs';
import { VENUE_BINANCE, VENUE_BYBIT } from '../core/records.js';
import { PoolTransport } from '../execution/live/pool-transport.js';
import { measureClockOffset } from '../execution/live/server-time.js';

export interface LiveStartupOptions {
  cfg: XarbConfig;
  symbols: readonly string[];
  filters: VenueFilters;
  runDir: string;
  runId: string;
  log: Logger;
  /** The venues are a simulator this process just started: no earlier run's order can be there. */
  freshVenues: boolean;
  /** Look-back of the venues' order history and fills (ms; Binance allows ≤ 24 h per query). */
  lookbackMs?: number;
  nowMs?: () => number;
  /** The config's `[execution.initial_balances]` as strategy balances: compared with the venues'. */
  configuredBalances?: VenueBalances;
}

export interface LiveStartupResult {
  ok: boolean;
  /** One line: why trading is refused ('' when ok). */
  reason: string;
  verdict: ReconcileVerdict | null;
  /** The venues' balances for the strategy (null when the checks failed or no balances were given to compare). */
  balances: VenueBalances | null;
}

const LOOKBACK_MS = 23 * 3600_000;

export async function liveStartupChecks(o: LiveStartupOptions): Promise<LiveStartupResult> {
  const { cfg, log } = o;
  const now = o.nowMs ?? Date.now;
  // The signed reads are stamped with the venue's clock, as the orders are: a host clock off by
  // more than the (small) recvWindow would otherwise have every start-up read refused (-1021 /
  // 10002). Measured once here (the executor keeps re-measuring during the run).
  const offsets = o.nowMs === undefined ? await venueClockOffsets(cfg, log) : { binance: 0, bybit: 0 };
  const rest = (v: 'binance' | 'bybit') => {
    const c = cfg.venues[v].connection;
    const a = cfg.venues[v].auth;
    return { baseUrl: c.rest_api_url, apiKey: a.api_key, secretKey: a.secret_key, recvWindowMs: c.recv_window_ms, venueNowMs: () => now() + offsets[v], timeoutMs: 5000 };
  };
  const bnAuth = cfg.venues.binance.auth;
  let bn: BinanceAccountRest;
  try {
    bn = new BinanceAccountRest(bnAuth.key_type !== 'ed25519' ? rest('binance') : {
      ...rest('binance'), ed25519Key: loadEd25519PrivateKey(bnAuth.private_key !== '' ? bnAuth.private_key : readFileSync(bnAuth.private_key_path, 'utf8'), 'binance auth.private_key'),
    });
  } catch (e) {
    return { ok: false, reason: `binance key unusable: ${(e as Error).message}`, verdict: null, balances: null };
  }
  // Bybit keys are HMAC (config check refuses Ed25519 there: Bybit signs with HMAC or RSA).
  const bb: BybitAccountRest | null = cfg.venues.bybit.auth.key_type !== 'ed25519' ? new BybitAccountRest(rest('bybit')) : null;
  if (bb === null) log.warn({ venue: 'bybit' }, 'live start-up: account checks skipped (Bybit keys sign with HMAC; this key is Ed25519)');
  const policy = cfg.execution.live?.leftover_exposure ?? 'halt';
  try {
    // 1. Permissions.
    const keys: KeyPermissions[] = [];
    const fees: FeeRates[] = [];
    {
      const acct = await bn.account();
      keys.push({ venue: 'binance', canTrade: acct.canTrade, canWithdraw: acct.canWithdraw });
    }
    if (bb !== null) {
      const k = await bb.keyInfo();
      keys.push({ venue: 'bybit', canTrade: k.canTradeSpot && !k.readOnly, canWithdraw: k.canWithdraw });
    }
    const perm = checkKeyPermissions(keys);
    for (const w of perm.warnings) log.warn({ check: 'key_permissions' }, w);
    if (perm.errors.length > 0) return { ok: false, reason: perm.errors.join('; '), verdict: null, balances: null };
    // 2. Fee rates (the first symbol's; warnings only).
    const sym = o.symbols[0]!;
    {
      const c = await bn.commission(sym);
      fees.push({ venue: 'binance', taker: c.taker, maker: c.maker });
    }
    if (bb !== null) {
      const r = await bb.feeRate(sym);
      fees.push({ venue: 'bybit', taker: r.taker, maker: r.maker });
    }
    const f = checkFeeRates(fees, {
      binance: { taker: cfg.fees.binance_taker_bps, maker: cfg.fees.binance_maker_bps },
      bybit: { taker: cfg.fees.bybit_taker_bps, maker: cfg.fees.bybit_maker_bps },
    });
    for (const w of f.warnings) log.warn({ check: 'fee_rates' }, w);
    // 3. Reconciliation.
    const since = now() - (o.lookbackMs ?? LOOKBACK_MS);
    const snaps: VenueSnapshot[] = [];
    snaps.push(await bn.snapshot(o.symbols, since));
    if (bb !== null) snaps.push(await bb.snapshot(o.symbols, since));
    let runs: EarlierRun[] = [];
    if (o.freshVenues) {
      log.info({}, 'live start-up: the venues are a simulator started by this process; earlier runs are not matched against it');
    } else {
      const er = readEarlierRuns(path.dirname(o.runDir), o.runId);
      runs = er.runs;
      for (const [run, bad] of er.badLines) log.warn({ run, bad_lines: bad }, 'live start-up: unreadable lines in an earlier run\'s orders.wal');
    }
    const verdict = reconcileAtStart(snaps, runs, {
      exposurePolicy: policy,
      dustQty: (s) => Math.max(o.filters['binance']?.[s]?.stepSize ?? 0, o.filters['bybit']?.[s]?.stepSize ?? 0),
      balanceTolerance: () => 0,
    });
    log.info({
      can_trade: verdict.canTrade, earlier_runs: runs.length, crashed_runs: runs.filter((r) => !r.ended).map((r) => r.runId),
      resolved: verdict.resolved.map((r) => ({ run: r.runId, venue: r.order.venue, client_order_id: r.order.clientOrderId, status: r.status, cum_qty: r.cumQty })),
      unresolved: verdict.unresolved.map((r) => ({ run: r.runId, venue: r.order.venue, client_order_id: r.order.clientOrderId })),
      orphans: verdict.orphans.length, exposure: verdict.exposure, cancel: verdict.cancel.length, reasons: verdict.reasons,
    }, 'live start-up: reconciliation verdict');
    // Cancel xarb orders still open. The venues cancel per symbol (Binance DELETE openOrders,
    // Bybit cancel-all), so a symbol that also holds someone else's open order is not touched:
    // the start is refused instead.
    const done = new Set<string>();
    for (const c of verdict.cancel) {
      const key = c.venue + '|' + c.symbol;
      if (done.has(key)) continue;
      done.add(key);
      const foreign = snaps.find((s) => s.venue === c.venue)?.openOrders.filter((x) => x.symbol === c.symbol && !DEFAULT_CLIENT_ID_PATTERN.test(x.clientOrderId)) ?? [];
      if (foreign.length > 0) {
        return { ok: false, reason: `xarb orders are open on ${c.venue} ${c.symbol} beside ${foreign.length} other open order(s): cancel them by hand`, verdict, balances: null };
      }
      try {
        if (c.venue === 'binance') await bn.cancelAll(c.symbol);
        else if (c.venue === 'bybit' && bb !== null) await bb.cancelAll(c.symbol);
        log.warn({ venue: c.venue, symbol: c.symbol, orders: verdict.cancel.filter((x) => x.venue === c.venue && x.symbol === c.symbol).map((x) => x.clientOrderId) },
          'live start-up: cancelled xarb orders left open');
      } catch (e) {
        return { ok: false, reason: `could not cancel the open xarb orders on ${c.venue} ${c.symbol}: ${(e as Error).message}`, verdict, balances: null };
      }
    }
    if (!verdict.canTrade) return { ok: false, reason: `reconciliation: ${verdict.reasons.join('; ')}`, verdict, balances: null };
    for (const e of [...verdict.adopt, ...verdict.flatten.map((f) => verdict.exposure.find((x) => x.symbol === f.symbol)!)]) {
      log.warn({ symbol: e.symbol, net_qty: e.netQty, avg_px: e.avgPx, by_venue: e.byVenue, runs: e.runs, policy },
        policy === 'adopt' ? 'live start-up: leftover exposure adopted: the strategy hedges it' : 'live start-up: leftover exposure: the strategy flattens it with IOC orders');
    }
    // 4. Starting balances: the venues' word, read again after the cancels (locked funds freed).
    let balances: VenueBalances | null = null;
    if (o.configuredBalances !== undefined) {
      const after: VenueSnapshot[] = [];
      after.push({ venue: 'binance', balances: (await bn.account()).balances, openOrders: [], history: [], fills: [] });
      if (bb !== null) after.push({ venue: 'bybit', balances: await bb.walletBalance(), openOrders: [], history: [], fills: [] });
      const sb = startBalancesFromVenues(after, o.symbols, o.configuredBalances);
      balances = sb.balances;
      log.info({ balances, from_config: sb.fromConfig }, 'live start-up: starting balances from the venues\' accounts');
      if (sb.differences.length > 0) {
        log.warn({ differences: sb.differences.map((d) => ({ venue: d.venue, asset: d.asset, config: d.config, venue_amount: d.venueAmount })) },
          'live start-up: the venues hold other amounts than [execution.initial_balances] (those are for dry-run; live trades on the venues\' balances)');
      }
    }
    return { ok: true, reason: '', verdict, balances };
  } catch (e) {
    return { ok: false, reason: `the venues' account could not be read: ${(e as Error).message}`, verdict: null, balances: null };
  } finally {
    await bn.close();
    await bb?.close();
  }
}

/** Each venue's server time minus the local clock (ms); 0, with a warning, when it cannot be read. */
async function venueClockOffsets(cfg: XarbConfig, log: Logger): Promise<{ binance: number; bybit: number }> {
  const out = { binance: 0, bybit: 0 };
  const t = new PoolTransport();
  try {
    for (const [v, id] of [['binance', VENUE_BINANCE], ['bybit', VENUE_BYBIT]] as const) {
      try {
        out[v] = await measureClockOffset(t, id, cfg.venues[v].connection.rest_api_url, Date.now, 3000);
        log.info({ venue: v, offset_ms: out[v] }, 'live start-up: venue clock offset measured');
      } catch (e) {
        log.warn({ venue: v, err: (e as Error).message }, 'live start-up: could not read the venue server time; the start-up reads use the local clock');
      }
    }
  } finally {
    await t.close();
  }
  return out;
}
