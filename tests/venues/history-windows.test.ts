/**
 * A history span longer than one venue query (`--check-run` of a run longer than a day) is
 * read in windows of at most 23 h from its start, and the rows merged once each: a venue that
 * answers a start-only query with at most 24 h from that start still has every row read.
 */
import t from 'tap';
import { HISTORY_WINDOW_MS, MAX_HISTORY_WINDOWS, historyWindows, snapshotOverSpan } from '../../src/venues/history-windows.js';
import type { VenueSnapshot } from '../../src/execution/reconcile.js';

const H = 3600_000;

t.test('windows cover the span from its start, each at most 23 h', async (t) => {
  t.same(historyWindows(0, 10), [0]);
  t.same(historyWindows(0, 50 * H), [0, 23 * H, 46 * H]);
  t.equal(HISTORY_WINDOW_MS, 23 * H);
  t.throws(() => historyWindows(0, (MAX_HISTORY_WINDOWS + 1) * HISTORY_WINDOW_MS), /more than \d+ windows/);
});

t.test('a venue that serves 24 h from a start-only query: every order and fill of 3 days read, each once', async (t) => {
  // One order and one fill an hour for 72 h.
  const rows = Array.from({ length: 72 }, (_, i) => i * H + 1000);
  const asked: number[] = [];
  const read = async (since: number): Promise<VenueSnapshot> => {
    asked.push(since);
    const inWindow = rows.filter((ts) => ts >= since && ts < since + 24 * H);
    return {
      venue: 'binance', balances: new Map([['BTC', asked.length]]), openOrders: [],
      history: inWindow.map((ts) => ({ venue: 'binance', symbol: 'BTCUSDT', orderId: `o${ts}`, clientOrderId: `x00000000-${ts}`, side: 'buy', price: 1, qty: 1, cumQty: 1, status: 'FILLED', open: false, timeMs: ts })),
      fills: inWindow.map((ts) => ({ venue: 'binance', symbol: 'BTCUSDT', tradeId: `t${ts}`, orderId: `o${ts}`, clientOrderId: `x00000000-${ts}`, side: 'buy', qty: 1, price: 1, timeMs: ts })),
    };
  };
  const s = await snapshotOverSpan(read, 0, 72 * H);
  t.same(asked, [0, 23 * H, 46 * H, 69 * H]);
  t.equal(s.history.length, 72, 'every order once');
  t.equal(s.fills.length, 72, 'every fill once');
  t.equal(s.balances.get('BTC'), 4, 'balances and open orders from the last read');
  // One read of the venue's first 24 h would have missed two thirds of it.
  t.equal((await read(0)).fills.length, 24);
});
