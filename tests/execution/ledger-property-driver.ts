/**
 * The loop the ledger property tests share: it drives a World through crashed runs, pairs of
 * xarb fills in no journal, trades by hand and starts (refused, committed, crashed, killed while
 * writing the ledger), with a start before any trade no start has seen leaves the window, and
 * checks at each start that the exposure xarb believes equals the venue's net. Each test brings
 * its own arbitraries, its extra actions (`onExtra`) and its variations (options).
 */
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOUR, LOOKBACK_MS, World, believed, round9 } from './ledger-harness.js';
import { readOrderWal, WAL_FILE } from '../../src/execution/order-wal.js';
import { realLedgerIo, type LedgerIo } from '../../src/execution/venue-ledger.js';
import type { Side, Venue } from '../../src/execution/reconcile.js';

/** The actions every ledger property drives (`fee2`: a base fee on an orphan pair's second leg). */
export type LedgerAction =
  | { kind: 'crash'; gapMin: number; venue: Venue; side: Side; qty: number; hedged: number; fee: boolean }
  | { kind: 'orphans'; gapMin: number; venue: Venue; side: Side; qty: number; legGapMin: number; handBetween: boolean; fee: boolean; fee2?: boolean }
  | { kind: 'byHand'; gapMin: number; venue: Venue; whole: boolean }
  | { kind: 'undoByHand'; gapMin: number }
  | { kind: 'start'; gapMin: number; refuse: boolean; endsCleanly: boolean; killedAt: number; flatten: boolean };

/** What a test's own action sees of the world it acts on. */
export interface DriverContext { dir: string; w: World; now: number; seen: Record<string, number> }

export interface LedgerPropertyOptions<X extends { kind: string; gapMin: number }> {
  /** Counters of the test's own (listed before the shared ones), each asserted explored. */
  extraSeen?: Record<string, number>;
  /** The operator's buys by hand on Binance pay their fee in base (Binance without BNB). */
  handBuyBaseFee?: boolean;
  /** The test's own actions. */
  onExtra?: (a: X, c: DriverContext) => void;
}

const venue = fc.constantFrom<Venue>('binance', 'bybit');
const side = fc.constantFrom<Side>('buy', 'sell');
// Few sizes, so that parts of different runs often net to nothing.
const qty = fc.constantFrom(0.2, 0.5, 1);
const gapMin = fc.integer({ min: 1, max: 30 * 60 });

/** The shared actions' arbitraries, for a test's `fc.oneof` (`fee2`: draw a second-leg fee too). */
export function ledgerActionArbitraries(o: { fee2?: boolean } = {}): Array<fc.Arbitrary<LedgerAction>> {
  return [
    fc.record({ kind: fc.constant('crash' as const), gapMin, venue, side, qty, hedged: fc.constantFrom(0, 0.5, 1), fee: fc.boolean() }),
    o.fee2 === true
      ? fc.record({ kind: fc.constant('orphans' as const), gapMin, venue, side, qty, legGapMin: fc.integer({ min: 0, max: 20 * 60 }), handBetween: fc.boolean(), fee: fc.boolean(), fee2: fc.boolean() })
      : fc.record({ kind: fc.constant('orphans' as const), gapMin, venue, side, qty, legGapMin: fc.integer({ min: 0, max: 20 * 60 }), handBetween: fc.boolean(), fee: fc.boolean() }),
    fc.record({ kind: fc.constant('byHand' as const), gapMin, venue, whole: fc.boolean() }),
    fc.record({ kind: fc.constant('undoByHand' as const), gapMin }),
    fc.record({ kind: fc.constant('start' as const), gapMin, refuse: fc.boolean(), endsCleanly: fc.boolean(), killedAt: fc.integer({ min: -4, max: 3 }), flatten: fc.boolean() }),
  ];
}

const STEPS: Array<keyof LedgerIo> = ['writeFileSync', 'fsyncFile', 'renameSync', 'fsyncDir'];

/** The ledger's file operations, killed during `step` (the rest of the process never runs). */
function killedDuring(step: keyof LedgerIo): LedgerIo {
  const io: LedgerIo = { ...realLedgerIo };
  io[step] = ((...args: [string, string]) => {
    if (step === 'writeFileSync') fs.writeFileSync(args[0], args[1].slice(0, Math.floor(args[1].length / 2)));
    throw new Error('killed');
  }) as never;
  return io;
}

/**
 * Deletes every start run that may be deleted without changing anything (docs/live.md): one that
 * ended cleanly, took something over (its leftover.json) but no crashed run, and all of whose
 * own fills and the fills it took over have left the window. Returns how many it deleted.
 */
