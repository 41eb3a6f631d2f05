/** Piscina worker: one sweep point = one backtest, returns its metrics (see sweep.ts). */
import { loadConfig } from '../config/index.js';
import { computePerformance, parseJournalText } from '../report/performance.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JOURNAL_FILE, runBacktest } from './run.js';
import { applyOverrides, type SweepMetrics, type SweepTask } from './sweep.js';

export default async function runPoint(t: SweepTask): Promise<SweepMetrics> {
  const config = applyOverrides(loadConfig(t.configPath, { mode: 'dry-run' }), t.overrides);
  const r = await runBacktest({
    config, configPath: t.configPath, startDate: t.startDate, endDate: t.endDate, dataDir: t.dataDir, runsDir: t.runsDir,
    runId: t.runId, book: t.book, latencyHlog: t.latencyHlog, seed: t.seed, progress: false, artifacts: false, events: t.events,
  });
  return metricsOf(r.runDir, t.runId, t.overrides, r.events);
}

export function metricsOf(runDir: string, runId: string, overrides: SweepTask['overrides'], events: number): SweepMetrics {
  const { entries } = parseJournalText(readFileSync(path.join(runDir, JOURNAL_FILE), 'utf8'));
  const p = computePerformance(entries);
  const s = p.strategyRatios;
  return {
    runId, overrides, strategyPnl: p.pnl.strategy, arbitragePnl: p.pnl.arbitrage, leggingPnl: p.pnl.legging, fees: p.pnl.fees,
    inventoryPnl: p.pnl.inventory, sharpe: s.sharpe, sortino: s.sortino, totalReturn: s.totalReturn, maxDrawdown: s.maxDrawdown,
    calmar: s.calmar, equitySharpe: p.equityRatios.sharpe, equityReturn: p.equityRatios.totalReturn,
    rounds: p.rounds.withFill, unfilledRounds: p.rounds.unfilled, winRate: p.winRate, events,
  };
}
