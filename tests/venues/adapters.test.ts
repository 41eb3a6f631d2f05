import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MARKET_LINEAR, MARKET_SPOT, VENUE_BINANCE, VENUE_BYBIT } from '../../src/core/records.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { binanceAdapter } from '../../src/venues/binance/adapter.js';
import { bybitAdapter } from '../../src/venues/bybit/adapter.js';
import { MSG_QUOTE } from '../../src/venues/parsed-frame.js';
import { UnknownVenueError, VENUES, venueAdapter } from '../../src/venues/registry.js';
import { VenueResponseError } from '../../src/venues/venue.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';
import { fixtureLines } from './reference.js';

const fixture = (n: string): string => readFileSync(path.join(VENUE_FIXTURES, n), 'utf8');

t.test('registry keyed by venue id and name', async (t) => {
  t.equal(VENUES[VENUE_BINANCE], binanceAdapter);
  t.equal(VENUES[VENUE_BYBIT], bybitAdapter);
  t.equal(venueAdapter('Bybit'), bybitAdapter);
  t.throws(() => venueAdapter('kraken'), UnknownVenueError);
});

t.test('Binance stream names, URLs and subscribe messages', async (t) => {
  const a = binanceAdapter;
  const streams = [a.streamName('BTCUSDT', 'top', MARKET_SPOT), a.streamName('BTCUSDT', 'depth', MARKET_SPOT), a.streamName('ETHUSDT', 'trade', MARKET_SPOT)];
  t.same(streams, ['btcusdt@bookTicker', 'btcusdt@depth@100ms', 'ethusdt@trade']);
  t.equal(a.marketDataUrl(MARKET_SPOT, streams), 'wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms/ethusdt@trade');
  t.equal(a.marketDataUrl(MARKET_LINEAR, ['btcusdt@bookTicker']), 'wss://fstream.binance.com/stream?streams=btcusdt@bookTicker');
  t.equal(a.marketDataUrl(MARKET_SPOT, ['x@trade'], { wsBase: 'ws://127.0.0.1:9001/' }), 'ws://127.0.0.1:9001/stream?streams=x@trade');
  t.same(a.subscribeMessages(MARKET_SPOT, ['btcusdt@bookTicker'], 5).map((m) => JSON.parse(m)), [{ method: 'SUBSCRIBE', params: ['btcusdt@bookTicker'], id: 5 }]);
  t.equal(a.subscribeMessages(MARKET_SPOT, Array.from({ length: 250 }, (_, i) => `s${i}@trade`), 1).length, 3);
  t.equal(a.heartbeat(MARKET_SPOT).intervalMs, 0, 'server pings; ws answers pongs');
  t.equal(a.heartbeat(MARKET_SPOT).message, null);
  t.equal(a.snapshotUrl(MARKET_SPOT, 'btcusdt', 5000), 'https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=5000');
  t.equal(a.snapshotUrl(MARKET_LINEAR, 'BTCUSDT', 1000), 'https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
});

t.test('Binance REST parsing: snapshot and exchangeInfo filters', async (t) => {
  const s = binanceAdapter.parseSnapshot(fixture('binance_spot_depth_snapshot_rest.json'));
  t.equal(s.lastUpdateId, 50093239218);
  t.equal(s.bids.length, 1000);
  t.same(s.bids[0], [61837.63, 3.78826]);
  t.equal(s.exchMs, 0);
  t.throws(() => binanceAdapter.parseSnapshot('{"code":-1121,"msg":"Invalid symbol."}'), VenueResponseError);
  t.same(binanceAdapter.parseSymbolFilters(fixture('binance_exchangeInfo_BTCUSDT_recorded.json'), 'btcusdt', MARKET_SPOT), {
    symbol: 'BTCUSDT',
    tickSize: 0.01,
    stepSize: 0.00001,
    minQty: 0.00001,
    minNotional: 5,
  });
  const real = JSON.stringify({ symbols: [{ symbol: 'ETHUSDT', filters: [{ filterType: 'PRICE_FILTER', tickSize: '0.01' }, { filterType: 'LOT_SIZE', stepSize: '0.0001', minQty: '0.0001' }, { filterType: 'MIN_NOTIONAL', minNotional: '10' }] }] });
  t.equal(binanceAdapter.parseSymbolFilters(real, 'ETHUSDT', MARKET_SPOT).minNotional, 10);
  t.throws(() => binanceAdapter.parseSymbolFilters(real, 'BTCUSDT', MARKET_SPOT), VenueResponseError);
});

t.test('Bybit topics, URLs, batched subscribes, ping', async (t) => {
  const a = bybitAdapter;
  t.equal(a.streamName('btcusdt', 'top', MARKET_SPOT), 'orderbook.1.BTCUSDT');
  t.equal(a.streamName('BTCUSDT', 'depth', MARKET_SPOT), 'orderbook.50.BTCUSDT');
  t.equal(a.streamName('BTCUSDT', 'trade', MARKET_SPOT), 'publicTrade.BTCUSDT');
  t.equal(a.marketDataUrl(MARKET_SPOT, []), 'wss://stream.bybit.com/v5/public/spot');
  t.equal(a.marketDataUrl(MARKET_LINEAR, []), 'wss://stream.bybit.com/v5/public/linear');
  const topics = Array.from({ length: 23 }, (_, i) => `orderbook.1.S${i}USDT`);
  const msgs = a.subscribeMessages(MARKET_SPOT, topics, 1).map((m) => JSON.parse(m));
  t.same(msgs.map((m) => m.args.length), [10, 10, 3], 'spot: at most 10 args per request');
  t.same(msgs.map((m) => m.req_id), ['1', '2', '3']);
  t.equal(msgs[0].op, 'subscribe');
  t.equal(a.subscribeMessages(MARKET_LINEAR, topics, 1).length, 1);
  t.same(a.heartbeat(MARKET_SPOT), { intervalMs: 20000, message: '{"op":"ping"}', note: a.heartbeat(MARKET_SPOT).note });
  t.equal(a.snapshotUrl(MARKET_SPOT, 'BTCUSDT', 200), 'https://api.bybit.com/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=200');
});

t.test('Bybit REST parsing: orderbook and instruments-info', async (t) => {
  const body = JSON.stringify({ retCode: 0, retMsg: 'OK', result: { s: 'BTCUSDT', a: [['65557.7', '16.606555']], b: [['65485.47', '47.081829']], ts: 1716863719031, u: 230704, seq: 1432604333, cts: 1716863718905 }, time: 1 });
  const s = bybitAdapter.parseSnapshot(body);
  t.same(s, { lastUpdateId: 230704, bids: [[65485.47, 47.081829]], asks: [[65557.7, 16.606555]], exchMs: 1716863719031 });
  t.throws(() => bybitAdapter.parseSnapshot('{"retCode":10001,"retMsg":"params error","result":{}}'), VenueResponseError);
  // shaped like the docs' BTCUSDT spot example (market/instrument.mdx)
  const spot = JSON.stringify({ retCode: 0, result: { category: 'spot', list: [{ symbol: 'BTCUSDT', lotSizeFilter: { basePrecision: '0.000001', quotePrecision: '0.0000001', minOrderQty: '0.000048', maxOrderQty: '71.73956243', minOrderAmt: '5', maxOrderAmt: '2000000' }, priceFilter: { tickSize: '0.1' } }] } });
  t.same(bybitAdapter.parseSymbolFilters(spot, 'BTCUSDT', MARKET_SPOT), { symbol: 'BTCUSDT', tickSize: 0.1, stepSize: 0.000001, minQty: 0.000048, minNotional: 5 });
  const linear = JSON.stringify({ retCode: 0, result: { category: 'linear', list: [{ symbol: 'BTCUSDT', lotSizeFilter: { qtyStep: '0.001', minOrderQty: '0.001', minNotionalValue: '5' }, priceFilter: { tickSize: '0.10' } }] } });
  t.same(bybitAdapter.parseSymbolFilters(linear, 'BTCUSDT', MARKET_LINEAR), { symbol: 'BTCUSDT', tickSize: 0.1, stepSize: 0.001, minQty: 0.001, minNotional: 5 });
});

t.test('adapters build working parsers and book syncs', async (t) => {
  const table = new SymbolTable(['BTCUSDT']);
  const p = binanceAdapter.createFrameParser(table, MARKET_SPOT);
  const line = Buffer.from(fixtureLines('binance_spot_bookTicker.jsonl')[0]);
  t.equal(p.parse(line, line.length), MSG_QUOTE);
  t.notOk(binanceAdapter.createBookSync(MARKET_SPOT).usable);
  t.notOk(bybitAdapter.createBookSync(MARKET_SPOT).usable);
});
