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
 * Exposure policy: `halt` (a crashed run's unhedged leg stops the start until an operator
 * looks; flatten/adopt are not wired yet). A venue reached with an Ed25519 key is skipped
 * with a warning: the account REST signs with HMAC only.
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
}

export interface LiveStartupResult {
  ok: boolean;
  /** One line: why trading is refused ('' when ok). */
  reason: string;
  verdict: ReconcileVerdict | null;
}

const LOOKBACK_MS = 23 * 3600_000;

export async function liveStartupChecks(o: LiveStartupOptions): Promise<LiveStartupResult> {
  const { cfg, log } = o;
  const now = o.nowMs ?? Date.now;
  const rest = (v: 'binance' | 'bybit') => {
    const c = cfg.venues[v].connection;
    const a = cfg.venues[v].auth;
    return { baseUrl: c.rest_api_url, apiKey: a.api_key, secretKey: a.secret_key, recvWindowMs: c.recv_window_ms, venueNowMs: now, timeoutMs: 5000 };
  };
  const bnUsable = cfg.venues.binance.auth.key_type !== 'ed25519';
  const bn = bnUsable ? new BinanceAccountRest(rest('binance')) : null;
  const bb = cfg.venues.bybit.auth.key_type !== 'ed25519' ? new BybitAccountRest(rest('bybit')) : null;
  if (bn === null) log.warn({ venue: 'binance' }, 'live start-up: account checks skipped (the account REST signs with HMAC; this key is Ed25519)');
  if (bb === null) log.warn({ venue: 'bybit' }, 'live start-up: account checks skipped (the account REST signs with HMAC; this key is Ed25519)');
  try {
    // 1. Permissions.
    const keys: KeyPermissions[] = [];
    const fees: FeeRates[] = [];
    if (bn !== null) {
      const acct = await bn.account();
      keys.push({ venue: 'binance', canTrade: acct.canTrade, canWithdraw: acct.canWithdraw });
    }
    if (bb !== null) {
      const k = await bb.keyInfo();
      keys.push({ venue: 'bybit', canTrade: k.canTradeSpot && !k.readOnly, canWithdraw: k.canWithdraw });
    }
    const perm = checkKeyPermissions(keys);
    for (const w of perm.warnings) log.warn({ check: 'key_permissions' }, w);
    if (perm.errors.length > 0) return { ok: false, reason: perm.errors.join('; '), verdict: null };
    // 2. Fee rates (the first symbol's; warnings only).
    const sym = o.symbols[0]!;
    if (bn !== null) {
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
    if (bn !== null) snaps.push(await bn.snapshot(o.symbols, since));
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
      exposurePolicy: 'halt',
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
        return { ok: false, reason: `xarb orders are open on ${c.venue} ${c.symbol} beside ${foreign.length} other open order(s): cancel them by hand`, verdict };
      }
      try {
        if (c.venue === 'binance' && bn !== null) await bn.cancelAll(c.symbol);
        else if (c.venue === 'bybit' && bb !== null) await bb.cancelAll(c.symbol);
        log.warn({ venue: c.venue, symbol: c.symbol, orders: verdict.cancel.filter((x) => x.venue === c.venue && x.symbol === c.symbol).map((x) => x.clientOrderId) },
          'live start-up: cancelled xarb orders left open');
      } catch (e) {
        return { ok: false, reason: `could not cancel the open xarb orders on ${c.venue} ${c.symbol}: ${(e as Error).message}`, verdict };
      }
    }
    if (!verdict.canTrade) return { ok: false, reason: `reconciliation: ${verdict.reasons.join('; ')}`, verdict };
    return { ok: true, reason: '', verdict };
  } catch (e) {
    return { ok: false, reason: `the venues' account could not be read: ${(e as Error).message}`, verdict: null };
  } finally {
    await bn?.close();
    await bb?.close();
  }
}
