/**
 * The venue ledger: per pair of venue accounts, in the runs folder
 * (`ledger-binance-<account>-bybit-<account>.json`, one section per venue),
 * the venue facts a start-up reconciliation relied on that the venues' look-back window
 * (23 h of fills and order history) will forget, so a later start counts them exactly once
 * however far the window has moved:
 *
 * - `hand_fills`: trades that are not xarb's that could net a counted leftover exposure (those
 *   closing part of it by hand and those undoing such a close: reconcile.ts closedByHand `seen`). Without them a start after the window moved past the close,
 *   but not past the crashed run's journal, counts the closed exposure again;
 * - `orphan_fills`: xarb fills in no journal (reconcile.ts orphanFills) not yet answered for by
 *   a taker that ended (leftover.json `taken_fills`). Without them the exposure they make
 *   vanishes from xarb's view when they leave the window, while the venue still holds it;
 * - `counted_fills`: fills of journaled orders counted at a start (reconcile.ts countedFills).
 *   Without them a crashed buy's base-coin fee is forgotten once its fill leaves the window, and
 *   an order found only at the venue (in its run's reserved ids, no send line) is forgotten;
 * - `settled_fills`: keys (`venue|symbol|tradeId`) of orphan fills that netted to nothing among
 *   themselves (a pair of legs of a run without a journal): never counted again. Without them
 *   one leg counts alone once the window has moved between the two.
 *
 * A start reads the ledgers before the reconciliation, puts the remembered fills back into the
 * venues' snapshots where the window no longer holds them (`applyLedgers`: so the
 * reconciliation sees what it would have seen with an endless window), treats settled keys as
 * taken, and writes the ledgers again (`nextLedgers`, `writeLedger`) at every start that read
 * the venues, committed or refused: these are facts about the venue, true whether this start
 * trades or not; a run that proceeded writes them once more at its clean stop
 * (ledger-at-stop.ts, `ledgersAtCleanStop`). Entries that can no longer change any start are dropped then (hand fills whose
 * runs' folders are all gone: the runs they closed and the starts that counted them; counted fills whose run's folder is gone, neither put back;
 * orphan fills a taker's clean stop answered for; settled keys
 * older than SETTLED_KEEP_MS before the newest fill the venues show, beyond any look-back).
 *
 * One file for both venues, because what it settles can span them (two legs of a pair netting to
 * nothing, one on each venue): two files could not be written as one step.
 *
 * Durability: written whole to a temporary file, fsynced, renamed over the ledger, and the
 * folder fsynced: a crash at any point leaves the old or the new version, never a torn file.
 * A ledger that cannot be read or does not parse as one (LedgerError) refuses the start: it
 * is never silently ignored, since ignoring it would count settled exposure again.
 * The file names the account by a hash of its API key (the key itself, like every secret, is
 * never written).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { realAtomicFileIo, writeFileAtomic, type AtomicFileIo } from '../core/atomic-file.js';
import { DEFAULT_CLIENT_ID_PATTERN, fillTaken, takenFillKey, UNJOURNALED_FILLS, type ReconcileVerdict, type Venue, type VenueFillView, type VenueSnapshot } from './reconcile.js';

export const LEDGER_VERSION = 1;
/** Settled keys are kept this long after their fill (far beyond any venue look-back). */
export const SETTLED_KEEP_MS = 7 * 24 * 3600_000;

