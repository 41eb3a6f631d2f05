import t from 'tap';
import { BacktestEngine } from '../../src/backtest/engine.js';
import { MemoryJournal } from '../../src/backtest/journal-writer.js';
import { ConstantLatency } from '../../src/execution/latency-model.js';
import { config } from './small-engine.js';

const MS = 1e6;
const BIN = 0;
const BYB = 1;

// config(): taken_level_decay_ms 1: the strategy tries again at once, so these cases test the
// fill model's own liquidity memory (the strategy's is tests/strategy/taken-levels.test.ts).

const filter = { tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 1 };

/** `lookaheadMs` 0: with no exchange times (venue time = receipt) each event is applied at once, so a test can read the state between events. */
function engine(entryMs: number, responseMs: number, cfg = config(), base = 10, lookaheadMs?: number) {
  const journal = new MemoryJournal();
  const e = new BacktestEngine({
    config: cfg, filters: { binance: { BTCUSDT: filter }, bybit: { BTCUSDT: filter } },
    balances: { binance: { quote: 100_000, base: { BTCUSDT: base } }, bybit: { quote: 100_000, base: { BTCUSDT: base } } },
    entryLatency: new ConstantLatency(entryMs * MS), responseLatency: new ConstantLatency(responseMs * MS), journal,
    wallStartMs: Date.UTC(2024, 0, 1), book: 'top', equityEveryNs: 1000 * MS,
    ...(lookaheadMs !== undefined ? { lookaheadNs: lookaheadMs * MS } : {}),
  });
  const entries = () => journal.text.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { e, entries };
}

t.test('a clean round: both legs fill at the touch when they arrive; fees and PnL are exact', async (t) => {
  const { e, entries } = engine(1, 1);
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1); // buy binance 100.1, sell bybit 101: ~69 bps
  e.onTopOfBook(BYB, 0, 10 * MS, 0, 100, 0.5, 100.1, 2); // the edge is gone
  e.finish(10 * MS, 1000 * MS);
  const en = entries();
  const opened = en.filter((x) => x.type === 'round_opened');
  t.equal(opened.length, 1, 'one round');
  t.equal(opened[0]!.ns, 2 * MS, 'decided on the quote that made the edge');
  const fills = en.filter((x) => x.type === 'report' && x.status === 'filled');
  t.equal(fills.length, 2);
  const buy = fills.find((x) => x.side === 'buy')!;
  const sell = fills.find((x) => x.side === 'sell')!;
  t.equal(buy.venue, 'binance');
  t.equal(buy.last_px, 100.1, 'bought at the ask, not at the widened limit');
  t.equal(buy.last_qty, 0.5, 'sized by the bybit bid size');
  t.equal(buy.ns, 4 * MS, 'report after entry 1 ms + response 1 ms');
  t.equal(buy.fee_asset, 'base');
  t.ok(Math.abs((buy.fee as number) - 0.0005) < 1e-15, 'buy fee: 10 bps of the base received');
  t.equal(sell.last_px, 101);
  t.ok(Math.abs((sell.fee as number) - 0.0505) < 1e-12, 'sell fee: 10 bps of the quote received');
  const closed = en.find((x) => x.type === 'round_closed')!;
  const expected = 0.5 * 101 - 0.5 * 100.1 - 0.0005 * 100.1 - 0.0505;
  t.ok(Math.abs((closed.pnl as number) - expected) < 1e-9, `pnl ${closed.pnl} = ${expected}`);
  t.ok(Math.abs((closed.fees as number) - (0.0005 * 100.1 + 0.0505)) < 1e-9, 'fees in quote');
  t.equal(closed.outcome, 'matched');
  t.equal(en[en.length - 1]!.type, 'run_end');
});

