import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, SIDE_BUY, SIDE_SELL } from '../../src/core/records.js';
import { DryRunBalances } from '../../src/execution/dry-run-balances.js';

t.test('starting base: one amount for every symbol, or one per symbol id', async (t) => {
  const b = new DryRunBalances(2, 2, [{ base: 2, quote: 1000 }, { base: [0.5, 30], quote: 500 }]);
  t.equal(b.baseOf(0, 0), 2);
  t.equal(b.baseOf(0, 1), 2);
  t.equal(b.baseOf(1, 0), 0.5);
  t.equal(b.baseOf(1, 1), 30);
  t.notOk(b.canPlace(1, 0, SIDE_SELL, 100, 1, 0, ASSET_QUOTE), 'venue 1 holds only 0.5 of symbol 0');
  t.ok(b.canPlace(1, 1, SIDE_SELL, 100, 1, 0, ASSET_QUOTE));
  b.applyFill(1, 1, SIDE_BUY, 2, 200, 0.002, ASSET_BASE);
  t.equal(b.baseOf(1, 1), 31.998);
  t.equal(b.quoteOf(1), 300);
});
