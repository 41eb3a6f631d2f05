/**
 * Invariant (docs/strategy.md, Halts): "Halted means no new rounds; open rounds keep hedging."
 * With the kill switch pulled, a round that was already open may finish, but no new round opens.
 * Session-6 review (fixed): was hedgeAccumulatedDust (src/strategy/round-lifecycle.ts) runs on every dust close and
 * opens a round of its own (new pair id, idle -> hedging, a hedge sent) without looking at the
 * halts: pulling the KILL file does not stop the strategy from trading accumulated dust.
 * Scenario: tests/strategy/dust-accumulated.test.ts's rounds (0.0001 BTC short per round); the
 * kill switch is pulled while the round whose dust close would adopt the net is out.
 */
import t from 'tap';
import { ASSET_QUOTE, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, ROLE_UNWIND, ST_CANCELED, ST_FILLED, ST_PARTIAL } from '../../src/core/records.js';
import { MS, rig } from './harness.js';

/** Runs dust-leaving rounds; halts (kill switch) right after the pair of round `haltAt` goes out. Returns the round at which dust was first adopted (-1: never) and what was sent after the halt. */
function run(haltAt: number) {
  const r = rig((c) => { c.risk.max_orders_per_second = 1e6; });
  let ms = 0;
  let firstAdopt = -1;
  let afterHalt = -1;
  for (let i = 0; i < 40 && firstAdopt < 0; i++) {
    const before = r.sink.orders.length;
    const cheap = i % 2;
    r.quote(cheap, 29990, 0.3, 30000, 0.3, ms);
    r.quote(1 - cheap, 30100, 0.3, 30110, 0.3, ms + 1);
    const sent = r.sink.orders.slice(before).filter((o) => o.role === ROLE_LEG_BUY || o.role === ROLE_LEG_SELL);
    if (i === haltAt) {
      r.strat.halt('operator: kill switch', (ms + 1) * MS);
      afterHalt = r.sink.orders.length;
    }
    if (sent.length === 2) {
      const [buy, sell] = sent;
      r.report(buy!.orderId, ST_FILLED, buy!.price, buy!.qty, buy!.qty, 0, ASSET_QUOTE, ms + 2);
      const sq = Math.round((sell!.qty - 0.0001) * 1e6) / 1e6;
      r.report(sell!.orderId, ST_PARTIAL, sell!.price, sq, sq, 0, ASSET_QUOTE, ms + 3);
      r.report(sell!.orderId, ST_CANCELED, 0, 0, sq, 0, ASSET_QUOTE, ms + 3);
    }
    r.quote(1 - cheap, 29990, 0.3, 30000, 0.3, ms + 4);
    if (r.strat.stats.dustAdopted > 0) firstAdopt = i;
    for (let k = 1; k <= 20; k++) {
      for (const o of r.sink.orders.slice(before)) {
        if ((o.role === ROLE_HEDGE || o.role === ROLE_UNWIND) && r.strat.liveOrders > 0) r.report(o.orderId, ST_FILLED, o.price, o.qty, o.qty, 0, ASSET_QUOTE, ms + 4 + k * 50);
      }
      r.timer(ms + 4 + k * 50);
    }
    ms += 1100;
  }
  const sentAfterHalt = afterHalt < 0 ? [] : r.sink.orders.slice(afterHalt);
  return { firstAdopt, sentAfterHalt, adopted: r.strat.stats.dustAdopted, halted: r.strat.isHalted };
}

t.test('the kill switch pulled while a round is out: its dust close opens no new round', async (t) => {
  const free = run(-1);
  t.ok(free.firstAdopt > 0, `control: without a halt the dust is adopted at round ${free.firstAdopt}`);
  const k = run(free.firstAdopt);
  t.ok(k.halted, 'halted by the kill switch');
  t.equal(k.adopted, 0, 'no dust round opened while halted');
  t.same(k.sentAfterHalt.map((o) => `${o.role} ${o.qty}`), [], 'nothing sent after the kill switch (the open round needed no hedge: its residual was dust)');
});