export interface VenueLedger {
  version: typeof LEDGER_VERSION;
  venue: Venue;
  /** Hash of the API key (ledgerAccount). */
  account: string;
  /** Wall ms of the start that wrote it. */
  updatedMs: number;
  handFills: VenueFillView[];
  /**
   * Per hand fill (takenFillKey): the runs whose exposure it closed, and the runs of the starts
   * that counted it (file field `runs`). It is kept while any of their folders is in the runs
   * folder: a taker that ended can be resumed and crash, and then the runs it took over count
   * again, with this close. None listed (an older file): kept.
   */
  handFillRuns: Map<string, string[]>;
  orphanFills: VenueFillView[];
  /**
   * Fills of journaled orders of runs whose exposure a start counted (file field `counted_fills`,
   * each with `runs`: [its run]): their base-coin fee and, for an order whose fills straddle the
   * window's edge, their older part. Kept while the run has its folder.
   */
  countedFills: VenueFillView[];
  countedFillRuns: Map<string, string[]>;
  settledFills: Array<{ key: string; timeMs: number }>;
  /**
   * Runs that stopped cleanly with nothing left open (file field `ended_runs`, written at their
   * stop: ledger-at-stop.ts): their client-id tags and the orphan fills they answered for (this
   * venue's keys). Once such a run's folder is gone, its own fills (by tag) and those orphan
   * fills are settled (applyLedgers): the run answered for all of them, and its flatten or hedge
   * fills still in the window must not count as fills in no journal without what they closed.
   * Kept SETTLED_KEEP_MS after the stop (far beyond any look-back).
   */
  endedRuns: EndedRun[];
}

/** A run's clean stop, as the ledger remembers it (VenueLedger.endedRuns). */
export interface EndedRun {
  run: string;
  /** Its client-id tags (`<tag>-<n>`: one per segment). */
  tags: string[];
  /** takenFillKey of the xarb fills in no journal it answered for (its leftover.json `taken_fills`), of this venue. */
  takenFills: string[];
  /** Wall ms of the stop. */
  timeMs: number;
}

/**
 * A ledger that cannot be read, parsed or written, or a runs folder holding the ledger of other
 * accounts (or of other API keys of the same accounts): the start is refused.
 */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(readonly file: string, readonly kind: 'unreadable' | 'unwritable' | 'other_accounts', message: string) {
    super(`venue ledger ${file} ${kind === 'other_accounts' ? 'is not the only one in the runs folder' : kind}: ${message}`);
  }
}

/**
 * Start-up refusals over the runs folder's records since the process started: the ledger
 * unreadable or unwritable, an earlier run's leftover.json unreadable (`leftoverUnreadable`); and a
 * warning: a run a crashed taker took over has no folder any more (`takenOverRunMissing`).
 * Counted before the monitor is up (the log line's `counter` and the refusal say it too); a
 * start that proceeds shows them as `xarb_runs_folder_errors_total{counter}` (ledgerCounterValues).
 */
export const ledgerCounters = { unreadable: 0, unwritable: 0, otherAccounts: 0, leftoverUnreadable: 0, takenOverRunMissing: 0 };

/** ledgerCounters by the names the log lines' `counter` field gives them (the monitor's `xarb_runs_folder_errors_total{counter}`). */
export function ledgerCounterValues(): Record<string, number> {
  return { ledger_unreadable: ledgerCounters.unreadable, ledger_unwritable: ledgerCounters.unwritable, ledger_other_accounts: ledgerCounters.otherAccounts,
    leftover_unreadable: ledgerCounters.leftoverUnreadable, taken_over_run_missing: ledgerCounters.takenOverRunMissing };
}

/** The counter a LedgerError is logged under (`counter` field of the refusal's log line). */
export function ledgerErrorCounter(e: LedgerError): string {
  return `ledger_${e.kind}`;
}