t.test('the order meets the book as it stands on arrival: a move in flight leaves the buy leg empty', async (t) => {
  const { e, entries } = engine(2, 1);
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1); // orders sent at 2 ms, arrive at 4 ms
  e.onTopOfBook(BIN, 0, 3 * MS, 0, 100.3, 2, 100.4, 1); // ask moves above the buy limit (100.16) before arrival
  e.onTopOfBook(BYB, 0, 3000 * MS, 0, 100.3, 2, 100.4, 1); // the edge is gone
  e.finish(3000 * MS, 10_000 * MS);
  const en = entries();
  const buyFinal = en.filter((x) => x.type === 'report' && x.pair_id === 1 && x.role === 'leg_buy').pop()!;
  t.equal(buyFinal.status, 'canceled', 'IOC remainder canceled');
  t.equal(buyFinal.cum_qty, 0, 'nothing filled at 100.4 with a 100.16 limit');
  const sellFill = en.find((x) => x.type === 'report' && x.side === 'sell' && x.status === 'filled')!;
  t.equal(sellFill.last_px, 101, 'the bybit leg still fills');
  t.ok(en.some((x) => x.type === 'leg_residual'), 'the strategy sees the residual and hedges it');
});

t.test('partial fill: an IOC takes what the level shows and cancels the rest', async (t) => {
  const { e, entries } = engine(1, 1);
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.8, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1); // size 0.8 each leg
  e.onTopOfBook(BIN, 0, 2.5 * MS, 0, 100, 2, 100.1, 0.3); // only 0.3 left at the ask when the buy arrives
  e.onTopOfBook(BYB, 0, 5000 * MS, 0, 100, 2, 100.1, 1); // the edge is gone
  e.finish(5000 * MS, 10_000 * MS);
  const en = entries();
  const partial = en.find((x) => x.type === 'report' && x.pair_id === 1 && x.side === 'buy' && x.status === 'partial')!;
  t.ok(Math.abs((partial.last_qty as number) - 0.3) < 1e-12, 'the 0.3 shown');
  t.equal(partial.last_px, 100.1);
  t.ok(en.some((x) => x.type === 'report' && x.side === 'buy' && x.status === 'canceled' && Math.abs((x.cum_qty as number) - 0.3) < 1e-12), 'rest canceled');
});

function engineWith(opts: { entryMs?: number; responseMs?: number; feedMs?: [number, number]; decayMs?: number }) {
  const journal = new MemoryJournal();
  const e = new BacktestEngine({
    config: config(), filters: { binance: { BTCUSDT: filter }, bybit: { BTCUSDT: filter } },
    balances: { binance: { quote: 100_000, base: { BTCUSDT: 10 } }, bybit: { quote: 100_000, base: { BTCUSDT: 10 } } },
    entryLatency: new ConstantLatency((opts.entryMs ?? 1) * MS), responseLatency: new ConstantLatency((opts.responseMs ?? 1) * MS), journal,
    wallStartMs: WALL0, book: 'top', equityEveryNs: 1000 * MS,
    feedLatencyNs: (opts.feedMs ?? [0, 0]).map((x) => x * MS), liquidityDecayNs: (opts.decayMs ?? 1000) * MS,
  });
  const entries = () => journal.text.map((l) => JSON.parse(l) as Record<string, unknown>);
  const fills = (venue: string, side: string) => entries().filter((x) => x.type === 'report' && x.venue === venue && x.side === side && (x.last_qty as number) > 0);
  return { e, entries, fills };
}
const WALL0 = Date.UTC(2024, 0, 1);

t.test('the flickering level: an ask that flickers 1.00/1.01 BTC for 51 updates gives one fill, not 51', async (t) => {
  const { e, fills, entries } = engineWith({});
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 100, 101.1, 100); // a deep bybit bid, far above binance's ask
  for (let k = 0; k < 51; k++) e.onTopOfBook(BIN, 0, (2 + 10 * k) * MS, 0, 100, 5, 100.1, k % 2 === 0 ? 1 : 1.01);
  e.onTopOfBook(BYB, 0, 600 * MS, 0, 100, 100, 100.1, 100); // the edge is gone
  e.finish(600 * MS, 10_000 * MS);
  const buys = fills('binance', 'buy').filter((x) => x.last_px === 100.1);
  t.equal(buys.length, 1, 'one buy fill at the flickering ask');
  t.equal(buys.reduce((a, x) => a + (x.last_qty as number), 0), 1, '1 BTC bought there, not 51');
  t.ok(entries().filter((x) => x.type === 'intent' && x.venue === 'binance' && x.side === 'buy').length > 1, 'the strategy did try again');
});

