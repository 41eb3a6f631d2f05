/**
 * The ledger's file is named by a hash of the API keys (ledgerAccount). After a key rotation on
 * the same venue accounts the start does not read "no file" as an empty ledger (it would count
 * a leftover closed by hand again once the window moved past the close): it is refused, naming
 * the ledger it found, and counted (`ledgerCounters.otherAccounts`, `ledger_other_accounts`).
 * Once the operator renames the file to the new name, the start remembers what earlier ones saw.
 */
import t from 'tap';
import fs from 'node:fs';
import { HOUR, World, believed, round9 } from './ledger-harness.js';
import { LedgerError, ledgerAccount, ledgerCounters, ledgerErrorCounter, ledgerFile } from '../../src/execution/venue-ledger.js';
import { startAs, tmpRuns } from './ledger-start-harness.js';

const keys = (bn: string, bb: string) => [{ venue: 'binance' as const, account: ledgerAccount(bn) }, { venue: 'bybit' as const, account: ledgerAccount(bb) }];

t.test('a key rotation refuses the start until the ledger is renamed, then nothing is forgotten', async (t) => {
  const dir = tmpRuns(t);
  const w = new World(dir);
  w.crashedRun('A', [{ venue: 'binance', side: 'buy', qty: 1, timeMs: 0 }]);
  w.byHand('binance', 'sell', 1, 1 * HOUR);
  const b = startAs(w, 'B', 2 * HOUR, { accounts: keys('old-binance-key', 'bybit-key'), refuse: true });
  t.equal(round9(believed(b)), 0, 'B sees the leftover closed by hand');
  // The operator rotates the Binance key (same account); the window has moved past the close.
  const before = ledgerCounters.otherAccounts;
  let err: unknown = null;
  try {
    startAs(w, 'C', 30 * HOUR, { accounts: keys('new-binance-key', 'bybit-key') });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof LedgerError, 'refused');
  t.equal(ledgerErrorCounter(err as LedgerError), 'ledger_other_accounts');
  t.match((err as Error).message, /not the only one in the runs folder.*ledger-binance-[0-9a-f]{16}-bybit-[0-9a-f]{16}\.json.*rename/);
  t.equal(ledgerCounters.otherAccounts, before + 1, 'counted');
  fs.renameSync(ledgerFile(dir, keys('old-binance-key', 'bybit-key')), ledgerFile(dir, keys('new-binance-key', 'bybit-key')));
  const d = startAs(w, 'D', 31 * HOUR, { accounts: keys('new-binance-key', 'bybit-key') });
  t.equal(round9(believed(d)), round9(w.truth(31 * HOUR)), 'D (new key, ledger renamed): +1 -1 = 0, as B saw');
});