/** The account's name in the ledger's file name: the first 16 hex of the API key's SHA-256. */
export function ledgerAccount(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

export interface LedgerAccount {
  venue: Venue;
  account: string;
}

export function ledgerFile(runsDir: string, accounts: readonly LedgerAccount[]): string {
  return path.join(runsDir, 'ledger-' + accounts.map((a) => `${a.venue}-${a.account}`).join('-') + '.json');
}

export function emptyLedger(venue: Venue, account: string): VenueLedger {
  return { version: LEDGER_VERSION, venue, account, updatedMs: 0, handFills: [], handFillRuns: new Map(), orphanFills: [], countedFills: [], countedFillRuns: new Map(), settledFills: [], endedRuns: [] };
}

/**
 * The ledgers of these accounts, one per venue; empty ones when there is no file yet. Throws
 * LedgerError when it exists but is not a valid ledger, or when the runs folder holds a ledger
 * of other accounts or keys (`other_accounts`): its runs are then another account pair's, or
 * this pair's under its old keys, and counting them (or starting an empty ledger) would be
 * wrong either way. A runs folder belongs to one pair of accounts.
 */
export function readLedgers(runsDir: string, accounts: readonly LedgerAccount[]): VenueLedger[] {
  const file = ledgerFile(runsDir, accounts);
  let names: string[] = [];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    // no runs folder yet: no ledger of anyone
  }
  const others = names.filter((n) => n.startsWith('ledger-') && n.endsWith('.json') && n !== path.basename(file));
  if (others.length > 0) {
    ledgerCounters.otherAccounts++;
    throw new LedgerError(file, 'other_accounts', `the runs folder holds ${others.join(', ')}, written for other API keys: a runs folder belongs to one pair ` +
      'of accounts (after a key change on the same accounts rename that file to this name; for other accounts use another runs folder)');
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return accounts.map((a) => emptyLedger(a.venue, a.account));
    ledgerCounters.unreadable++;
    throw new LedgerError(file, 'unreadable', (e as Error).message);
  }
  try {
    const j = JSON.parse(text) as { version?: unknown; venues?: unknown };
    if (j === null || typeof j !== 'object') throw new Error('not an object');
    if (j.version !== LEDGER_VERSION) throw new Error(`version ${String(j.version)}, expected ${LEDGER_VERSION}`);
    if (!Array.isArray(j.venues) || j.venues.length !== accounts.length) throw new Error(`venues is not a list of ${accounts.length}`);
    return accounts.map((a, i) => parseLedger((j.venues as unknown[])[i], a.venue, a.account));
  } catch (e) {
    ledgerCounters.unreadable++;
    throw new LedgerError(file, 'unreadable', (e as Error).message);
  }
}

function parseLedger(x: unknown, venue: Venue, account: string): VenueLedger {
  const j = x as Record<string, unknown>;
  if (j === null || typeof j !== 'object') throw new Error(`the ${venue} section is not an object`);
  // The file's name binds it to the accounts: one renamed by the operator after a key change
  // (readLedgers' refusal says to) is the new key's; the account written in it is only a string.
  if (j.venue !== venue || typeof j.account !== 'string') throw new Error(`written for ${String(j.venue)} account ${String(j.account)}`);
  if (typeof j.updated_ms !== 'number' || !Number.isFinite(j.updated_ms)) throw new Error('updated_ms is not a number');
  const fills = (name: string): VenueFillView[] => {
    const list = j[name];
    if (!Array.isArray(list)) throw new Error(`${name} is not a list`);
    return list.map((x, i) => parseFill(x, venue, `${name}[${i}]`));
  };
  const settled = j.settled_fills;
  if (!Array.isArray(settled)) throw new Error('settled_fills is not a list');
  const settledFills = settled.map((x: unknown, i) => {
    const s = x as { key?: unknown; time_ms?: unknown };
    if (s === null || typeof s !== 'object' || typeof s.key !== 'string' || !s.key.startsWith(venue + '|') || typeof s.time_ms !== 'number' || !Number.isFinite(s.time_ms)) {
      throw new Error(`settled_fills[${i}] is not a {key, time_ms} of ${venue}`);
    }
    return { key: s.key, timeMs: s.time_ms };
  });
  const tagged = (name: string): { list: VenueFillView[]; runs: Map<string, string[]> } => {
    const list = fills(name);
    const runs = new Map<string, string[]>();
    (j[name] as Array<Record<string, unknown>>).forEach((x, i) => {
      if (x.runs === undefined) return;
      if (!Array.isArray(x.runs) || !x.runs.every((r) => typeof r === 'string')) throw new Error(`${name}[${i}].runs is not a list of run ids`);
      runs.set(takenFillKey(venue, list[i]!), x.runs as string[]);
    });
    return { list, runs };
  };
  const ended = j.ended_runs ?? [];
  if (!Array.isArray(ended)) throw new Error('ended_runs is not a list');
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((y) => typeof y === 'string');
  const endedRuns = ended.map((x: unknown, i): EndedRun => {
    const e = x as { run?: unknown; tags?: unknown; taken_fills?: unknown; time_ms?: unknown };
    if (e === null || typeof e !== 'object' || typeof e.run !== 'string' || !strings(e.tags) || !strings(e.taken_fills) || typeof e.time_ms !== 'number' || !Number.isFinite(e.time_ms)) {
      throw new Error(`ended_runs[${i}] is not a {run, tags, taken_fills, time_ms}`);
    }
    return { run: e.run, tags: e.tags, takenFills: e.taken_fills, timeMs: e.time_ms };
  });
  const hand = tagged('hand_fills');
  if (j.counted_fills === undefined) j.counted_fills = []; // (a file written before they were kept)
  const counted = tagged('counted_fills');
  return { version: LEDGER_VERSION, venue, account, updatedMs: j.updated_ms, handFills: hand.list, handFillRuns: hand.runs, orphanFills: fills('orphan_fills'),
    countedFills: counted.list, countedFillRuns: counted.runs, settledFills, endedRuns };
}