t.test('a level traded through by the market is liquidity again', async (t) => {
  const { e, fills } = engineWith({});
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 100, 101.1, 100);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 5, 100.1, 1); // round 1 takes the 1 at 100.1
  e.onTopOfBook(BIN, 0, 50 * MS, 0, 100, 5, 100.2, 1); // the market trades through 100.1
  e.onTopOfBook(BIN, 0, 100 * MS, 0, 100, 5, 100.1, 1); // a new ask at 100.1
  e.onTopOfBook(BYB, 0, 200 * MS, 0, 100, 100, 100.1, 100); // the edge is gone
  e.finish(200 * MS, 10_000 * MS);
  const at1001 = fills('binance', 'buy').filter((x) => x.last_px === 100.1);
  t.equal(at1001.length, 2, 'one fill before the trade-through, one after');
  t.equal(at1001[1]!.ns, 102 * MS, 'the second at the new ask (decided at 100 ms, reported at 102 ms)');
});

t.test('a dislocation shorter than the feed latency is seen too late: no fill', async (t) => {
  const run = (feedMs: [number, number]) => {
    const r = engineWith({ feedMs });
    r.e.onTopOfBook(BIN, 0, 1 * MS, 0, 100, 5, 100.1, 5);
    r.e.onTopOfBook(BYB, 0, 1 * MS, 0, 100, 5, 100.1, 5);
    r.e.onTopOfBook(BYB, 0, 100 * MS, 0, 101, 0.5, 101.1, 5); // the bybit bid jumps for 5 ms at the venue
    r.e.onTopOfBook(BYB, 0, 105 * MS, 0, 100, 5, 100.1, 5);
    r.e.onTopOfBook(BIN, 0, 3000 * MS, 0, 100, 5, 100.1, 5);
    r.e.finish(3000 * MS, 10_000 * MS);
    return r;
  };
  const near = run([0, 0]);
  t.equal(near.fills('bybit', 'sell').filter((x) => x.last_px === 101).length, 1, 'control: with no feed latency the 5 ms bid is sold into');
  const far = run([0, 30]);
  const sent = far.entries().filter((x) => x.type === 'intent' && x.venue === 'bybit' && x.side === 'sell');
  t.ok(sent.length >= 1, 'the strategy still sees the bid (30 ms late) and sends');
  t.equal(sent[0]!.ns, 130 * MS, 'decided at the local time: receive time + 30 ms');
  t.equal(far.fills('bybit', 'sell').filter((x) => x.last_px === 101).length, 0, 'the order meets the venue-side book: the bid is gone');
});

t.test('the venue-side book moves at exchange time: an update received late still meets an order that arrives after its exchange time', async (t) => {
  const run = (exchMs: number) => {
    const r = engineWith({ entryMs: 3 });
    r.e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 5);
    r.e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 5, 100.1, 5); // edge: orders sent at 2 ms, at the venues at 5 ms
    r.e.onTopOfBook(BYB, 0, 10 * MS, exchMs, 100, 5, 100.1, 5); // the bid is pulled: stamped `exchMs`, received at 10 ms
    r.e.onTopOfBook(BIN, 0, 3000 * MS, 0, 100, 5, 100.1, 5);
    r.e.finish(3000 * MS, 10_000 * MS);
    return r;
  };
  t.equal(run(WALL0 + 4).fills('bybit', 'sell').filter((x) => x.last_px === 101).length, 0, 'pulled at 4 ms at the venue: the sell arriving at 5 ms finds nothing');
  t.equal(run(WALL0 + 6).fills('bybit', 'sell').filter((x) => x.last_px === 101).length, 1, 'pulled at 6 ms: the sell arriving at 5 ms fills');
  const none = run(0);
  t.equal(none.fills('bybit', 'sell').filter((x) => x.last_px === 101).length, 1, 'no exchange time: the venue side moves at the receive time (10 ms)');
  t.ok(none.entries().some((x) => x.type === 'warning' && x.topic === 'feed_model' && x.venue === 'bybit'), 'and the journal warns about it');
});

