/**
 * Review 9, finding 8 (money: one orphan leg's size traded the wrong way).
 *
 * Invariant: exposure counted exactly once; never trade on a wrong leftover.
 *
 * xarb fills in no journal are known only from the venues' fills in the 23 h look-back
 * (live-startup.ts:77). Two such fills that net out (the two legs of one round of an instance
 * without a WAL, the case reconcile-leftover-review.test.ts calls "the two net out") make no
 * exposure, so no run records them: `orphanFills` is kept only on exposures above dust
 * (reconcile.ts:383-385) and the supervisor writes leftover.json only for exposures it takes
 * or closed ones (supervisor.ts:284-285). When the earlier leg leaves the look-back before the
 * later one (legs a minute apart: any start in that minute, 23 h later), the later leg alone is
 * "exposure", and `flatten` trades it (here: buys 0.3 BTC the account never lost).
 *
 * The same aging was foreseen for closed-by-hand exposure (its record in leftover.json), not
 * for orphan fills that net out.
 *
 * Root cause: reconcile.ts:383-385 (fills in no journal recorded only when their symbol's net is
 * above dust) with supervisor.ts:284-285.
 */
import t from 'tap';
import { reconcileAtStart, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';

const fill = (venue: 'binance' | 'bybit', cid: string, side: 'buy' | 'sell', timeMs: number): VenueFillView => ({
  venue, symbol: 'BTCUSDT', tradeId: `t-${cid}`, orderId: `o-${cid}`, clientOrderId: cid, side, qty: 0.3, price: 60_000, timeMs,
});
const snap = (venue: 'binance' | 'bybit', fills: VenueFillView[]): VenueSnapshot => ({ venue, balances: new Map(), openOrders: [], history: [], fills });
const o = { exposurePolicy: 'flatten' as const, dustQty: () => 1e-9, balanceTolerance: () => 1e-6 };

t.test('two orphan legs that net out stay netted when the earlier one leaves the look-back first', async (t) => {
  const buy = fill('binance', 'xabcdef01-7', 'buy', 1_000);
  const sell = fill('bybit', 'xabcdef01-8', 'sell', 61_000);
  const atB = reconcileAtStart([snap('binance', [buy]), snap('bybit', [sell])], [], o);
  t.same([atB.canTrade, atB.exposure.length, atB.orphanFills.length], [true, 0, 2], 'start B: they net out; nothing to take or record');
  // A start 23 h after the buy, before 23 h after the sell: the buy is outside the fills window.
  const atC = reconcileAtStart([snap('binance', []), snap('bybit', [sell])], [], o);
  t.same(atC.flatten, [], `start C: still nothing at the venue to flatten; it sends ${JSON.stringify(atC.flatten)}`);
});
