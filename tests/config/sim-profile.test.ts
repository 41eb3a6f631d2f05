import t from 'tap';
import path from 'node:path';
import { applySimProfile, loadConfig } from '../../src/config/index.js';
import { toLocal } from '../../src/config/sim-profile.js';
import { REPO_ROOT } from '../helpers/paths.js';

const cfg = loadConfig(path.join(REPO_ROOT, 'config', 'arbitrage.toml'), { mode: 'dry-run', env: {} });

t.test('every venue URL points at the simulator, keeping its path, without TLS', async (t) => {
  const sim = applySimProfile(cfg, '127.0.0.1', { binance: 4001, bybit: 4002 });
  t.same(sim.venues.binance.connection, {
    ...cfg.venues.binance.connection,
    websocket_url: 'ws://127.0.0.1:4001/ws',
    rest_api_url: 'http://127.0.0.1:4001',
    ws_api_url: 'ws://127.0.0.1:4001/ws-api/v3',
  });
  t.equal(sim.venues.bybit.connection.websocket_url, 'ws://127.0.0.1:4002/v5/public/spot');
  t.equal(sim.venues.bybit.connection.rest_api_url, 'http://127.0.0.1:4002');
  t.equal(sim.venues.bybit.connection.ws_api_url, 'ws://127.0.0.1:4002/v5/trade');
  t.equal(cfg.venues.binance.connection.rest_api_url, 'https://api.binance.com', 'the input is not changed');
});

t.test('one port may serve both venues', async (t) => {
  const sim = applySimProfile(cfg, 'localhost', 5000);
  t.equal(sim.venues.binance.connection.websocket_url, 'ws://localhost:5000/ws');
  t.equal(sim.venues.bybit.connection.websocket_url, 'ws://localhost:5000/v5/public/spot');
});

t.test('query strings are kept; IPv6 hosts are bracketed', async (t) => {
  t.equal(toLocal('wss://stream.binance.com:9443/stream?timeUnit=MICROSECOND', '::1', 9), 'ws://[::1]:9/stream?timeUnit=MICROSECOND');
});

t.test('a port of 0 is refused: the simulator must be listening first', async (t) => {
  t.throws(() => applySimProfile(cfg, '127.0.0.1', 0), RangeError);
});

t.test('a linear Binance goes to the simulator\'s futures port; spot ignores that port', async (t) => {
  const linear = structuredClone(cfg);
  linear.venues.binance.connection.market = 'linear';
  linear.venues.binance.connection.websocket_url = 'wss://fstream.binance.com/ws';
  linear.venues.binance.connection.rest_api_url = 'https://fapi.binance.com';
  const ports = { binance: 4001, bybit: 4002, binanceFutures: 4003 };
  const sim = applySimProfile(linear, '127.0.0.1', ports);
  t.equal(sim.venues.binance.connection.websocket_url, 'ws://127.0.0.1:4003/ws');
  t.equal(sim.venues.binance.connection.rest_api_url, 'http://127.0.0.1:4003');
  t.equal(sim.venues.bybit.connection.websocket_url, 'ws://127.0.0.1:4002/v5/public/spot');
  t.equal(applySimProfile(cfg, '127.0.0.1', ports).venues.binance.connection.rest_api_url, 'http://127.0.0.1:4001');
});

t.test('a linear Bybit stays on the Bybit port and keeps its /v5/public/linear path', async (t) => {
  const linear = structuredClone(cfg);
  linear.venues.bybit.connection.market = 'linear';
  linear.venues.bybit.connection.websocket_url = 'wss://stream.bybit.com/v5/public/linear';
  const ports = { binance: 4001, bybit: 4002, binanceFutures: 4003 };
  const sim = applySimProfile(linear, '127.0.0.1', ports);
  t.equal(sim.venues.bybit.connection.websocket_url, 'ws://127.0.0.1:4002/v5/public/linear');
  t.equal(sim.venues.bybit.connection.rest_api_url, 'http://127.0.0.1:4002');
  t.equal(sim.venues.binance.connection.websocket_url, 'ws://127.0.0.1:4001/ws', 'a spot Binance is untouched');
});