function parseFill(x: unknown, venue: Venue, where: string): VenueFillView {
  const f = x as Record<string, unknown>;
  const str = (k: string): string => {
    if (typeof f[k] !== 'string') throw new Error(`${where}.${k} is not a string`);
    return f[k] as string;
  };
  const num = (k: string): number => {
    if (typeof f[k] !== 'number' || !Number.isFinite(f[k])) throw new Error(`${where}.${k} is not a number`);
    return f[k] as number;
  };
  if (f === null || typeof f !== 'object') throw new Error(`${where} is not an object`);
  if (f.venue !== venue) throw new Error(`${where}.venue is not ${venue}`);
  if (f.side !== 'buy' && f.side !== 'sell') throw new Error(`${where}.side is not buy or sell`);
  const qty = num('qty');
  if (!(qty > 0)) throw new Error(`${where}.qty is not positive`);
  const v: VenueFillView = { venue, symbol: str('symbol'), tradeId: str('trade_id'), orderId: str('order_id'), clientOrderId: str('client_order_id'), side: f.side,
    qty, price: num('price'), timeMs: num('time_ms') };
  if (f.base_fee !== undefined) v.baseFee = num('base_fee');
  return v;
}

function fillJson(f: VenueFillView, runs?: readonly string[]): Record<string, unknown> {
  return { venue: f.venue, symbol: f.symbol, trade_id: f.tradeId, order_id: f.orderId, client_order_id: f.clientOrderId, side: f.side, qty: f.qty, price: f.price,
    time_ms: f.timeMs, ...(f.baseFee !== undefined && f.baseFee !== 0 ? { base_fee: f.baseFee } : {}), ...(runs !== undefined ? { runs } : {}) };
}

/** The file's text (stable field order; also what tests compare). */
export function ledgerText(ledgers: readonly VenueLedger[]): string {
  return JSON.stringify({ version: LEDGER_VERSION, venues: ledgers.map((l) => ({ venue: l.venue, account: l.account, updated_ms: l.updatedMs, hand_fills: l.handFills.map((f) => fillJson(f, l.handFillRuns.get(takenFillKey(l.venue, f)))),
    orphan_fills: l.orphanFills.map((f) => fillJson(f)), counted_fills: l.countedFills.map((f) => fillJson(f, l.countedFillRuns.get(takenFillKey(l.venue, f)))), settled_fills: l.settledFills.map((s) => ({ key: s.key, time_ms: s.timeMs })),
    ...(l.endedRuns.length > 0 ? { ended_runs: l.endedRuns.map((e) => ({ run: e.run, tags: e.tags, taken_fills: e.takenFills, time_ms: e.timeMs })) } : {}) })) }) + '\n';
}

/** File operations of writeLedgers (atomic-file.ts). */
export type LedgerIo = AtomicFileIo;
export const realLedgerIo: LedgerIo = realAtomicFileIo;