t.test('run_start is the first line and carries start_equity, valued at the first quotes; equity entries carry marks', async (t) => {
  const { e, entries } = engineWith({});
  e.start('r', {}, { binance: { quote: 100_000, base: { BTCUSDT: 10 } }, bybit: { quote: 100_000, base: { BTCUSDT: 10 } } });
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1); // priced on both venues: and an edge at once
  e.onTopOfBook(BYB, 0, 10 * MS, 0, 100, 0.5, 100.1, 2);
  e.finish(10 * MS, 1000 * MS);
  const en = entries();
  t.equal(en[0]!.type, 'run_start');
  t.equal(en[0]!.ns, 0, 'stamped at the run start');
  t.ok(Math.abs((en[0]!.start_equity as number) - (200_000 + 20 * 101.05)) < 1e-6, `balances at the first mid (the strategy values a venue without a quote at the other's): ${en[0]!.start_equity}`);
  const eq = en.filter((x) => x.type === 'equity');
  t.ok(eq.length > 0);
  t.same(eq[eq.length - 1]!.marks, { binance: { BTCUSDT: 100.05 }, bybit: { BTCUSDT: 100.05 } });
});

t.test('feed lag: a replayed book whose exchange time lags the replay clock by more than max_feed_lag_ms is not tradable', async (t) => {
  const W = Date.UTC(2024, 0, 1);
  // The same edge twice: first with Bybit's book 2 s behind its exchange clock, then 10 ms behind.
  const lagged = engine(1, 1);
  lagged.e.onTopOfBook(BYB, 0, 5000 * MS, W + 5000 - 2000, 101, 0.5, 101.1, 2);
  lagged.e.onTopOfBook(BIN, 0, 5001 * MS, W + 5001 - 5, 100, 2, 100.1, 1);
  lagged.e.finish(5001 * MS, 1000 * MS);
  const le = lagged.entries();
  t.equal(le.filter((x) => x.type === 'round_opened').length, 0, 'no round on a lagging book');
  t.equal(lagged.e.strategy.riskCounters.feedLagDenials, 1);
  t.match(le.filter((x) => x.type === 'risk'), [{ rule: 'feed_lag', action: 'deny', detail: /bybit BTCUSDT book is 2000 ms behind/ }]);

  const fresh = engine(1, 1);
  fresh.e.onTopOfBook(BYB, 0, 5000 * MS, W + 5000 - 10, 101, 0.5, 101.1, 2);
  fresh.e.onTopOfBook(BIN, 0, 5001 * MS, W + 5001 - 5, 100, 2, 100.1, 1);
  fresh.e.finish(5001 * MS, 1000 * MS);
  t.equal(fresh.entries().filter((x) => x.type === 'round_opened').length, 1, 'the same edge 10 ms behind trades');
  t.equal(fresh.e.strategy.riskCounters.feedLagDenials, 0);
});

