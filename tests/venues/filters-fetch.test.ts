import t from 'tap';
import { symbolFiltersUrl } from '../../src/venues/filters-fetch.js';
import { MARKET_LINEAR, MARKET_SPOT } from '../../src/core/records.js';

t.test('filter URLs: spot exchangeInfo per symbol, USD-M exchangeInfo (documented without parameters), Bybit spot', async (t) => {
  t.equal(symbolFiltersUrl('binance', 'https://api.binance.com/', 'BTCUSDT'), 'https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT');
  t.equal(symbolFiltersUrl('binance', 'https://api.binance.com', 'BTCUSDT', MARKET_SPOT), 'https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT');
  t.equal(symbolFiltersUrl('binance', 'https://fapi.binance.com', 'BTCUSDT', MARKET_LINEAR), 'https://fapi.binance.com/fapi/v1/exchangeInfo');
  t.equal(symbolFiltersUrl('bybit', 'https://api.bybit.com', 'BTCUSDT'), 'https://api.bybit.com/v5/market/instruments-info?category=spot&symbol=BTCUSDT');
});

t.test('Bybit linear filters: instruments-info with category=linear', async (t) => {
  t.equal(symbolFiltersUrl('bybit', 'https://api.bybit.com/', 'BTCUSDT', MARKET_LINEAR),
    'https://api.bybit.com/v5/market/instruments-info?category=linear&symbol=BTCUSDT');
  t.equal(symbolFiltersUrl('bybit', 'https://api.bybit.com', 'BTCUSDT', MARKET_SPOT),
    'https://api.bybit.com/v5/market/instruments-info?category=spot&symbol=BTCUSDT');
});