/**
 * Writes the ledgers (one file) atomically: temporary file, fsync, rename over the ledger,
 * fsync the folder. Throws LedgerError when any step fails (the old version may still be in place).
 */
export function writeLedgers(runsDir: string, ledgers: readonly VenueLedger[], io: LedgerIo = realLedgerIo): void {
  const file = ledgerFile(runsDir, ledgers);
  try {
    writeFileAtomic(file, ledgerText(ledgers), io);
  } catch (e) {
    ledgerCounters.unwritable++;
    throw new LedgerError(file, 'unwritable', (e as Error).message);
  }
}

/**
 * Whether a remembered hand or counted fill still belongs to a run with its folder in the runs
 * folder (`runs`: those it is tagged with; a hand fill of an older file has none and is kept).
 * Deleting a run's folder is how the operator retires what was remembered for it.
 */
function ofARunWithAFolder(runs: readonly string[] | undefined, runFolders: ReadonlySet<string>, untagged: boolean): boolean {
  return runs === undefined ? untagged : runs.some((r) => runFolders.has(r));
}

/**
 * The run folders, with UNJOURNALED_FILLS among them while the ledger keeps xarb fills in no
 * journal (`orphansKept`): a trade by hand that closed exposure made of them is tagged with it,
 * and lives as long as they do (deleting the folder of the start that saw it, a refused start,
 * must not leave the orphan fills without their close).
 */
function withOrphanPart(runFolders: ReadonlySet<string>, orphansKept: boolean): ReadonlySet<string> {
  return orphansKept ? new Set([...runFolders, UNJOURNALED_FILLS]) : runFolders;
}

/**
 * The snapshots with the ledgers' remembered fills put back where the venue's window no
 * longer holds them (matched by venue, symbol and trade id), and the settled keys (to add to
 * reconcile.ts takenFills). Hand and counted fills none of whose runs has a folder left
 * (`runFolders`) are not put back (nextLedgers drops them): put back, a counted fill of a
 * deleted run would have a client id no journal knows, and count as exposure of xarb's.
 */
export function applyLedgers(snapshots: readonly VenueSnapshot[], ledgers: readonly VenueLedger[], runFolders: ReadonlySet<string>): { snapshots: VenueSnapshot[]; settled: Set<string> } {
  const settled = new Set<string>();
  for (const l of ledgers) for (const s of l.settledFills) settled.add(s.key);
  runFolders = withOrphanPart(runFolders, ledgers.some((l) => l.orphanFills.length > 0));
  const out = snapshots.map((s) => {
    const l = ledgers.find((x) => x.venue === s.venue);
    if (l === undefined) return s;
    const have = new Set(s.fills.map((f) => takenFillKey(s.venue, f)));
    const back: VenueFillView[] = [];
    const live = (runsOf: Map<string, string[]>, untagged: boolean) => (f: VenueFillView): boolean => ofARunWithAFolder(runsOf.get(takenFillKey(s.venue, f)), runFolders, untagged);
    for (const f of [...l.handFills.filter(live(l.handFillRuns, true)), ...l.orphanFills, ...l.countedFills.filter(live(l.countedFillRuns, false))]) {
      const k = takenFillKey(s.venue, f);
      if (have.has(k)) continue;
      have.add(k);
      back.push(f);
    }
    const all = back.length === 0 ? s : { ...s, fills: [...back, ...s.fills] };
    // Runs that stopped cleanly with nothing open, their folders gone: they answered for their
    // own fills and for the orphan fills they took over (VenueLedger.endedRuns).
    for (const e of l.endedRuns) {
      if (runFolders.has(e.run)) continue;
      for (const k of e.takenFills) settled.add(k);
      for (const f of all.fills) if (e.tags.includes(clientIdTag(f.clientOrderId))) settled.add(takenFillKey(s.venue, f));
    }
    return all;
  });
  return { snapshots: out, settled };
}

/** The tag of a client id `<tag>-<n>` ('' when it has no dash). */
export function clientIdTag(cid: string): string {
  const dash = cid.lastIndexOf('-');
  return dash > 0 ? cid.slice(0, dash) : '';
}

