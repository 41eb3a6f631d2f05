/**
 * A live start refused after the start-up reconciliation (here: the monitor's port is taken)
 * takes nothing over: its leftover.json is written only once the start is committed, so the
 * crashed run's exposure is still counted, exactly once, by the next start.
 */
import t from 'tap';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { Supervisor } from '../../src/actors/supervisor.js';
import { OrderWal } from '../../src/execution/order-wal.js';
import { binance } from '../sim/signed-rest.js';

t.test('a start refused after the reconciliation does not take over the crashed run\'s exposure', async (t) => {
  const { sim, cfg, runs } = await liveSimStart(t, 21, 'xarb-review9-refused-');
  Object.assign(cfg.execution.live, { leftover_exposure: 'adopt' });
  const log = pino({ level: 'silent' });

  // Crashed run A: a journaled Binance buy, filled at the venue; no run_end.
  const a = path.join(runs, 'A');
  fs.mkdirSync(a, { recursive: true });
  fs.writeFileSync(path.join(a, 'journal.jsonl'), JSON.stringify({ t: Date.now() - 3_600_000, ns: 0, type: 'run_start', run_id: 'A', mode: 'live' }) + '\n');
  const wal = new OrderWal(a);
  wal.send({ clientOrderId: 'xa1a1a1a1-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60_000, qty: 0.02, timestampMs: Date.now() });
  const b = sim.generator.book(0, 0);
  const r = await binance(sim.binanceUrl.rest, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC',
    quantity: '0.02', price: (b.asks.best() * 1.01 * b.tickUnit).toFixed(2), newClientOrderId: 'xa1a1a1a1-1' }, SIM_KEYS.binance);
  t.equal(r.body.status, 'FILLED');
  wal.close();

  // Run B: live start with the monitor's port taken. The reconciliation adopts A's 0.02, then the start is refused.
  const busy = net.createServer();
  await new Promise<void>((res) => busy.listen(0, '127.0.0.1', () => res()));
  t.teardown(() => new Promise<void>((res) => busy.close(() => res())));
  cfg.monitor.enabled = true;
  cfg.monitor.port = (busy.address() as net.AddressInfo).port;
  const sup = new Supervisor({ config: cfg, runId: 'B', runDir: path.join(runs, 'B'), filters: SIM_FILTERS, log, durationMs: 0, statusLine: false, seed: 1 });
  const res = await sup.run();
  t.equal(res.exitCode, 2, `B refused: ${res.reason}`);

  // Run C: A's exposure is still at the venue, untouched by anyone: it must be counted.
  const c = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'C'), runId: 'C', log, freshVenues: false });
  t.same(c.verdict!.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e8) / 1e8]), [['BTCUSDT', 0.01998]],
    'A\'s long (0.02 less its 0.1 % fee in BTC) is still exposure: B never traded it');
});
