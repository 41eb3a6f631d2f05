/**
 * Review of issue #9 (wt-r9), a check that HOLDS on wt-r9 (1,000 runs): the ledger property with base-coin fees wherever the account pays
 * them, not only on the first leg: on the second leg of a pair of xarb fills in no journal (a
 * buy on the other venue, or a sell paying in base, as a BNB fee on BNBUSDT), and on the
 * operator's own buys by hand (Binance without BNB). Each part counts its own fee since 71448f0;
 * the exposure believed at each start must be the venue's net less the operator's own trades.
 */
import t from 'tap';
import fc from 'fast-check';
import { checkLedgerProperty, retireAnsweredStartRuns, ledgerActionArbitraries, type LedgerAction } from './ledger-property-driver.js';

type Retire = { kind: 'retire'; gapMin: number };
type Action = LedgerAction | Retire;

const action: fc.Arbitrary<Action> = fc.oneof<Array<fc.Arbitrary<Action>>>(
  ...ledgerActionArbitraries({ fee2: true }),
  fc.record({ kind: fc.constant('retire' as const), gapMin: fc.integer({ min: 1, max: 30 * 60 }) }),
);

t.test('the exposure believed at each start is the venue\'s net, with base fees on every leg and on the operator\'s buys', async (t) => {
  checkLedgerProperty<Retire>(t, action, {
    extraSeen: { retired: 0 },
    // The operator's buy pays its fee in base (Binance without BNB); trading it back, he sells
    // what his buy received, less its fee (the fee is his own).
    handBuyBaseFee: true,
    // Every start run that may be deleted without changing anything (see the header).
    onExtra: (_a, { dir, w, now, seen }) => { seen.retired! += retireAnsweredStartRuns(dir, w, now); },
  });
});