/**
 * The ledgers as a clean stop leaves them, without reading the venues: the orphan fills a
 * cleanly ended run answered for (`takenFills`, earlier-runs.ts: the stopping run's own
 * leftover.json once its run_end is written) dropped, and the hand and counted fills none of
 * whose runs has a folder (`runFolders`). Settled keys stay (pruned by the venues' clock, which a
 * stop does not read). Written at a clean stop so that what the run answered for leaves the
 * ledger with it: deleting its folder before the next start would otherwise put its orphan
 * fills back with nobody answering for them. `ended`: the stopping run, when it left nothing
 * open, remembered with its tags and the orphan fills it answered for (VenueLedger.endedRuns):
 * pruned alone, an answered orphan fill would leave the run's own flatten fill, once its folder
 * is gone, counted alone as a fill in no journal.
 */
export function ledgersAtCleanStop(ledgers: readonly VenueLedger[], o: { takenFills: ReadonlySet<string>; runFolders: ReadonlySet<string>; nowMs: number;
  ended?: { run: string; tags: readonly string[]; takenFills: ReadonlySet<string> } }): VenueLedger[] {
  const folders = withOrphanPart(o.runFolders, ledgers.some((l) => l.orphanFills.some((f) => !fillTaken(o.takenFills, l.venue, f))));
  const kept = (runsOf: Map<string, string[]>, venue: Venue, untagged: boolean) => (f: VenueFillView): boolean =>
    ofARunWithAFolder(runsOf.get(takenFillKey(venue, f)), folders, untagged);
  const onlyKept = (runsOf: Map<string, string[]>, list: readonly VenueFillView[], venue: Venue): Map<string, string[]> =>
    new Map([...runsOf].filter(([k]) => list.some((f) => takenFillKey(venue, f) === k)));
  return ledgers.map((l) => {
    const handFills = l.handFills.filter(kept(l.handFillRuns, l.venue, true));
    const countedFills = l.countedFills.filter(kept(l.countedFillRuns, l.venue, false));
    return { ...l, updatedMs: o.nowMs, handFills, handFillRuns: onlyKept(l.handFillRuns, handFills, l.venue), countedFills,
      countedFillRuns: onlyKept(l.countedFillRuns, countedFills, l.venue),
      orphanFills: l.orphanFills.filter((f) => !fillTaken(o.takenFills, l.venue, f)),
      endedRuns: o.ended === undefined ? l.endedRuns : [...l.endedRuns.filter((e) => e.run !== o.ended!.run), { run: o.ended.run, tags: [...o.ended.tags],
        takenFills: [...o.ended.takenFills].filter((k) => k.startsWith(l.venue + '|')), timeMs: o.nowMs }] };
  });
}

/**
 * The ledgers after a start's reconciliation (over snapshots from applyLedgers): the hand
 * fills it netted (tagged with the runs whose exposure they closed and this start's run) added
 * to those still relevant (a run they are tagged with still has its folder, `runFolders`);
 * the orphan fills it counted (those a taker's clean stop answered for are no longer counted,
 * so drop out); orphan fills that net to dust per symbol among themselves, with no trade by
 * hand between the first and the last, become settled keys.
 * Venues without a snapshot keep their ledger as it was.
 */
