/**
 * Review of issue #9 (wt-r9), a check that HOLDS on wt-r9 (1,500 runs, 39 retirements): the ledger property (tests/execution/venue-ledger.property.test.ts)
 * with one more thing an operator does: retire a run by deleting its folder, only when the docs
 * say it changes nothing (docs/live.md: "deleting the folder of a run answered for once the
 * window has moved past it changes nothing"): a crashed run an ended taker took over, once the
 * window moved past its fills; a start run that ended cleanly, took something
 * over (its leftover.json) but no crashed run (only xarb fills in no journal, or nothing), and all of whose own fills and the
 * fills it took over have left the window. The clean stop's ledger write (62a3d3e) prunes at the
 * stop what the next start pruned before; the exposure believed at each start must still be
 * the venue's net.
 */
import t from 'tap';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { LOOKBACK_MS } from './ledger-harness.js';
import { checkLedgerProperty, retireAnsweredStartRuns, ledgerActionArbitraries, type LedgerAction } from './ledger-property-driver.js';
import { readOrderWal, WAL_FILE } from '../../src/execution/order-wal.js';

type Retire = { kind: 'retire'; gapMin: number };
type Action = LedgerAction | Retire;

const action: fc.Arbitrary<Action> = fc.oneof<Array<fc.Arbitrary<Action>>>(
  ...ledgerActionArbitraries(),
  fc.record({ kind: fc.constant('retire' as const), gapMin: fc.integer({ min: 1, max: 30 * 60 }) }),
);

t.test('the exposure believed at each start is the venue\'s net, also when runs answered for are retired once the window moved past them', async (t) => {
  checkLedgerProperty<Retire>(t, action, {
    extraSeen: { retiredCrashed: 0, retired: 0 },
    onExtra: (_a, { dir, w, now, seen }) => {
      // A crashed run an ended taker took over whole, once the window moved past its fills.
      for (const name of fs.readdirSync(dir)) {
        if (!name.startsWith('R')) continue;
        const takers = fs.readdirSync(dir).filter((s) => s.startsWith('S') && fs.existsSync(path.join(dir, s, 'leftover.json')) &&
          fs.readFileSync(path.join(dir, s, 'journal.jsonl'), 'utf8').trimEnd().endsWith('"type":"run_end"}') &&
          ((JSON.parse(fs.readFileSync(path.join(dir, s, 'leftover.json'), 'utf8')) as { taken_over?: string[] }).taken_over ?? []).includes(name));
        if (takers.length === 0) continue;
        const cids = new Set(readOrderWal(path.join(dir, name, WAL_FILE)).orders.map((o) => o.clientOrderId));
        if (w.fills.some((f) => cids.has(f.clientOrderId) && f.timeMs >= now - LOOKBACK_MS)) continue;
        fs.rmSync(path.join(dir, name), { recursive: true });
        seen.retiredCrashed!++;
      }
      // Every start run that may be deleted without changing anything (see the header).
      seen.retired! += retireAnsweredStartRuns(dir, w, now);
    },
  });
});
