import t from 'tap';
import path from 'node:path';
import { datesBetween, pathFor, StoreError, utcDate } from '../../src/data/store.js';

t.test('pathFor lays files out by venue, market, symbol and UTC date', async (t) => {
  t.equal(pathFor('data', 'Binance', 'SPOT', 'btcusdt', '2024-03-01'), path.join('data', 'binance', 'spot', 'BTCUSDT', '2024-03-01.jsonl.gz'));
  t.throws(() => pathFor('data', 'binance', 'spot', 'BTCUSDT', '2024-02-30'), StoreError);
});

t.test('datesBetween lists every UTC date inclusive, across month ends', async (t) => {
  t.same(datesBetween('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
  t.same(datesBetween('2024-03-01', '2024-03-01'), ['2024-03-01']);
  t.throws(() => datesBetween('2024-03-02', '2024-03-01'), StoreError);
});

t.test('utcDate uses UTC, not local time', async (t) => {
  t.equal(utcDate(Date.UTC(2024, 0, 31, 23, 59, 59, 999)), '2024-01-31');
  t.equal(utcDate(Date.UTC(2024, 1, 1)), '2024-02-01');
});