export function nextLedgers(ledgers: readonly VenueLedger[], snapshots: readonly VenueSnapshot[], verdict: ReconcileVerdict,
  o: { dustQty: (symbol: string) => number; nowMs: number; runId: string; runFolders: ReadonlySet<string> }): VenueLedger[] {
  const countedRuns = new Map<string, string[]>();
  // (UNJOURNALED_FILLS among them: a close of exposure made of xarb fills in no journal lives
  // as long as the ledger keeps such fills, not only as long as the start that saw it.)
  for (const e of [...verdict.exposure, ...verdict.closed]) countedRuns.set(e.symbol, [...e.runs, o.runId]);
  // Orphan fills netting to nothing among themselves, per symbol (across venues).
  const orphanNet = new Map<string, number>();
  for (const f of verdict.orphanFillViews) orphanNet.set(f.symbol, (orphanNet.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty) - (f.baseFee ?? 0));
  // ... and with no trade by hand between their first and last fill (it may have closed one leg:
  // then the venue holds the other, and the reconciliation counted it).
  const span = new Map<string, { from: number; to: number }>();
  for (const f of verdict.orphanFillViews) {
    const x = span.get(f.symbol);
    if (x === undefined) span.set(f.symbol, { from: f.timeMs, to: f.timeMs });
    else {
      x.from = Math.min(x.from, f.timeMs);
      x.to = Math.max(x.to, f.timeMs);
    }
  }
  const handBetween = (symbol: string): boolean => {
    const x = span.get(symbol)!;
    return snapshots.some((s) => s.fills.some((f) => f.symbol === symbol && !DEFAULT_CLIENT_ID_PATTERN.test(f.clientOrderId) && f.timeMs >= x.from && f.timeMs <= x.to));
  };
  const netsToNothing = (symbol: string): boolean => Math.abs(orphanNet.get(symbol) ?? 0) <= o.dustQty(symbol) && !handBetween(symbol);
  let newestFillMs = -Infinity;
  for (const s of snapshots) for (const f of s.fills) newestFillMs = Math.max(newestFillMs, f.timeMs);
  const runFolders = withOrphanPart(o.runFolders, verdict.orphanFillViews.some((f) => !netsToNothing(f.symbol)));
  return ledgers.map((l) => {
    if (!snapshots.some((s) => s.venue === l.venue)) return l;
    const hand = new Map<string, VenueFillView>();
    const handRuns = new Map<string, string[]>();
    for (const f of l.handFills) {
      const k = takenFillKey(l.venue, f);
      const runs = l.handFillRuns.get(k);
      if (!ofARunWithAFolder(runs, runFolders, true)) continue;
      hand.set(k, f);
      if (runs !== undefined) handRuns.set(k, runs);
    }
    for (const f of verdict.handFills) {
      if (f.venue !== l.venue) continue;
      const k = takenFillKey(l.venue, f);
      hand.set(k, f);
      handRuns.set(k, [...new Set([...(handRuns.get(k) ?? []), ...(countedRuns.get(f.symbol) ?? [o.runId])])]);
    }
    const counted = new Map<string, VenueFillView>();
    const countedRunsOf = new Map<string, string[]>();
    for (const f of l.countedFills) {
      const k = takenFillKey(l.venue, f);
      const runs = l.countedFillRuns.get(k);
      if (runs === undefined || !ofARunWithAFolder(runs, runFolders, false)) continue;
      counted.set(k, f);
      countedRunsOf.set(k, runs);
    }
    for (const { runId, fill: f } of verdict.countedFills) {
      if (f.venue !== l.venue) continue;
      const k = takenFillKey(l.venue, f);
      counted.set(k, f);
      countedRunsOf.set(k, [runId]);
    }
    const orphans: VenueFillView[] = [];
    // Pruned against the newest fill the venues showed (their clock), not the local clock: a host
    // clock days fast would drop keys whose fills the window still holds.
    const settled = new Map(l.settledFills.filter((s) => s.timeMs >= newestFillMs - SETTLED_KEEP_MS).map((s) => [s.key, s]));
    for (const f of verdict.orphanFillViews) {
      if (f.venue !== l.venue) continue;
      if (netsToNothing(f.symbol)) settled.set(takenFillKey(l.venue, f), { key: takenFillKey(l.venue, f), timeMs: f.timeMs });
      else orphans.push(f);
    }
    return { version: LEDGER_VERSION, venue: l.venue, account: l.account, updatedMs: o.nowMs, handFills: [...hand.values()], handFillRuns: handRuns, orphanFills: orphans,
      countedFills: [...counted.values()], countedFillRuns: countedRunsOf,
      settledFills: [...settled.values()], endedRuns: l.endedRuns.filter((e) => e.timeMs >= newestFillMs - SETTLED_KEEP_MS) };
  });
}
