/**
 * The supervisor in-process with real threads against the simulator: a crashed feed worker is
 * restarted without touching the strategy's state, and shutdown is orderly.
 */
import t from 'tap';
import { until } from '../helpers/until.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, applySimProfile } from '../../src/config/index.js';
import { createLogger } from '../../src/core/log.js';
import { startSimulator, simSymbolFilters } from '../../src/sim/index.js';
import { Supervisor } from '../../src/actors/supervisor.js';
import type { VenueFilters } from '../../src/strategy/config.js';
import { REPO_ROOT } from '../helpers/paths.js';

type Status = { actors: Record<string, { alive: boolean; restarts: number; stats?: Record<string, number> }> };


t.test('a crashed feed worker is restarted; the strategy keeps its state; shutdown is orderly', async (t) => {
  const sim = await startSimulator({ seed: 3, symbols: ['BTCUSDT'], ratePerVenue: 2000, dislocationEveryMs: 0 });
  let cfg = loadConfig(path.join(REPO_ROOT, 'config/arbitrage.toml'), { mode: 'dry-run', env: {} });
  cfg = applySimProfile(cfg, '127.0.0.1', { binance: sim.ports.binance, bybit: sim.ports.bybit });
  cfg = { ...cfg, monitor: { ...cfg.monitor, enabled: false }, log: { ...cfg.log, level: 'silent' } };
  const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'xarb-sup-')), 'run');
  const sup = new Supervisor({
    config: cfg, runId: 'sup-test', runDir, filters: simSymbolFilters(['BTCUSDT']) as unknown as VenueFilters,
    log: createLogger({ level: 'silent', pretty: false }), durationMs: 0, statusLine: false, seed: 1,
  });
  const done = sup.run();
  const status = () => sup.statusObject() as Status;
  try {
    const usable = () => status().actors['feed:binance']?.stats?.usable_books === 1 && status().actors['feed:bybit']?.stats?.usable_books === 1;
    t.ok(await until(usable, 15_000), 'both feeds synced');
    t.ok(await until(() => (status().actors.strategy?.stats?.quotes ?? 0) > 50, 10_000), 'strategy receives quotes');
    const quotesBefore = status().actors.strategy!.stats!.quotes!;
    t.equal(await sup.terminateActor('feed:binance'), true, 'binance feed thread killed');
    t.ok(await until(() => status().actors['feed:binance']!.restarts === 1 && status().actors['feed:binance']!.alive, 10_000), 'restarted once');
    t.ok(await until(() => status().actors['feed:binance']?.stats?.usable_books === 1, 15_000), 'restarted feed synced again');
    t.ok(await until(() => status().actors.strategy!.stats!.quotes! > quotesBefore + 100, 10_000),
      `strategy kept counting from ${quotesBefore} (its state survived the feed restart)`);
    t.equal(status().actors.strategy!.restarts, 0, 'strategy untouched');
    t.equal(status().actors['feed:bybit']!.restarts, 0, 'other feed untouched');
  } finally {
    await sup.shutdown('test over');
    const result = await done;
    await sim.stop();
    t.equal(result.exitCode, 0);
    t.equal(result.reason, 'test over');
  }
  const lines = readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines[0].type, 'run_start');
  t.equal(lines[lines.length - 1].type, 'run_end');
  const exits = lines.filter((l) => l.type === 'risk' && l.rule === 'actor_exit');
  t.equal(exits.length, 1, 'the feed exit is journaled');
  t.equal(exits[0]?.action, 'restart');
});
