/**
 * A balance drift injected by the simulator halts entries: the periodic check compares the
 * venue's balances (account REST) with what the applied fills say they should be; an unexplained
 * change beyond the tolerance gives the halt verdict with the asset and both figures, while a
 * change explained by xarb's own fills does not.
 */
import t from 'tap';
import { startSimulator } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';
import { balanceDrift, driftVerdict } from '../../src/execution/reconcile.js';
import { FillLedger } from '../../src/execution/fill-ledger.js';
import { bybitPost, fault } from '../sim/signed-rest.js';

t.test('Bybit: own fills explain the balance; an injected drift halts', async (t) => {
  const sim = await startSimulator({ seed: 41, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
  const rest = new BybitAccountRest({ baseUrl: sim.bybitUrl.rest, ...SIM_KEYS.bybit, recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 2000 });
  t.teardown(async () => {
    await rest.close();
    await sim.stop();
  });
  const startBal = await rest.walletBalance();
  const b = sim.generator.book(1, 0);
  const r = await bybitPost(sim.bybitUrl.rest, '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01',
    price: (b.asks.best() * b.tickUnit * 1.01).toFixed(1), timeInForce: 'IOC', orderLinkId: 'xd0000000-1' }, SIM_KEYS.bybit);
  t.equal(r.body.retCode, 0);
  const ledger = new FillLedger();
  for (const f of (await rest.fillsSince('BTCUSDT', Date.now() - 60_000)).fills) ledger.apply(f);
  const expected = (): Map<string, number> => {
    const m = new Map(startBal);
    const tot = ledger.totalsByClientId('bybit', 'xd0000000-1')!;
    m.set('BTC', (m.get('BTC') ?? 0) + tot.cumQty - (tot.fees.get('BTC') ?? 0));
    m.set('USDT', (m.get('USDT') ?? 0) - tot.cumQuote - (tot.fees.get('USDT') ?? 0));
    return m;
  };
  const tol = (asset: string) => (asset === 'USDT' ? 0.01 : 1e-8);
  t.same(driftVerdict(balanceDrift('bybit', expected(), await rest.walletBalance(), tol)), { halt: false, message: '' }, 'own fills explain it');
  t.equal((await fault(sim.bybitUrl.rest, { kind: 'balance_drift', venue: 'bybit', asset: 'USDT', amount: -50 })).status, 200);
  const drifts = balanceDrift('bybit', expected(), await rest.walletBalance(), tol);
  t.same(drifts.map((d) => d.asset), ['USDT']);
  t.ok(Math.abs(drifts[0]!.actual - drifts[0]!.expected + 50) < 1e-6, 'the injected 50 USDT');
  const v = driftVerdict(drifts);
  t.equal(v.halt, true, 'drift halts new entries');
  t.match(v.message, /^balance drift: bybit USDT venue /);
});
