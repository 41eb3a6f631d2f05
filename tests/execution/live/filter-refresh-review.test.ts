/**
 * Review (issue 9, invariant 5: no crash on malformed venue input, counted instead). A filter
 * refresh (src/execution/live/filter-refresh.ts) used to install whatever the parser returned:
 * an exchangeInfo answer whose PRICE_FILTER tickSize is "0.00000000" (Binance's documented way
 * of disabling that rule, or a garbled answer) replaced the executor's tick with 0, and every
 * later order on that symbol threw DecimalFormatError out of the executor's intent handling,
 * leaving its slot held. Now the refresh refuses a filter that cannot form orders (the last
 * good one stays, `filter_refresh_invalid`, an error line), and the pre-send gate refuses an
 * order its filter cannot form (ERR_LIVE_BAD_FILTER, with its twin) instead of throwing.
 */
import t from 'tap';
import { ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_REJECTED, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT } from '../../../src/core/records.js';
import { LiveExecutor, type LiveSymbolFilter } from '../../../src/execution/live/live-executor.js';
import { ERR_LIVE_BAD_FILTER, ERR_LIVE_PAIR_REFUSED } from '../../../src/execution/live/live-errors.js';
import { FilterRefresh } from '../../../src/execution/live/filter-refresh.js';
import { FillReportSink as Sink } from './fill-report-sink.js';
import { LookingClient } from './looking-client.js';

t.test('a refresh answering tickSize 0 keeps the previous tick, and the next order does not throw', async (t) => {
  const table: Record<string, LiveSymbolFilter> = { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } };
  const body = JSON.stringify({ symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', filters: [
    { filterType: 'PRICE_FILTER', tickSize: '0.00000000', minPrice: '0.00000000', maxPrice: '0.00000000' },
    { filterType: 'LOT_SIZE', stepSize: '0.00001000', minQty: '0.00001000', maxQty: '9000.00000000' }] }] });
  const fr = new FilterRefresh({ symbols: ['BTCUSDT'], filters: [table], restUrls: ['http://127.0.0.1:1'], rules: [null], everyMs: 1,
    wallMs: () => 0, log: () => undefined, get: async () => ({ status: 200, text: body }) });
  const lines: string[] = [];
  const fr2 = new FilterRefresh({ symbols: ['BTCUSDT'], filters: [table], restUrls: ['http://127.0.0.1:1'], rules: [null], everyMs: 1,
    wallMs: () => 0, log: (level, msg) => lines.push(`${level} ${msg}`), get: async () => ({ status: 200, text: body }) });
  await fr.refresh();
  t.ok(table.BTCUSDT!.tickSize > 0, `tick kept positive (now ${table.BTCUSDT!.tickSize})`);
  t.equal(fr.counters.filter_refresh_invalid, 1, 'the unusable answer is counted');
  t.equal(fr.counters.filter_changes, 0, 'and is no change');
  await fr2.refresh();
  t.same(lines, ['error symbol filters read again are unusable: the previous ones stay'], 'one error line per unusable answer');
  const sink = new Sink();
  const exec = new LiveExecutor({ symbols: ['BTCUSDT'], clients: [new LookingClient(VENUE_BINANCE), null], sink, runTag: 'xrev', log: () => undefined,
    filters: [table, undefined], limiters: [null, null], monoNs: () => 1, wallMs: () => 5_000 });
  const rec = new Float64Array(INTENT_WORDS);
  rec[H_VENUE] = VENUE_BINANCE; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = 1; rec[I_PAIR_ID] = 1; rec[I_SIDE] = SIDE_BUY;
  rec[I_PRICE] = 60_000.12; rec[I_QTY] = 0.01; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
  let threw: unknown = null;
  try {
    exec.onIntent(rec, 0, 1);
  } catch (e) {
    threw = e;
  }
  t.equal(threw, null, `the order path does not throw (${String(threw)})`);
});

