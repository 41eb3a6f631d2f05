/**
 * The earlier runs in the runs folder, as reconciliation needs them (reconcile.ts EarlierRun):
 * each run directory's order WAL (order-wal.ts) and whether its journal ends with `run_end`
 * (a clean stop) or not (crashed, killed, or still running elsewhere). Runs with neither a
 * WAL nor a journal are skipped; unreadable lines are counted per run.
 *
 * A crashed run whose leftover exposure a later run took over (adopted or flattened it:
 * `leftover.json` in that run's directory, LEFTOVER_FILE) counts as settled once the taker
 * stopped cleanly: its exposure is then the taker's business, closed or in the taker's own
 * orders. While the taker itself has no `run_end`, both runs' orders count, so the netting
 * stays right whichever crashed last.
 *
 * A LEFTOVER_FILE is replaced atomically (atomic-file.ts: a crash leaves the old or the new
 * one); one that exists but cannot be read is reported (`unreadableLeftovers`) and refuses the
 * start, never skipped.
 *
 * `--resume RUN` continues a run in its own directory: that run's journal is the start-up's
 * business too (its orders, fills, open rounds and in-flight WAL lines are what the crashed
 * segment left), so it is read like an earlier run, marked `resuming`, with the ended state of
 * its journal before this segment (`resumed.ended`: the new segment's `run_resumed` line may
 * already be there). Its orders are in one WAL, read once: each counts once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { OrderWal, readOrderWal, WAL_FILE } from './order-wal.js';
import type { EarlierRun, Exposure, JournaledOrder, ReconcileVerdict, TakenOrphan } from './reconcile.js';

/**
 * Written by a run that took over crashed runs' exposure:
 * `{"taken_over": [run ids], "taken_over_orders": {run id: WAL orders then}, "not_adopted":
 * [symbols its strategy never got: those orders stay the crashed run's], "taken_fills":
 * ["venue|symbol|tradeId", ...] (xarb fills in no journal it counted; older files: "venue|tradeId"),
 * "taken_orphans": [the orders those fills make: counted as the taker's own while it has not
 * ended, so a taker crash does not lose them once the fills leave the look-back], "exposures": [...]}`.
 */
export const LEFTOVER_FILE = 'leftover.json';

export interface EarlierRunsResult {
  runs: EarlierRun[];
  /** Per run id: unreadable WAL lines. */
  badLines: Map<string, number>;
  /** `venue|symbol|tradeId` (older files: `venue|tradeId`) of xarb fills in no journal that a cleanly ended run took over (reconcile.ts takenFills). */
  takenFills: Set<string>;
  /**
   * `taker: run` for each run a taker that has not ended took over (leftover.json `taken_over`)
   * whose folder is gone: deleted before the taker answered for it, its orders no longer count,
   * while the venue may still hold its exposure (docs/live.md: delete only runs answered for).
   */
  missingTakenOver: string[];
  /** The same per ended run that answered for them. */
  takenFillsByRun: Map<string, Set<string>>;
  /**
   * LEFTOVER_FILEs that exist but cannot be read or parsed (`run id: why`): what those runs
   * took over is unknown, so the start must be refused (ignoring one would trade a crashed
   * run's exposure a second time).
   */
  unreadableLeftovers: string[];
}

/**
 * Whether a journal file has a `run_end` line (scans backwards from the end; a cut last line is
 * ignored) that does not say exposure was left open (`exposure_left_open`: read as a crash).
 */
export function journalEnded(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.includes('"run_end"')) {
      try {
        // A clean stop that left a round, a residual or orders open says so (supervisor.ts): it
        // did not answer for that exposure, so its orders count like a crashed run's.
        const e = JSON.parse(l) as { type?: unknown; exposure_left_open?: unknown };
        return e.type === 'run_end' && e.exposure_left_open !== true;
      } catch {
        return false;
      }
    }
    // A resumed run appends after its run_end; only the last run_end/run_start pairing matters.
    if (l.includes('"run_start"') || l.includes('"run_resumed"')) return false;
  }
  return false;
}

