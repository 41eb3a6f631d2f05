/**
 * Live mode, before the strategy may trade: the venues' own word on the accounts behind the
 * keys (docs/live.md "Wiring"):
 *
 * 1. key permissions (Binance `account()`, Bybit `keyInfo()`) → `checkKeyPermissions`: a key
 *    that cannot trade refuses the start; one that can withdraw is a loud warning;
 * 2. fee rates (`commission()`, `feeRate()`) → `checkFeeRates` against `[fees]`: warnings;
 * 3. `reconcileAtStart` over both venues' `snapshot()` and the earlier runs of the runs folder
 *    (`readEarlierRuns`; with `--resume`, the resumed run's own journal too): in-flight orders
 *    of earlier runs with no trace in the snapshots are asked of the venue by client id
 *    (start-lookups.ts); those never placed are settled in their run's WAL; the verdict is
 *    logged (orders of crashed runs matched by client id, leftover exposure), xarb orders
 *    still open are cancelled, and trading is refused when the verdict says `canTrade = false`.
 *    The venue ledger (venue-ledger.ts) is read before (its fills put back into the snapshots)
 *    and written after the verdict, refused start or not; an unreadable or unwritable ledger
 *    refuses the start.
 *    The venues' balances are compared with what the latest live run's journal says they
 *    should be (expected-balances.ts; `execution.live.start_balance_check`: warn / halt / off).
 *
 * 4. the strategy's starting balances: the venues' balances after reconciliation and the
 *    cancels (start-balances.ts); `[execution.initial_balances]` is only compared with them.
 *
 * Leftover exposure (`execution.live.leftover_exposure`; reconcile.ts: a crashed run's, xarb fills in
 * no journal, less what the operator closed by hand): `halt` (default) refuses the start;
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
import { DEFAULT_CLIENT_ID_PATTERN, balanceDrift, reconcileAtStart, type EarlierRun, type ReconcileVerdict, type VenueSnapshot } from '../execution/reconcile.js';
import { journalReservedFinds, readEarlierRuns, settleInEarlierWals, takenOverCounts } from '../execution/earlier-runs.js';
import { applyLedgers, ledgerAccount, ledgerCounters, ledgerErrorCounter, LedgerError, ledgerFile, nextLedgers, readLedgers, writeLedgers, type LedgerAccount, type VenueLedger } from '../execution/venue-ledger.js';
import { lookUpInFlight, ordersToLookUp, startAcceptDeadlineMs } from '../execution/start-lookups.js';
import { expectedBalancesFromJournal, type ExpectedBalances } from '../execution/expected-balances.js';
import { readJournal } from '../report/journal.js';
import { startBalancesFromVenues } from '../execution/start-balances.js';
import { loadEd25519PrivateKey } from '../execution/live/signer.js';
import type { VenueBalances } from '../strategy/config.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  /** `--resume`: the run starting now continues `runDir`; its journal ended in order before (or crashed). */
  resumed?: { previous: 'ended' | 'crashed' };
  /** Sleeps (tests pass a fake); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LiveStartupResult {
  ok: boolean;
  /** One line: why trading is refused ('' when ok). */
  reason: string;
  verdict: ReconcileVerdict | null;
  /** The venues' balances for the strategy (null when the checks failed or no balances were given to compare). */
  balances: VenueBalances | null;
  /** Per earlier run: its WAL orders when read (a taker's leftover.json records them: earlier-runs.ts writeLeftover). */
  walOrders: Record<string, number>;
}

const LOOKBACK_MS = 23 * 3600_000;
/** Longest wait for a young in-flight order's recvWindow to close before asking the venue again. */
const START_LOOKUP_WAIT_MS = 15_000;

/**
 * What the latest live run (by its journal's last start line) says the venues should hold
 * (expected-balances.ts); null when there is none. The resumed run's own journal is one of
 * the candidates; a new run's (empty) one is not.
 */
