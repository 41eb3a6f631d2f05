/**
 * A live run against the simulator that read the venues (not fresh venues) and proceeded:
 * - /metrics shows the runs-folder refusals counted at start-up, before the monitor was up
 *   (`xarb_runs_folder_errors_total{counter}`: ledger_unreadable, ledger_unwritable,
 *   ledger_other_accounts, leftover_unreadable; here one earlier refusal in the process for a
 *   ledger of other keys);
 * - its clean stop writes the venue ledger again, pruned of the xarb fill in no journal that it
 *   answered for (a remembered buy beyond the window, flattened by the run): the ledger no longer
 *   holds it, so deleting this run's folder cannot bring it back.
 */
import t from 'tap';
import { until } from '../helpers/until.js';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { liveSimStart, SIM_FILTERS } from './live-sim-start.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { liveStartupChecks } from '../../src/actors/live-startup.js';
import { Supervisor } from '../../src/actors/supervisor.js';
import { emptyLedger, ledgerAccount, ledgerFile, ledgerText, readLedgers } from '../../src/execution/venue-ledger.js';
import { parseExposition, valueOf } from '../monitor/exposition-parser.js';

t.setTimeout(120_000);


t.test('a live run shows the start-up ledger counters as metrics and writes the ledger at its clean stop', async (t) => {
  const { cfg, runs } = await liveSimStart(t, 11, 'xarb-sup-ledger-stop-');
  Object.assign(cfg.execution.live, { leftover_exposure: 'flatten' });
  cfg.monitor.enabled = true;
  cfg.monitor.port = 0;
  const accounts = [{ venue: 'binance' as const, account: ledgerAccount(SIM_KEYS.binance.apiKey) }, { venue: 'bybit' as const, account: ledgerAccount(SIM_KEYS.bybit.apiKey) }];

  // An earlier start in this process refused for a ledger of other keys (counted before any monitor).
  const other = ledgerFile(runs, accounts.map((a) => ({ ...a, account: 'ffffffffffffffff' })));
  fs.writeFileSync(other, '{}');
  const refused = await liveStartupChecks({ cfg, symbols: ['BTCUSDT'], filters: SIM_FILTERS, runDir: path.join(runs, 'A'), runId: 'A', log: pino({ level: 'silent' }), freshVenues: false });
  t.equal(refused.ok, false, 'refused: another pair\'s ledger');
  fs.rmSync(other);

  // The ledger remembers an xarb buy in no journal, two days old (beyond the look-back): the run flattens it.
  const old = { venue: 'binance' as const, symbol: 'BTCUSDT', tradeId: 'old-1', orderId: 'o-old', clientOrderId: 'xdeadbeef-1', side: 'buy' as const, qty: 0.002,
    price: 60_000, timeMs: Date.now() - 48 * 3600_000 };
  const ledgers = accounts.map((a) => emptyLedger(a.venue, a.account));
  ledgers[0]!.orphanFills.push(old);
  fs.writeFileSync(ledgerFile(runs, accounts), ledgerText(ledgers));

  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  const sup = new Supervisor({ config: cfg, runId: 'B', runDir: path.join(runs, 'B'), filters: SIM_FILTERS, log: pino({ level: 'info' }, sink), durationMs: 0, statusLine: false, seed: 1 });
  const done = sup.run();
  let metrics = '';
  try {
    t.ok(await until(() => lines.some((l) => l['msg'] === 'monitor listening (dashboard, /metrics, /status)'), 60_000), 'the monitor is up');
    const url = String(lines.find((l) => l['msg'] === 'monitor listening (dashboard, /metrics, /status)')!['metrics']);
    metrics = await (await fetch(url)).text();
    t.same(readLedgers(runs, accounts)[0]!.orphanFills.map((f) => f.tradeId), ['old-1'], 'the start remembers the buy it counted');
    // The strategy takes the leftover over (flattens it): then this run answers for it.
    t.ok(await until(() => lines.some((l) => /leftover exposure: the strategy flattens it/.test(String(l['msg']))), 30_000), 'the leftover is flattened');
    await new Promise((r) => setTimeout(r, 3000));
  } finally {
    await sup.shutdown('test over');
  }
  const res = await done;
  t.equal(res.exitCode, 0, res.reason);
  const f = parseExposition(metrics);
  t.equal(f.get('xarb_runs_folder_errors_total')?.type, 'counter');
  t.ok(valueOf(f, 'xarb_runs_folder_errors_total', { counter: 'ledger_other_accounts' })! >= 1, 'the earlier refusal is counted');
  for (const c of ['ledger_unreadable', 'ledger_unwritable', 'leftover_unreadable']) t.ok(valueOf(f, 'xarb_runs_folder_errors_total', { counter: c }) !== undefined, `${c} is a metric`);

  const left = JSON.parse(fs.readFileSync(path.join(runs, 'B', 'leftover.json'), 'utf8')) as { taken_fills?: string[]; not_adopted?: string[] };
  t.same(left.taken_fills, ['binance|BTCUSDT|old-1'], 'the run answered for the remembered buy');
  t.equal(left.not_adopted, undefined, 'handed to the strategy before the stop');
  t.ok(lines.some((l) => l['msg'] === 'venue ledger written at the clean stop'), 'logged');
  t.same(readLedgers(runs, accounts)[0]!.orphanFills, [], 'the clean stop wrote the ledger without it');
});