/**
 * Reads every run under `runsDir`. `currentRunId` (the run starting now) is skipped, unless
 * `resumed` says it is an existing run being continued (`--resume`): then it is read too,
 * marked `resuming`, and `resumed.ended` says whether its journal ended in order before this
 * segment (run-dir.ts resumeRun's status).
 */
export function readEarlierRuns(runsDir: string, currentRunId: string | null = null, resumed: { ended: boolean } | null = null): EarlierRunsResult {
  const out: EarlierRunsResult = { runs: [], badLines: new Map(), takenFills: new Set(), takenFillsByRun: new Map(), unreadableLeftovers: [], missingTakenOver: [] };
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const self = name === currentRunId;
    if (self && resumed === null) continue;
    const dir = path.join(runsDir, name);
    const wal = path.join(dir, WAL_FILE);
    const journal = path.join(dir, 'journal.jsonl');
    if (!fs.existsSync(wal) && !fs.existsSync(journal)) continue;
    const r = readOrderWal(wal);
    if (r.badLines > 0) out.badLines.set(name, r.badLines);
    out.runs.push({ runId: name, ended: self ? resumed!.ended : journalEnded(journal), orders: r.orders, reserved: r.reserved, ...(self ? { resuming: true } : {}) });
  }
  for (const run of [...out.runs]) {
    let left: { taken_over?: unknown; taken_over_orders?: unknown; taken_fills?: unknown; not_adopted?: unknown; taken_orphans?: unknown };
    try {
      left = readLeftoverFile(path.join(runsDir, run.runId, LEFTOVER_FILE)) as typeof left;
    } catch (e) {
      out.unreadableLeftovers.push(`${run.runId}: ${(e as Error).message}`);
      continue;
    }
    if (left === null) continue;
    // A taker whose clean stop left an order unknown (its UNRESOLVED line: a flatten or hedge of
    // what it took over, filled at the venue or not) has not answered for what it took over:
    // counted like a crashed run, all its orders and what it took over together (netted, its
    // unknown order by the venue's word), never the exposure settled and its closing fill new.
    if (run.ended && run.resuming !== true && run.orders.some((o) => o.final === null && o.knownAtStop !== undefined)) run.ended = false;
    if (!run.ended) {
      // A taker that has not ended answers for the xarb orders known only by their fills that it
      // took over as its own orders (their only durable trace: the fills age out of the
      // venues' look-back), first, so taken_over_orders counts stay valid if it is resumed.
      run.orders = [...takenOrphans(left.taken_orphans), ...run.orders];
      if (Array.isArray(left.taken_over)) {
        for (const id of left.taken_over) if (typeof id === 'string' && !id.startsWith('(') && !fs.existsSync(path.join(runsDir, id))) out.missingTakenOver.push(`${run.runId}: ${id}`);
      }
      continue;
    }
    // Symbols the taker stopped before handing to its strategy: it never answered for them.
    const notAdopted = new Set(Array.isArray(left.not_adopted) ? left.not_adopted.filter((x): x is string => typeof x === 'string') : []);
    // Fills in no journal it answered for (like a crashed run's orders: only once it ended), but
    // not those of a symbol it never handed over. An older key without a symbol (`venue|tradeId`)
    // is not answered for when any not-adopted symbol has taken orphans (or none are listed).
    if (Array.isArray(left.taken_fills)) {
      const orphanSymbols = new Set(takenOrphans(left.taken_orphans).map((x) => x.symbol));
      const oldKeysNotAnswered = [...notAdopted].some((s) => orphanSymbols.has(s) || orphanSymbols.size === 0);
      for (const k of left.taken_fills) {
        if (typeof k !== 'string') continue;
        const parts = k.split('|');
        if (parts.length >= 3 ? notAdopted.has(parts[1]!) : oldKeysNotAnswered) continue;
        out.takenFills.add(k);
        let mine = out.takenFillsByRun.get(run.runId);
        if (mine === undefined) out.takenFillsByRun.set(run.runId, (mine = new Set()));
        mine.add(k);
      }
    }
    const taken = left.taken_over;
    if (!Array.isArray(taken)) continue;
    const counts = (left.taken_over_orders !== null && typeof left.taken_over_orders === 'object' ? left.taken_over_orders : {}) as Record<string, unknown>;
    for (const other of out.runs) {
      if (!taken.includes(other.runId)) continue;
      // The orders the taker answered for: those journaled when it took over (all of them in a
      // leftover.json without counts). Orders after that (the run was resumed since) are the
      // run's own business again.
      const n = typeof counts[other.runId] === 'number' ? Math.min(counts[other.runId] as number, other.orders.length) : other.orders.length;
      let all = n === other.orders.length;
      for (let i = 0; i < n; i++) {
        if (notAdopted.has(other.orders[i]!.symbol)) all = false;
        else other.orders[i]!.takenBy = run.runId;
      }
      if (all && other.resuming !== true) other.ended = true;
    }
  }
  return out;
}