export function retireAnsweredStartRuns(dir: string, w: World, now: number): number {
  let retired = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('S')) continue;
    const rd = path.join(dir, name);
    const journal = fs.readFileSync(path.join(rd, 'journal.jsonl'), 'utf8');
    if (!journal.trimEnd().endsWith('"type":"run_end"}')) continue;
    const lf = path.join(rd, 'leftover.json');
    // Only a committed start that took something over (a refused start's folder: the
    // deleting-a-refused-start-folder reproducer).
    if (!fs.existsSync(lf)) continue;
    const left = JSON.parse(fs.readFileSync(lf, 'utf8')) as { taken_over?: string[]; taken_fills?: string[] };
    if ((left.taken_over ?? []).some((r) => r.startsWith('R') || r.startsWith('S'))) continue;
    const cids = new Set(readOrderWal(path.join(rd, WAL_FILE)).orders.map((o) => o.clientOrderId));
    const takenKeys = new Set(left.taken_fills ?? []);
    const its = w.fills.filter((f) => cids.has(f.clientOrderId) || takenKeys.has(f.venue + '|' + f.symbol + '|' + f.tradeId));
    if (its.some((f) => f.timeMs >= now - LOOKBACK_MS)) continue;
    fs.rmSync(rd, { recursive: true });
    retired++;
  }
  return retired;
}

/**
 * Checks, over `numRuns` sequences of up to 25 actions, that the exposure believed at each start
 * is the venue's net, then asserts every counter in `seen` moved (the space claimed was explored).
 */