t.test('simulated transfer: the executor\'s balances follow the strategy\'s, and the drained direction trades again', async (t) => {
  const cfg = config();
  cfg.strategy.rebalance_threshold = 0.3;
  cfg.strategy.min_spread_bps = 50; // the ~69 bps edge trades until Bybit is low (then it needs 100)
  cfg.strategy.rebalance_transfer_after_ms = 1000;
  cfg.strategy.rebalance_transfer_delay_ms = 2000;
  cfg.strategy.rebalance_transfer_fee_base = 0.001;
  const { e, entries } = engine(1, 1, cfg, 1, 0);
  const edge = (ms: number) => {
    e.onTopOfBook(BYB, 0, ms * MS, 0, 101, 0.4, 101.1, 2);
    e.onTopOfBook(BIN, 0, (ms + 1) * MS, 0, 100, 2, 100.1, 1); // buy Binance 100.1, sell Bybit 101
  };
  const rounds = () => entries().filter((x) => x.type === 'round_opened').length;
  edge(1);
  edge(20);
  t.equal(rounds(), 2, 'two rounds drain Bybit to 0.2 of 2 BTC');
  edge(40);
  t.equal(rounds(), 2, 'the third is held back');
  for (let ms = 500; ms <= 4000; ms += 500) e.onTopOfBook(BYB, 0, ms * MS, 0, 100, 0.4, 100.1, 2); // no edge meanwhile
  const tr = entries().filter((x) => x.type === 'transfer');
  t.match(tr, [{ phase: 'started', from: 'binance', to: 'bybit', asset: 'base', fee: 0.001 }, { phase: 'done' }]);
  const s = e.strategy;
  for (const v of [BIN, BYB]) {
    t.equal(e.executor.balances.baseOf(v, 0), s.positions.base(v, 0), `venue ${v}: executor base = strategy base`);
    t.equal(e.executor.balances.quoteOf(v), s.positions.quote(v), `venue ${v}: executor quote = strategy quote`);
  }
  t.ok(Math.abs(s.positions.base(BYB, 0) - (0.2 + (tr[0]!.amount as number) - 0.001)) < 1e-12, 'Bybit got the amount less the fee');
  edge(4100);
  t.equal(rounds(), 3, 'the drained direction trades again');
});

t.test('reconciliation in the backtest: the strategy asks about an order of unknown status, the dry-run executor answers, the verdict is journaled', async (t) => {
  // Answers take 100 ms, the order timeout is 5 ms: the legs are unknown to the strategy at
  // 7 ms (the executor's EXPIRED) and asked about from 1 ms later (reconcile_after_ms), again
  // every 5, 10, 20... ms; each verdict takes a query round trip (entry + response), so the late
  // reports settle the orders first and every verdict is stale.
  const cfg = config();
  cfg.execution.order_timeout_ms = 5;
  cfg.risk.reconcile_after_ms = 1;
  const { e, entries } = engine(1, 100, cfg);
  e.onTopOfBook(BYB, 0, 1 * MS, 0, 101, 0.5, 101.1, 2);
  e.onTopOfBook(BIN, 0, 2 * MS, 0, 100, 2, 100.1, 1);
  e.onTopOfBook(BYB, 0, 3000 * MS, 0, 100, 0.5, 100.1, 2);
  // An order the executor never saw: "no record".
  t.ok(e.requestVerdict(999, BIN, 0, 0, 0, 0, 3000 * MS));
  e.finish(3000 * MS, 10_000 * MS);
  const en = entries();
  const verdicts = en.filter((x) => x.type === 'verdict');
  t.ok(e.strategy.stats.verdictRequests >= 2, `${e.strategy.stats.verdictRequests} requests (both legs)`);
  const legs = verdicts.filter((x) => x.order_id === 1 || x.order_id === 2);
  t.ok(legs.length >= 2, 'both legs answered');
  t.ok(legs.every((x) => x.verdict === 'final' && x.status === 'filled' && x.cum_qty === 0.5), 'with the venue\'s final: filled 0.5');
  const finals = verdicts.filter((x) => x.verdict === 'final').length;
  t.equal(e.strategy.stats.staleVerdicts, finals + 1, 'the late reports had settled every order first: each verdict (and the no-record for an order the strategy never held) changed nothing');
  t.equal(e.strategy.stats.verdicts, 0);
  t.same(verdicts.filter((x) => x.order_id === 999).map((x) => x.verdict), ['no_record']);
  for (let v = 0; v < 2; v++) t.equal(e.strategy.positions.quote(v), e.executor.balances.quoteOf(v), `venue ${v}: positions equal the executor's`);
});