/**
 * A LEFTOVER_FILE's content; null when there is none. Throws when it exists but is not a JSON
 * object (torn, edited) or a field has the wrong type (`taken_over` a list of run ids,
 * `taken_over_orders` counts, `taken_fills` / `not_adopted` lists of strings, `taken_orphans` a
 * list): read as taking nothing, it would hand the crashed runs' exposure to a second taker.
 */
function readLeftoverFile(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const j = JSON.parse(text) as unknown;
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new Error(`${LEFTOVER_FILE} is not a JSON object`);
  const r = j as Record<string, unknown>;
  const strings = (k: string): boolean => r[k] === undefined || (Array.isArray(r[k]) && (r[k] as unknown[]).every((x) => typeof x === 'string'));
  for (const k of ['taken_over', 'taken_fills', 'not_adopted']) if (!strings(k)) throw new Error(`${LEFTOVER_FILE}: ${k} is not a list of strings`);
  if (!Array.isArray(r.taken_over)) throw new Error(`${LEFTOVER_FILE}: no taken_over list`);
  const counts = r.taken_over_orders;
  if (counts !== undefined && (counts === null || typeof counts !== 'object' || Array.isArray(counts) || !Object.values(counts).every((n) => typeof n === 'number'))) {
    throw new Error(`${LEFTOVER_FILE}: taken_over_orders is not a map of run id to order count`);
  }
  if (r.taken_orphans !== undefined && !Array.isArray(r.taken_orphans)) throw new Error(`${LEFTOVER_FILE}: taken_orphans is not a list`);
  return r;
}

/** leftover.json `taken_orphans` as final orders of the taker (what the venue's fills said when it took them). */
function takenOrphans(list: unknown): JournaledOrder[] {
  if (!Array.isArray(list)) return [];
  const out: JournaledOrder[] = [];
  for (const x of list as Array<Partial<TakenOrphan>>) {
    if (x === null || typeof x !== 'object' || (x.venue !== 'binance' && x.venue !== 'bybit') || typeof x.clientOrderId !== 'string' || typeof x.symbol !== 'string' ||
      (x.side !== 'buy' && x.side !== 'sell') || typeof x.qty !== 'number' || !(x.qty > 0)) continue;
    out.push({ clientOrderId: x.clientOrderId, venue: x.venue, symbol: x.symbol, side: x.side, price: typeof x.avgPx === 'number' ? x.avgPx : 0, qty: x.qty,
      sentMs: typeof x.timeMs === 'number' ? x.timeMs : 0, final: { status: 'FILLED (taken orphan)', cumQty: x.qty }, takenOrphan: true,
      ...(typeof x.baseFee === 'number' && x.baseFee > 0 ? { baseFee: x.baseFee } : {}) });
  }
  return out;
}

