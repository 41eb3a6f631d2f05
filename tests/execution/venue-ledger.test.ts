/**
 * The venue ledger (venue-ledger.ts) remembers what a start saw at the venues that their
 * 23 h look-back will forget, so no later start counts it twice or loses it:
 * (a) a leftover closed by hand, seen only by a start that was then refused;
 * (b) two xarb fills in no journal that net to nothing, whichever of them leaves the window first.
 * And the file itself: written whole or not at all, refused when unreadable, free of secrets.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACCOUNTS, HOUR, World, believed, round9 } from './ledger-harness.js';
import { LedgerError, ledgerAccount, ledgerCounters, ledgerFile, readLedgers, realLedgerIo, writeLedgers, emptyLedger, type LedgerIo } from '../../src/execution/venue-ledger.js';

const tmp = (t: { teardown(f: () => void): void }): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-ledger-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};

t.test('(a) a close by hand seen only by a refused start still counts after the look-back has moved past it', async (t) => {
  const w = new World(tmp(t));
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]); // A crashed long 1 BTC
  w.byHand('binance', 'sell', 1, 1 * HOUR); // the operator sold it by hand
  const b = w.start('B', 2 * HOUR, { refuse: true }); // B sees the close, then is refused (its monitor port was taken)
  t.same(b.verdict!.closed.map((e) => e.symbol), ['BTCUSDT'], 'B sees the leftover closed by hand');
  // 24.5 h: the window [1.5 h, 24.5 h] holds neither A's fill nor the close; A's journal still says it bought 1.
  const c = w.start('C', 24.5 * HOUR);
  t.equal(round9(believed(c.verdict!)), 0, 'C believes nothing is left: the venue holds +1 -1 = 0');
  t.equal(c.verdict!.canTrade, true, 'so C may trade');
});

t.test('(a) the same when the start that saw the close committed and then crashed', async (t) => {
  const w = new World(tmp(t));
  w.crashedRun('A', [{ venue: 'bybit', side: 'sell', qty: 0.5, timeMs: 0 }]);
  w.byHand('bybit', 'buy', 0.5, 1 * HOUR);
  const b = w.start('B', 2 * HOUR, { endsCleanly: false }); // B takes the closed leftover over, and crashes
  t.equal(b.verdict!.canTrade, true);
  const c = w.start('C', 30 * HOUR); // B has no run_end: A's orders count again, the close must too
  t.equal(round9(believed(c.verdict!)), 0);
});

t.test('(a) a partial close by hand: only what the operator left is exposure, after the window moved', async (t) => {
  const w = new World(tmp(t));
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]);
  w.byHand('binance', 'sell', 0.4, 1 * HOUR);
  const b = w.start('B', 2 * HOUR); // halt: 0.6 still open, refused
  t.equal(round9(believed(b.verdict!)), 0.6);
  w.byHand('binance', 'sell', 0.6, 22 * HOUR); // the operator closes the rest
  const c = w.start('C', 24.5 * HOUR); // window [1.5 h, 24.5 h]: the first close is gone, the second is in
  t.equal(round9(believed(c.verdict!)), 0, 'the venue holds +1 -0.4 -0.6 = 0');
});

t.test('(b) two xarb fills in no journal that net to nothing are never counted apart', async (t) => {
  for (const commit of [true, false]) {
    const w = new World(tmp(t));
    w.orphanFill('binance', 'buy', 0.5, 0); // legs of a run whose journal was lost
    w.orphanFill('bybit', 'sell', 0.5, 2 * HOUR);
    const b = w.start('B', 3 * HOUR, { refuse: !commit });
    t.equal(round9(believed(b.verdict!)), 0, 'B: they net to nothing');
    // 23.5 h: the window [0.5 h, 23.5 h] holds the sell only.
    const c = w.start('C', 23.5 * HOUR);
    t.equal(round9(believed(c.verdict!)), 0, `C (B ${commit ? 'committed' : 'refused'}): the sell alone is not exposure`);
    t.equal(c.verdict!.canTrade, true);
  }
});

t.test('(b) an xarb fill in no journal seen by a refused start stays exposure after it left the window', async (t) => {
  const w = new World(tmp(t));
  w.orphanFill('binance', 'buy', 0.3, 0);
  const b = w.start('B', 1 * HOUR);
  t.equal(round9(believed(b.verdict!)), 0.3, 'B: long 0.3, halts');
  const c = w.start('C', 30 * HOUR);
  t.equal(round9(believed(c.verdict!)), 0.3, 'C: the venue still holds it, so it is still exposure');
  t.equal(c.verdict!.canTrade, false);
  w.byHand('binance', 'sell', 0.3, 31 * HOUR);
  const d = w.start('D', 32 * HOUR);
  t.equal(round9(believed(d.verdict!)), 0, 'closed by hand: nothing left');
});

t.test('a crash at any step of the ledger write leaves the old or the new ledger, never a torn one', async (t) => {
  const steps: Array<keyof LedgerIo> = ['writeFileSync', 'fsyncFile', 'renameSync', 'fsyncDir'];
  for (const [i, step] of steps.entries()) {
    const dir = tmp(t);
    const old = [{ ...emptyLedger('binance', 'a1'), updatedMs: 1 }, { ...emptyLedger('bybit', 'b1'), updatedMs: 1 }];
    writeLedgers(dir, old);
    const crashing: LedgerIo = { ...realLedgerIo };
    crashing[step] = ((...args: [string, string]) => {
      // A torn temporary file for the write itself; the other steps are done, then the process dies.
      if (step === 'writeFileSync') fs.writeFileSync(args[0], args[1].slice(0, 10));
      else (realLedgerIo[step] as (...a: [string, string]) => void)(...args);
      throw new Error('killed');
    }) as never;
    const next = [{ ...old[0]!, updatedMs: 2, settledFills: [{ key: 'binance|BTCUSDT|t1', timeMs: 5 }] }, { ...old[1]!, updatedMs: 2, settledFills: [{ key: 'bybit|BTCUSDT|t2', timeMs: 5 }] }];
    t.throws(() => writeLedgers(dir, next, crashing), LedgerError);
    const after = readLedgers(dir, old);
    t.same(after.map((l) => l.settledFills.length), i < 2 ? [0, 0] : [1, 1], 'both venues\' sections of the same version');
    t.equal(after[0]!.updatedMs, i < 2 ? 1 : 2, `crash during or right after ${step}: the ${i < 2 ? 'old' : 'new'} version`);
  }
});

t.test('an unreadable or corrupt ledger is an error and a count, never an empty ledger', async (t) => {
  const dir = tmp(t);
  const accounts = [{ venue: 'bybit' as const, account: 'a2' }];
  const file = ledgerFile(dir, accounts);
  const before = ledgerCounters.unreadable;
  const section = (over: object): string => JSON.stringify({ version: 1, venues: [{ venue: 'bybit', account: 'a2', updated_ms: 0, hand_fills: [], orphan_fills: [], settled_fills: [], ...over }] });
  t.doesNotThrow(() => { fs.writeFileSync(file, section({})); readLedgers(dir, accounts); }, 'a valid one reads');
  for (const text of ['{"version":1,"venues":[{"venue":"bybit","acc', '{}', section({ hand_fills: [{ qty: 1 }] }), section({ venue: 'binance' }), section({ account: 7 })]) {
    fs.writeFileSync(file, text);
    t.throws(() => readLedgers(dir, accounts), LedgerError, text.slice(0, 50));
  }
  t.equal(ledgerCounters.unreadable, before + 5);
  fs.writeFileSync(file, section({ account: 'a3' }));
  t.equal(readLedgers(dir, accounts)[0]!.account, 'a2', 'one renamed by the operator after a key change reads as the new key\'s (its name binds it)');
  fs.rmSync(file);
  t.same(readLedgers(dir, accounts)[0]!.orphanFills, [], 'no file yet: an empty ledger');
});

t.test('a start refuses to go on when a ledger cannot be read', async (t) => {
  const w = new World(tmp(t));
  fs.writeFileSync(ledgerFile(w.runsDir, ACCOUNTS), 'garbage');
  const s = w.start('B', HOUR);
  t.type(s.error, LedgerError);
  t.equal(s.verdict, null);
});

t.test('the ledger names the account by a hash: the API key is nowhere in the file', async (t) => {
  const dir = tmp(t);
  const key = 'K3yOfTheOperatorAbcdef0123456789';
  const account = ledgerAccount(key);
  t.match(account, /^[0-9a-f]{16}$/);
  writeLedgers(dir, [emptyLedger('binance', account)]);
  const name = path.basename(ledgerFile(dir, [{ venue: 'binance', account }]));
  t.notOk(name.includes(key) || fs.readFileSync(path.join(dir, name), 'utf8').includes(key));
});
