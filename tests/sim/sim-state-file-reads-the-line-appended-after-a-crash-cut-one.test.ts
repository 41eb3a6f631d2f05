/**
 * `xarb sim --state FILE` after a crash that cut its last line short: the simulator started
 * again ends that line before appending, so the next order's line is read on its own at the
 * following start (before, it was glued to the fragment and both were skipped as one bad line:
 * the order, its trades and balances lost).
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { binance } from './signed-rest.js';

t.test('a crash-cut line, then an order: both lines read at the next start', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-sim-state-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'state.jsonl');
  fs.writeFileSync(file, `{"k":"bal","v":"binance","apiKey":"${SIM_KEYS.binance.apiKey}","asset":"USDT","fr`); // cut short by a crash

  const first = await startSimulator({ seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0, stateFile: file });
  try {
    t.same(first.stateReplay, { orders: 0, trades: 0, balances: 0, skipped: 1 }, 'the fragment is skipped');
    const b = first.generator.book(0, 0);
    const r = await binance(first.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
      quantity: '0.01', price: (b.asks.best() * 1.01 * b.tickUnit).toFixed(2), newClientOrderId: 'xabcdef01-1' }, SIM_KEYS.binance);
    t.equal(r.body.status, 'FILLED');
  } finally {
    await first.stop();
  }

  const second = await startSimulator({ seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0, stateFile: file });
  try {
    t.equal(second.stateReplay?.orders, 1, 'the order appended after the fragment is read');
    t.equal(second.stateReplay?.skipped, 1, 'only the fragment is skipped');
  } finally {
    await second.stop();
  }
});