/**
 * Records that the run in `runDir` took over `exposures` (LEFTOVER_FILE), keeping the runs it
 * took over before: a resumed run writes into its own directory, and dropping the earlier
 * segment's list would hand those runs' exposure to the next start a second time.
 */
export function writeLeftover(runDir: string, exposures: readonly Exposure[], policy: string, walOrders: Readonly<Record<string, number>>): void {
  const file = path.join(runDir, LEFTOVER_FILE);
  // None yet, or the earlier segment's (a resumed run). One that cannot be read throws: the
  // start read it without error (readEarlierRuns), so something else is wrong, and rewriting
  // it whole would hand what the earlier segment took over to the next start again.
  const before = (readLeftoverFile(file) ?? {}) as { taken_over?: unknown; taken_over_orders?: unknown; taken_fills?: unknown; exposures?: unknown; not_adopted?: unknown; taken_orphans?: unknown };
  const prevTaken = Array.isArray(before.taken_over) ? before.taken_over.filter((x): x is string => typeof x === 'string') : [];
  const prevCounts = (before.taken_over_orders !== null && typeof before.taken_over_orders === 'object' ? before.taken_over_orders : {}) as Record<string, number>;
  const prevExp = Array.isArray(before.exposures) ? before.exposures : [];
  const prevFills = Array.isArray(before.taken_fills) ? before.taken_fills.filter((x): x is string => typeof x === 'string') : [];
  const fills = [...new Set([...prevFills, ...exposures.flatMap((e) => e.orphanFills ?? [])])];
  const prevOrphans = Array.isArray(before.taken_orphans) ? (before.taken_orphans as TakenOrphan[]) : [];
  const orphans = [...prevOrphans];
  for (const o of exposures.flatMap((e) => e.orphanOrders ?? [])) {
    if (!orphans.some((p) => p.venue === o.venue && p.clientOrderId === o.clientOrderId)) orphans.push(o);
  }
  const taken = [...new Set([...prevTaken, ...exposures.flatMap((e) => e.runs)])];
  const counts: Record<string, number> = { ...prevCounts };
  for (const r of new Set(exposures.flatMap((e) => e.runs))) counts[r] = Math.max(counts[r] ?? 0, walOrders[r] ?? 0);
  // Symbols an earlier segment never handed over stay so, unless this take-over covers them again.
  const now = new Set(exposures.map((e) => e.symbol));
  const notAdopted = (Array.isArray(before.not_adopted) ? before.not_adopted : []).filter((x): x is string => typeof x === 'string' && !now.has(x));
  writeFileAtomic(file, JSON.stringify({
    taken_over: taken, taken_over_orders: counts, ...(fills.length > 0 ? { taken_fills: fills } : {}), ...(orphans.length > 0 ? { taken_orphans: orphans } : {}), ...(notAdopted.length > 0 ? { not_adopted: notAdopted } : {}), policy,
    exposures: [...prevExp, ...exposures.map((e) => ({ symbol: e.symbol, net_qty: e.netQty, avg_px: e.avgPx, by_venue: e.byVenue, runs: e.runs,
      ...(e.closedByHand !== undefined ? { closed_by_hand: e.closedByHand } : {}) }))],
  }) + '\n');
}

/**
 * leftover.json `taken_over_orders`: per earlier run, the orders of its WAL a taker answers for.
 * Those read at the start plus those found in its reserved ids (journalReservedFinds appends
 * them to its WAL after the read): counted without them, the run would never count as ended
 * and every later start would count the found orders again. When their lines could not be
 * written, readEarlierRuns takes the smaller of the count and the WAL's orders.
 */