export function checkLedgerProperty<X extends { kind: string; gapMin: number } = never>(
  t: { ok(ok: boolean, message: string): unknown }, action: fc.Arbitrary<LedgerAction | X>, opts: LedgerPropertyOptions<X> = {},
): void {
  // What the runs went through, so the test shows it explored the space it claims.
  const seen: Record<string, number> = { ...opts.extraSeen, flattened: 0, closedByHand: 0, settledPairs: 0, killed: 0, remembered: 0, handBetweenLegs: 0, undoneByHand: 0, baseFees: 0 };
  const handFee = (v: Venue, s: Side, q: number): number => (opts.handBuyBaseFee === true && s === 'buy' && v === 'binance' ? round9(q / 1000) : 0);
  const property = fc.property(fc.array(action, { minLength: 1, maxLength: 25 }), (actions) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-ledger-prop-'));
    try {
      const w = new World(dir);
      let now = 0;
      let n = 0;
      // The oldest trade no start has recorded yet (null: all seen).
      let unseen: number | null = null;
      const start = (at: number, o: { refuse?: boolean; endsCleanly?: boolean; killedAt?: number; flatten?: boolean } = {}): void => {
        const killed = o.killedAt !== undefined && o.killedAt >= 0 ? STEPS[o.killedAt]! : null;
        const r = w.start(`S${++n}`, at, { refuse: o.refuse ?? false, endsCleanly: o.endsCleanly ?? true, policy: o.flatten === true ? 'flatten' : 'halt',
          ...(killed !== null ? { io: killedDuring(killed) } : {}) });
        if (r.error !== null && killed === null) throw r.error;
        if (killed !== null) seen.killed!++;
        if (r.verdict !== null) {
          if (r.verdict.canTrade && r.verdict.flatten.length > 0) seen.flattened!++;
          if (r.verdict.closed.length > 0 || r.verdict.exposure.some((e) => e.closedByHand !== undefined)) seen.closedByHand!++;
          if (r.verdict.orphanFillViews.length >= 2 && r.verdict.exposure.length === 0) seen.settledPairs!++;
          if (r.verdict.handFills.some((f) => f.timeMs < at - LOOKBACK_MS) || r.verdict.orphanFillViews.some((f) => f.timeMs < at - LOOKBACK_MS)) seen.remembered!++;
        }
        if (r.verdict !== null) {
          const got = round9(believed(r.verdict));
          const want = round9(w.truth(at));
          if (got !== want) throw new Error(`start S${n} at ${at / HOUR} h believes ${got}, the venue holds ${want}`);
        }
        if (killed === null) unseen = null;
        if (r.verdict !== null && r.verdict.canTrade && o.refuse !== true && killed === null) lastHand = null;
        // A flatten traded: those fills too must be seen by a start while in the window.
        if (r.verdict !== null && r.verdict.flatten.length > 0 && r.verdict.canTrade && o.refuse !== true && killed === null) unseen = at + 1;
      };
      // Time moves on; a start comes before any unseen trade leaves the window.
      const advance = (minutes: number): void => {
        const to = now + minutes * 60_000;
        if (unseen !== null && to - LOOKBACK_MS >= unseen) start(now);
        now = to;
      };
      const traded = (): void => {
        if (unseen === null) unseen = now;
      };
      // The operator's last trade by hand, while no xarb trade and no committed start (which took
      // the exposure over as closed: then trading it back is his own inventory) came after it.
      let lastHand = null as { venue: Venue; side: Side; qty: number } | null;
      const closeByHand = (v: Venue, whole: boolean): void => {
        const open = round9(w.truth());
        if (open === 0) return;
        lastHand = { venue: v, side: open > 0 ? 'sell' : 'buy', qty: round9(Math.abs(open) * (whole ? 1 : 0.5)) };
        w.byHand(v, lastHand.side, lastHand.qty, now);
        const fee = handFee(v, lastHand.side, lastHand.qty);
        if (fee > 0) w.fills.at(-1)!.baseFee = fee;
        traded();
      };
      for (const x of actions) {
        advance(x.gapMin);
        const a = x as LedgerAction; // or the test's own (the default case)
        switch (a.kind) {
          case 'crash': {
            // A base-coin fee (a thousandth of the leg) on an unhedged run's leg: the account holds the leg less it.
            const fee = a.fee && a.hedged === 0 ? round9(a.qty / 1000) : 0;
            if (fee > 0) seen.baseFees!++;
            const legs: Array<{ venue: Venue; side: Side; qty: number; timeMs: number; baseFee?: number }> = [{ venue: a.venue, side: a.side, qty: a.qty, timeMs: now, baseFee: fee }];
            if (a.hedged > 0) legs.push({ venue: a.venue === 'binance' ? 'bybit' : 'binance', side: a.side === 'buy' ? 'sell' : 'buy', qty: round9(a.qty * a.hedged), timeMs: now + 1 });
            w.crashedRun(`R${++n}`, legs);
            lastHand = null;
            traded();
            now += 1;
            break;
          }
          case 'orphans': // two legs of a run whose journal was lost, netting to nothing once both filled
            // Each xarb fill in no journal is a part of its own: a fee on the first leg is the account's.
            w.orphanFill(a.venue, a.side, a.qty, now, a.fee ? round9(a.qty / 1000) : 0);
            if (a.fee) seen.baseFees!++;
            traded();
            if (a.handBetween) { // the operator closes what he sees between the legs
              advance(a.legGapMin / 2);
              now += 1;
              closeByHand(a.venue, true);
              seen.handBetweenLegs!++;
              advance(a.legGapMin / 2);
            } else advance(a.legGapMin);
            now += 1;
            w.orphanFill(a.venue === 'binance' ? 'bybit' : 'binance', a.side === 'buy' ? 'sell' : 'buy', a.qty, now, a.fee2 === true ? round9(a.qty / 1000) : 0);
            if (a.fee2 === true) seen.baseFees!++;
            lastHand = null;
            traded();
            break;
          case 'byHand': // the operator closes what the venue holds of xarb's (all of it, or half)
            closeByHand(a.venue, a.whole);
            break;
          case 'undoByHand': { // ... and trades it back (rebalancing his inventory): the exposure is open again
            if (lastHand === null) break;
            // (what his buy received, less its fee: the fee is his own)
            const fee = handFee(lastHand.venue, lastHand.side, lastHand.qty);
            w.byHand(lastHand.venue, lastHand.side === 'buy' ? 'sell' : 'buy', opts.handBuyBaseFee === true ? round9(lastHand.qty - fee) : lastHand.qty, now);
            lastHand = null;
            seen.undoneByHand!++;
            traded();
            break;
          }
          case 'start':
            start(now, a);
            break;
          default:
            if (opts.onExtra === undefined) throw new Error(`no handler for action ${x.kind}`);
            opts.onExtra(x as X, { dir, w, now, seen });
        }
        now += 1;
      }
      start(now + 1);
      advance(2 * LOOKBACK_MS / 60_000);
      start(now);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  // A rare case (a retirement: ~3 in 150 runs) can miss one batch by chance (~5 %): more
  // batches, at most MAX_BATCHES, until every counter moved, so the explored check fails only
  // when a case is really out of reach, not by luck of the draw.
  const MAX_BATCHES = 4;
  for (let b = 0; b < MAX_BATCHES && (b === 0 || Object.values(seen).some((v) => v === 0)); b++) {
    fc.assert(property, { numRuns: Number(process.env.XARB_PROPERTY_RUNS ?? 150) });
  }
  for (const [k, v] of Object.entries(seen)) t.ok(v > 0, `explored: ${k} (${v} times)`);
}
