/**
 * Live start-up checks against the in-process simulator: a fresh venue passes (keys can
 * trade, fees compared, reconciliation clean); an earlier run that crashed with an order in
 * flight that the venue has no trace of refuses the start with one reason; the simulator's
 * fresh state skips earlier runs when the process started it itself.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { REPO_ROOT } from '../helpers/paths.js';
import { applySimProfile, loadConfig } from '../../src/config/index.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { OrderWal, readOrderWal } from '../../src/execution/order-wal.js';

let sim: SimHandle;
t.before(async () => {
  sim = await startSimulator({ seed: 5, symbols: ['BTCUSDT'], ratePerVenue: 200, dislocationEveryMs: 0 });
});
t.teardown(async () => { await sim.stop(); });

function setup() {
  const env = {
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const cfg = applySimProfile(loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'live', env }), '127.0.0.1', sim.ports);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-startup-'));
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  const filters = { binance: { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } }, bybit: { BTCUSDT: { tickSize: 0.01, stepSize: 0.000001, minQty: 0.000001, minNotional: 5 } } };
  return { cfg, runs, lines, log, filters: filters as never };
}

t.test('a fresh simulator: the checks pass and the verdict is logged', async (t) => {
  const { cfg, runs, lines, log, filters } = setup();
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
  t.equal(r.reason, '');
  t.equal(r.ok, true);
  t.equal(r.verdict!.canTrade, true);
  const v = lines.find((l) => l['msg'] === 'live start-up: reconciliation verdict');
  t.ok(v, 'verdict logged');
  t.equal(v!['can_trade'], true);
  t.notOk(JSON.stringify(lines).includes(SIM_KEYS.binance.secretKey), 'no secret logged');
});

t.test('a crashed earlier run with an order the venues never saw: asked by client id, never placed once its recvWindow has passed, journaled so', async (t) => {
  const { cfg, runs, lines, log, filters } = setup();
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const old = path.join(runs, 'crashed');
  const wal = new OrderWal(old);
  wal.reserve('xdeadbeef', 1, 1024);
  wal.send({ clientOrderId: 'xdeadbeef-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60000, qty: 0.001, timestampMs: Date.now() - 60_000 });
  wal.close();
  fs.writeFileSync(path.join(old, 'journal.jsonl'), '{"type":"run_start","mode":"live"}\n');
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
  t.equal(r.reason, '');
  t.equal(r.ok, true, 'the start is allowed: the order can no longer be placed and the venue has none');
  const v = lines.find((l) => l['msg'] === 'live start-up: reconciliation verdict')!;
  t.same(v['crashed_runs'], ['crashed']);
  t.same(v['unresolved'], []);
  t.same(v['not_placed'], [{ run: 'crashed', venue: 'binance', client_order_id: 'xdeadbeef-1' }]);
  t.match(String(v['reasons']), /never placed.*xdeadbeef-1/);
  const asked = lines.find((l) => l['msg'] === 'live start-up: in-flight orders of earlier runs asked of the venues by client id')!;
  t.equal(asked['asked'], 1);
  t.equal(asked['not_found'], 1);
  const again = readOrderWal(path.join(old, 'orders.wal'));
  t.same(again.orders[0]!.final, { status: 'NOT_PLACED', cumQty: 0 }, 'settled in the crashed run\'s own WAL: the next start need not ask');

  // The same runs folder with a simulator this process just started: earlier runs are not asked of it.
  const fresh = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: true });
  t.equal(fresh.ok, true);
});

t.test('an order the venue could still accept for long (stamped in the future), not found: unresolved, the start refused with the reason', async (t) => {
  const { cfg, runs, lines, log, filters } = setup();
  t.teardown(() => fs.rmSync(runs, { recursive: true, force: true }));
  const old = path.join(runs, 'crashed');
  const wal = new OrderWal(old);
  wal.send({ clientOrderId: 'xdeadbeef-2', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60000, qty: 0.001, timestampMs: Date.now() + 3_600_000 });
  wal.close();
  fs.writeFileSync(path.join(old, 'journal.jsonl'), '{"type":"run_start","mode":"live"}\n');
  const r = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters, runDir: path.join(runs, 'now'), runId: 'now', log, freshVenues: false });
  t.equal(r.ok, false);
  t.match(r.reason, /^reconciliation: /);
  t.match(r.reason, /bybit xdeadbeef-2 \(crashed; no such order at the venue, but it may still be accepted until /, 'the reason names the order and why');
  const v = lines.find((l) => l['msg'] === 'live start-up: reconciliation verdict')!;
  t.same(v['unresolved'], [{ run: 'crashed', venue: 'bybit', client_order_id: 'xdeadbeef-2' }]);
  t.equal(readOrderWal(path.join(old, 'orders.wal')).orders[0]!.final, null, 'left in flight');
});
