/**
 * Property: whatever happened (crashed runs, xarb fills in no journal that net to nothing,
 * closes by hand (also between two such fills), trades by hand undoing a close, base-coin fees paid by unhedged parts, starts refused, committed, crashed, or
 * killed while writing the ledger) and
 * however far the venues' 23 h look-back has moved, the exposure xarb believes at each start
 * equals the venue's net of everything traded, xarb's and by hand, less the base-coin fees (a
 * hedged run's fees are inventory drift, so fees are paid here by unhedged parts), provided each trade was
 * seen by some start while it was in the window (one that is not, nothing can know of).
 */
import t from 'tap';
import fc from 'fast-check';
import { checkLedgerProperty, ledgerActionArbitraries, type LedgerAction } from './ledger-property-driver.js';

type Action = LedgerAction;

const action: fc.Arbitrary<Action> = fc.oneof(...ledgerActionArbitraries());

t.test('the exposure believed at each start is the venue\'s net, across window moves, refusals and crashes', async (t) => {
  checkLedgerProperty(t, action);
});