t.test('a refresh refuses every filter that cannot form orders, keeps the last good one, and takes a good one after', async (t) => {
  const table: Record<string, LiveSymbolFilter> = { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } };
  let tick = '0.00000000';
  let step = '0.00001000';
  let minQty = '0.00001000';
  const body = (): string => JSON.stringify({ symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', filters: [
    { filterType: 'PRICE_FILTER', tickSize: tick, minPrice: '0.01', maxPrice: '1000000' },
    { filterType: 'LOT_SIZE', stepSize: step, minQty, maxQty: '9000.00000000' }] }] });
  const fr = new FilterRefresh({ symbols: ['BTCUSDT'], filters: [table], restUrls: ['http://127.0.0.1:1'], rules: [null], everyMs: 1,
    wallMs: () => 0, log: () => undefined, get: async () => ({ status: 200, text: body() }) });
  let bad = 0;
  for (const [tk, st, mq] of [['0.00000000', '0.00001', '0.00001'], ['0.01', '0', '0.00001'], ['0.01', '-0.001', '0.00001'], ['0.01', 'NaN', '0.00001'],
    ['-0.01', '0.00001', '0.00001'], ['0.0000000000001', '0.00001', '0.00001'], ['0.01', '0.00001', '-1']] as const) {
    tick = tk; step = st; minQty = mq;
    await fr.refresh();
    // A parser may already refuse some of them (counted as failed): either way nothing is installed.
    bad++;
    t.same(table.BTCUSDT, { tickSize: 0.01, stepSize: 0.00001 }, `tick ${tk} step ${st} minQty ${mq}: the last good filter stays`);
  }
  t.equal(fr.counters.filter_refresh_invalid + fr.counters.filter_refresh_failed, bad, 'each counted');
  tick = '0.10000000'; step = '0.00010000'; minQty = '0.00010000';
  t.equal(await fr.refresh(), 1, 'a good one is a change');
  t.match(table.BTCUSDT, { tickSize: 0.1, stepSize: 0.0001, minQty: 0.0001 });
});

t.test('an order its filter cannot form is refused (ERR_LIVE_BAD_FILTER) with its twin, never thrown, and leaves no slot held', async (t) => {
  const bn: Record<string, LiveSymbolFilter> = { BTCUSDT: { tickSize: 0, stepSize: 0.00001 } };
  const bb: Record<string, LiveSymbolFilter> = { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } };
  const rejected: Array<[number, number]> = [];
  const logs: string[] = [];
  const clients = [new LookingClient(VENUE_BINANCE), new LookingClient(VENUE_BYBIT)];
  const exec = new LiveExecutor({ symbols: ['BTCUSDT'], clients, runTag: 'xbad', log: (level, msg) => logs.push(`${level} ${msg}`),
    filters: [bn, bb], limiters: [null, null], monoNs: () => 1, wallMs: () => 5_000,
    sink: { report: (id: number, _p: number, _v: number, _s: number, _side: number, status: number, _px: number, _lpx: number, _lq: number,
      _cq: number, _q: number, _fee: number, _fa: number, error: number) => { if (status === ST_REJECTED) rejected.push([id, error]); } } });
  const rec = new Float64Array(2 * INTENT_WORDS);
  const put = (i: number, id: number, venue: number, side: number, role: number): void => {
    const o = i * INTENT_WORDS;
    rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = 0; rec[o + I_ACTION] = ACTION_NEW; rec[o + I_ORDER_ID] = id; rec[o + I_PAIR_ID] = 7; rec[o + I_SIDE] = side;
    rec[o + I_PRICE] = 60_000.12; rec[o + I_QTY] = 0.01; rec[o + I_TIF] = TIF_IOC; rec[o + I_ROLE] = role; rec[o + H_RECV_NS] = 1;
  };
  // The bad leg second: its good twin was checked first, with it, as a pair.
  put(0, 1, VENUE_BYBIT, SIDE_BUY, ROLE_LEG_BUY);
  put(1, 2, VENUE_BINANCE, SIDE_SELL, ROLE_LEG_SELL);
  t.doesNotThrow(() => exec.onIntents(rec, 2, 1, new Float64Array(2)));
  t.equal(clients[0]!.tasks.length + clients[1]!.tasks.length, 0, 'neither leg sent');
  t.same(rejected.sort((a, b) => a[0] - b[0]), [[1, ERR_LIVE_PAIR_REFUSED], [2, ERR_LIVE_BAD_FILTER]], 'the bad leg with the filter code, its twin with the pair code');
  t.equal(exec.tracker.liveCount, 0, 'no slot held');
  t.equal(exec.counters.refused_filter, 1);
  t.ok(logs.some((l) => l.startsWith('error order refused: the symbol filter cannot form it')), 'an error line says why');
  // A price too large to write on its tick exactly: refused the same way, never thrown.
  bn.BTCUSDT = { tickSize: 0.01, stepSize: 0.00001 };
  put(0, 3, VENUE_BINANCE, SIDE_BUY, ROLE_LEG_BUY);
  rec[I_PRICE] = 1e15;
  rec[I_PAIR_ID] = 0;
  t.doesNotThrow(() => exec.onIntents(rec, 1, 2, new Float64Array(1)));
  t.same(rejected.at(-1), [3, ERR_LIVE_BAD_FILTER]);
  t.equal(exec.tracker.liveCount, 0);
});