export function latestExpectedBalances(runsDir: string, currentRunId: string, resumed: boolean): ExpectedBalances | null {
  let best: ExpectedBalances | null = null;
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return null;
  }
  for (const name of names) {
    if (name === currentRunId && !resumed) continue;
    const file = path.join(runsDir, name, 'journal.jsonl');
    if (!existsSync(file)) continue;
    let e: ExpectedBalances | null;
    try {
      e = expectedBalancesFromJournal(readJournal(file).entries);
    } catch {
      continue;
    }
    if (e !== null && (best === null || e.sinceMs > best.sinceMs)) best = e;
  }
  return best;
}

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
    return { ok: false, reason: `binance key unusable: ${(e as Error).message}`, verdict: null, balances: null, walOrders: {} };
  }
  // Bybit keys are HMAC (config check refuses Ed25519 there: Bybit signs with HMAC or RSA).
  const bb: BybitAccountRest | null = cfg.venues.bybit.auth.key_type !== 'ed25519' ? new BybitAccountRest(rest('bybit')) : null;
  if (bb === null) log.warn({ venue: 'bybit' }, 'live start-up: account checks skipped (Bybit keys sign with HMAC; this key is Ed25519)');
  const policy = cfg.execution.live?.leftover_exposure ?? 'halt';
  const policyBalances = cfg.execution.live?.start_balance_check ?? 'warn';
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
    if (perm.errors.length > 0) return { ok: false, reason: perm.errors.join('; '), verdict: null, balances: null, walOrders: {} };
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
    let snaps: VenueSnapshot[] = [];
    snaps.push(await bn.snapshot(o.symbols, since));
    if (bb !== null) snaps.push(await bb.snapshot(o.symbols, since));
    let runs: EarlierRun[] = [];
    // The runs with a folder in the runs folder: what the venue ledger remembers for a run whose folder is gone is retired.
    const runFolders = (): Set<string> => new Set([...runs.map((r) => r.runId), o.runId]);
    let takenFills = new Set<string>();
    let expected: ExpectedBalances | null = null;
    // The venue ledgers (venue-ledger.ts): what earlier starts saw that the look-back forgets.
    let ledgers: VenueLedger[] = [];
    if (o.freshVenues) {
      log.info({}, 'live start-up: the venues are a simulator started by this process; earlier runs are not matched against it');
    } else {
      const runsDir = path.dirname(o.runDir);
      const er = readEarlierRuns(runsDir, o.runId, o.resumed !== undefined ? { ended: o.resumed.previous === 'ended' } : null);
      runs = er.runs;
      takenFills = er.takenFills;
      if (er.unreadableLeftovers.length > 0) {
        ledgerCounters.leftoverUnreadable++;
        log.error({ leftovers: er.unreadableLeftovers, counter: 'leftover_unreadable' }, 'live start-up: an earlier run\'s leftover.json cannot be read: refusing the start');
        return { ok: false, reason: `unreadable leftover.json (what those runs took over is unknown): ${er.unreadableLeftovers.join('; ')}`, verdict: null, balances: null, walOrders: {} };
      }
      if (er.missingTakenOver.length > 0) {
        // Operator error (docs/live.md: delete only runs answered for), not refused: the taker
        // has not ended, so what it took over is counted from those runs' orders, which are gone.
        ledgerCounters.takenOverRunMissing++;
        log.warn({ runs: er.missingTakenOver, counter: 'taken_over_run_missing' }, 'live start-up: a run that a crashed run took over has no folder any more: ' +
          'its orders are not counted, while the venue may still hold its exposure (compare with the taker\'s leftover.json "exposures"; close it by hand)');
      }
      // Both venues' accounts, snapshotted or not (a venue skipped now keeps its section as it was).
      const accounts = ledgerAccountsOf(cfg);
      // Runs from before the ledger existed, with no ledger yet: nothing in their journals names
      // the accounts they traded (run_start records no key), so another pair's runs cannot be
      // told from this pair's. Not refused (a folder's first start with the ledger is this case
      // too); said loudly, since their crashed orders are counted on these accounts.
      const legacy = existsSync(ledgerFile(runsDir, accounts)) ? [] : runs.filter((r) => r.orders.length > 0).map((r) => r.runId);
      if (legacy.length > 0) {
        log.warn({ runs: legacy, counter: 'runs_without_ledger' }, 'live start-up: the runs folder holds runs with orders but no venue ledger yet: nothing records which ' +
          'accounts they traded, and they are reconciled against these keys\' accounts; if another pair of accounts made them, stop and give each pair its own runs folder');
      }
      try {
        ledgers = readLedgers(runsDir, accounts);
      } catch (e) {
        log.error({ err: (e as Error).message, counter: e instanceof LedgerError ? ledgerErrorCounter(e) : 'ledger_unreadable' },
          'live start-up: the venue ledger cannot be read, or is not the only one in the runs folder: refusing the start (docs/live.md "Venue ledger")');
        return { ok: false, reason: `${(e as Error).message} (refusing: it records venue facts the look-back window no longer holds; docs/live.md "Venue ledger")`,
          verdict: null, balances: null, walOrders: {} };
      }
      const applied = applyLedgers(snaps, ledgers, runFolders());
      snaps = applied.snapshots;
      takenFills = new Set([...takenFills, ...applied.settled]);
      log.info({ ledger: ledgerFile(runsDir, accounts), remembered: ledgers.map((l) => ({ venue: l.venue, hand_fills: l.handFills.length,
        orphan_fills: l.orphanFills.length, settled_fills: l.settledFills.length })) }, 'live start-up: venue ledgers read');
      for (const [run, bad] of er.badLines) log.warn({ run, bad_lines: bad }, 'live start-up: unreadable lines in an earlier run\'s orders.wal');
      if (o.resumed !== undefined) {
        const self = runs.find((r) => r.resuming === true);
        log.info({ run: o.runId, previous: o.resumed.previous, orders: self?.orders.length ?? 0, in_flight: self?.orders.filter((x) => x.final === null).length ?? 0 },
          'live start-up: the resumed run\'s own journal is reconciled like an earlier run\'s');
      }
      if (policyBalances !== 'off') expected = latestExpectedBalances(runsDir, o.runId, o.resumed !== undefined);
    }
    // In-flight orders with no trace in the look-back window: asked of the venue by client id.
    const recvWindow = (v: 'binance' | 'bybit'): number => cfg.venues[v].connection.recv_window_ms;
    const deadline = (x: Parameters<typeof startAcceptDeadlineMs>[0]): number => startAcceptDeadlineMs(x, recvWindow);
    const toAsk = ordersToLookUp(snaps, runs).filter((x) => x.venue === 'binance' || bb !== null);
    const looked = await lookUpInFlight(toAsk, (x) => (x.venue === 'binance' ? bn.orderByClientId(x.symbol, x.clientOrderId) : bb!.orderByLinkId(x.symbol, x.clientOrderId)), {
      nowMs: now, deadlineMs: deadline, sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))), maxWaitMs: START_LOOKUP_WAIT_MS,
    });
    if (toAsk.length > 0) {
      log.info({ asked: toAsk.length - looked.skipped, found: [...looked.answers.values()].filter((x) => x !== null).length,
        not_found: [...looked.answers.values()].filter((x) => x === null).length, failed: looked.failed, skipped: looked.skipped },
      'live start-up: in-flight orders of earlier runs asked of the venues by client id');
    }
    // Balances the journals expect (the latest live run's start + its fills): halt policy → the verdict.
    const tol = cfg.execution.live?.balance_tolerance ?? 0.002;
    const tolerance = (exp: Map<string, number> | undefined) => (asset: string) => Math.max(1e-8, tol * Math.abs(exp?.get(asset) ?? 0));
    const expectedFor = (v: 'binance' | 'bybit') => expected?.balances[v];
    const dustQty = (s: string): number => Math.max(o.filters['binance']?.[s]?.stepSize ?? 0, o.filters['bybit']?.[s]?.stepSize ?? 0);
    const verdict = reconcileAtStart(snaps, runs, {
      exposurePolicy: policy,
      dustQty,
      balanceTolerance: () => 0,
      lookups: looked.answers, nowMs: looked.atMs, acceptDeadlineMs: deadline, takenFills,
    });
    // What this start saw, recorded before it acts or refuses: facts about the venue either way.
    if (ledgers.length > 0) {
      try {
        writeLedgers(path.dirname(o.runDir), nextLedgers(ledgers, snaps, verdict, { dustQty, nowMs: now(), runId: o.runId, runFolders: runFolders() }));
      } catch (e) {
        log.error({ err: (e as Error).message, counter: 'ledger_unwritable' }, 'live start-up: a venue ledger cannot be written: refusing the start');
        return { ok: false, reason: `${(e as Error).message} (refusing: a later start would count what this one saw again)`, verdict, balances: null,
          walOrders: {} };
      }
    }
    if (expected !== null) {
      const drifts = snaps.flatMap((sn) => {
        const exp = expectedFor(sn.venue);
        return exp === undefined ? [] : balanceDrift(sn.venue, exp, sn.balances, tolerance(exp));
      });
      const fields = { since: new Date(expected.sinceMs).toISOString(), from: expected.from, fills: expected.fills, tolerance: tol,
        drift: drifts.map((d) => ({ venue: d.venue, asset: d.asset, expected: d.expected, venue_amount: d.actual, diff: d.actual - d.expected })) };
      if (drifts.length === 0) log.info(fields, 'live start-up: the venues\' balances agree with the journals');
      else {
        log.warn(fields, `live start-up: the venues' balances differ from what the journals say (${policyBalances === 'halt' ? 'refusing the start' : 'warning only'}; execution.live.start_balance_check)`);
        if (policyBalances === 'halt') {
          verdict.canTrade = false;
          verdict.drift.push(...drifts);
          for (const d of drifts) verdict.reasons.push(`${d.venue} ${d.asset}: venue holds ${d.actual}, the journals say ${d.expected} (latest live run's start + ${expected.fills} fill(s))`);
        }
      }
    }
    if (verdict.notPlaced.length > 0) {
      const failed = settleInEarlierWals(path.dirname(o.runDir), verdict.notPlaced.map((u) => ({ runId: u.runId, order: u.order, status: 'NOT_PLACED' })));
      for (const f of failed) log.warn({ err: f }, 'live start-up: could not journal a never-placed order in its run\'s orders.wal (asked again next start)');
    }
    // Found in a crashed run's reserved ids without a send line: journaled in its WAL (send, and final when final).
    if (verdict.foundInReserved.length > 0 && !o.freshVenues) {
      for (const f of journalReservedFinds(path.dirname(o.runDir), verdict)) log.warn({ err: f }, 'live start-up: could not journal an order found in a run\'s reserved ids in its orders.wal (found again next start while the window holds it)');
    }
    // Found final at the venue with nothing filled: settled in its run's WAL too (no exposure either way).
    const unfilled = verdict.resolved.filter((r) => r.cumQty === 0 && looked.answers.get(r.order.venue + '|' + r.order.clientOrderId) != null);
    if (unfilled.length > 0 && !o.freshVenues) settleInEarlierWals(path.dirname(o.runDir), unfilled.map((r) => ({ runId: r.runId, order: r.order, status: r.status })));
    const walOrders = takenOverCounts(runs, verdict);
    log.info({
      can_trade: verdict.canTrade, earlier_runs: runs.length, crashed_runs: runs.filter((r) => !r.ended).map((r) => r.runId),
      resolved: verdict.resolved.map((r) => ({ run: r.runId, venue: r.order.venue, client_order_id: r.order.clientOrderId, status: r.status, cum_qty: r.cumQty })),
      unresolved: verdict.unresolved.map((r) => ({ run: r.runId, venue: r.order.venue, client_order_id: r.order.clientOrderId })),
      not_placed: verdict.notPlaced.map((r) => ({ run: r.runId, venue: r.order.venue, client_order_id: r.order.clientOrderId })),
      resumed_run: runs.find((r) => r.resuming === true)?.runId ?? null,
      orphans: verdict.orphans.length, orphan_fills: verdict.orphanFills, exposure: verdict.exposure, closed_by_hand: verdict.closed,
      cancel: verdict.cancel.length, reasons: verdict.reasons,
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
        return { ok: false, reason: `xarb orders are open on ${c.venue} ${c.symbol} beside ${foreign.length} other open order(s): cancel them by hand`, verdict, balances: null, walOrders };
      }
      try {
        if (c.venue === 'binance') await bn.cancelAll(c.symbol);
        else if (c.venue === 'bybit' && bb !== null) await bb.cancelAll(c.symbol);
        log.warn({ venue: c.venue, symbol: c.symbol, orders: verdict.cancel.filter((x) => x.venue === c.venue && x.symbol === c.symbol).map((x) => x.clientOrderId) },
          'live start-up: cancelled xarb orders left open');
      } catch (e) {
        return { ok: false, reason: `could not cancel the open xarb orders on ${c.venue} ${c.symbol}: ${(e as Error).message}`, verdict, balances: null, walOrders };
      }
    }
    if (!verdict.canTrade) return { ok: false, reason: `reconciliation: ${verdict.reasons.join('; ')}`, verdict, balances: null, walOrders };
    for (const e of verdict.closed) {
      log.warn({ symbol: e.symbol, closed_by_hand: e.closedByHand, runs: e.runs },
        'live start-up: leftover exposure closed by hand at the venue (fills not xarb\'s after it): not traded; this run records it as taken over');
    }
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
      log.info({ balances, from_config: sb.fromConfig, ...(sb.notes.length > 0 ? { shared_assets: sb.notes } : {}) }, 'live start-up: starting balances from the venues\' accounts');
      if (sb.differences.length > 0) {
        log.warn({ differences: sb.differences.map((d) => ({ venue: d.venue, asset: d.asset, config: d.config, venue_amount: d.venueAmount })) },
          'live start-up: the venues hold other amounts than [execution.initial_balances] (those are for dry-run; live trades on the venues\' balances)');
      }
    }
    return { ok: true, reason: '', verdict, balances, walOrders };
  } catch (e) {
    return { ok: false, reason: `the venues' account could not be read: ${(e as Error).message}`, verdict: null, balances: null, walOrders: {} };
  } finally {
    await bn.close();
    await bb?.close();
  }
}

/** The venue ledger's accounts of this config (both venues, by their API keys' hash). */
export function ledgerAccountsOf(cfg: XarbConfig): LedgerAccount[] {
  return (['binance', 'bybit'] as const).map((v) => ({ venue: v, account: ledgerAccount(cfg.venues[v].auth.api_key) }));
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