export function takenOverCounts(runs: ReadonlyArray<Pick<EarlierRun, 'runId' | 'orders'>>, verdict: Pick<ReconcileVerdict, 'foundInReserved'>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(runs.map((r) => [r.runId, r.orders.length]));
  for (const f of verdict.foundInReserved) counts[f.runId] = (counts[f.runId] ?? 0) + 1;
  return counts;
}

/**
 * Records in the run's LEFTOVER_FILE the symbols of taken-over exposure its strategy was never
 * handed (a clean stop came first): `not_adopted`. A later start counts the crashed runs'
 * orders of those symbols again (readEarlierRuns). Throws when the file cannot be written.
 */
export function markNotAdopted(runDir: string, symbols: readonly string[]): void {
  const file = path.join(runDir, LEFTOVER_FILE);
  const left = readLeftoverFile(file);
  if (left === null) throw new Error(`${file}: no such file`);
  const before = Array.isArray(left.not_adopted) ? left.not_adopted.filter((x): x is string => typeof x === 'string') : [];
  left.not_adopted = [...new Set([...before, ...symbols])];
  writeFileAtomic(file, JSON.stringify(left) + '\n');
}

/** Lines for an earlier run's WAL: its `send` line first when `send`, then a `final` line unless `status` is null (cum qty 0 unless given). */
export interface EarlierWalLines {
  runId: string;
  order: JournaledOrder;
  status: string | null;
  cumQty?: number;
  send?: boolean;
}

/**
 * Journals in their runs' WALs the orders a start found at the venues in a crashed run's
 * reserved id block without a send line (a kill between the frame and the line, a machine
 * crash): their send line, and their final line when the venue's word is final (status and cum
 * qty). Once their fills leave the look-back window the WAL still knows them (a later start
 * asks the venue by client id about one still in flight). Returns the lines that could not be
 * written (the next start finds the order again while the window holds it).
 */
export function journalReservedFinds(runsDir: string, verdict: Pick<ReconcileVerdict, 'foundInReserved' | 'resolved'>): string[] {
  return settleInEarlierWals(runsDir, verdict.foundInReserved.map((f) => {
    const r = verdict.resolved.find((x) => x.runId === f.runId && x.order.venue === f.order.venue && x.order.clientOrderId === f.order.clientOrderId);
    return { runId: f.runId, order: f.order, send: true, status: r?.status ?? null, cumQty: r?.cumQty ?? 0 };
  }));
}

/**
 * Settles in-flight orders of earlier runs in their own WALs once the venue's word is final
 * and carries no exposure: never placed (no trace after timestamp + recvWindow), or found
 * final with nothing filled. The next start need not ask again. An order found with fills is
 * left in flight there: its fills stay that run's exposure until a taker's leftover.json
 * answers for them. Returns the lines that could not be written (the run's folder read-only):
 * harmless, the next start asks the venue again.
 */
export function settleInEarlierWals(runsDir: string, settled: ReadonlyArray<EarlierWalLines>): string[] {
  const failed: string[] = [];
  const byRun = new Map<string, EarlierWalLines[]>();
  for (const s of settled) {
    const list = byRun.get(s.runId);
    if (list === undefined) byRun.set(s.runId, [s]);
    else list.push(s);
  }
  for (const [runId, list] of byRun) {
    let wal: OrderWal | null = null;
    try {
      wal = new OrderWal(path.join(runsDir, runId));
      for (const s of list) {
        if (s.send === true) wal.send({ clientOrderId: s.order.clientOrderId, venue: s.order.venue, symbol: s.order.symbol, side: s.order.side, price: s.order.price,
          qty: s.order.qty, timestampMs: s.order.sentMs });
        if (s.status !== null) wal.final(s.order.venue, s.order.clientOrderId, s.status, s.cumQty ?? 0);
      }
    } catch (e) {
      failed.push(`${runId}: ${(e as Error).message}`);
    } finally {
      try {
        wal?.close();
      } catch {
        // closing a read-only handle cannot lose a line
      }
    }
  }
  return failed;
}
