import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ST_CANCELED, ST_FILLED, ST_PARTIAL, ST_REJECTED } from '../../src/core/records.js';
import { BINANCE, BYBIT, MS, rig } from './harness.js';

/** A scripted session touching every path: rounds, legging, hedges, timeouts, risk. */
function session(): string {
  const r = rig();
  let ms = 0;
  let handled = 0; // orders already answered (hedges sent while answering are answered too)
  const silent: { id: number; price: number; qty: number; due: number }[] = [];
  for (let i = 0; i < 40; i++) {
    ms += 150;
    // Silent orders answer late (after their deadline): half filled, half canceled.
    for (const o of silent.filter((q) => q.due === i)) {
      if (o.id % 2 === 0) r.report(o.id, ST_FILLED, o.price, o.qty, o.qty, 0, ASSET_QUOTE, ms);
      else r.report(o.id, ST_CANCELED, 0, 0, 0, 0, ASSET_QUOTE, ms);
    }
    const wiggle = (i * 37) % 11;
    r.quote(BINANCE, 29990 + wiggle, 0.2 + (i % 3) * 0.1, 30000 + wiggle, 0.5, ms);
    r.quote(BYBIT, 30060 + ((i * 13) % 70), 0.3, 30110 + wiggle, 0.4, ms + 1);
    while (handled < r.sink.orders.length) {
      const o = r.sink.orders[handled++]!;
      switch (o.orderId % 5) {
        case 0: r.report(o.orderId, ST_REJECTED, 0, 0, 0, 0, ASSET_QUOTE, ms + 2, -1013); break;
        case 1: r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, o.qty * 0.001, ASSET_BASE, ms + 2); break;
        case 2: r.report(o.orderId, ST_PARTIAL, o.price, o.qty / 2, o.qty / 2, 0, ASSET_QUOTE, ms + 2);
          r.report(o.orderId, ST_CANCELED, 0, 0, o.qty / 2, 0, ASSET_QUOTE, ms + 3); break;
        case 3: silent.push({ id: o.orderId, price: o.price, qty: o.qty, due: i + 12 }); break; // left to the timeout
        default: r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, o.price * o.qty * 0.001, ASSET_QUOTE, ms + 2);
      }
    }
    r.timer(ms + 4);
    if (i === 30) r.strat.halt('test', (ms + 5) * MS);
  }
  r.timer(ms + 5000);
  r.strat.flatten((ms + 5001) * MS);
  return JSON.stringify({ calls: r.sink.calls, events: r.ev.events, stats: r.strat.stats, risk: r.strat.riskCounters, pnl: r.strat.pnl });
}

t.test('the same script twice gives the same orders, events and results', async (t) => {
  const a = session();
  const b = session();
  t.ok(a.length > 1000, 'the script did something');
  t.equal(a, b);
  const parsed = JSON.parse(a) as { stats: { pairsSent: number; hedgesSent: number } };
  t.ok(parsed.stats.pairsSent > 1);
  t.ok(parsed.stats.hedgesSent > 0);
});
