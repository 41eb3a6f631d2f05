/** Piscina worker: one sweep point = one backtest, returns its metrics (see sweep.ts). */
import { loadConfig } from '../config/index.js';
import { computePerformance, parseJournalText } from '../report/performance.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JOURNAL_FILE, runBacktest } from './run.js';
import { applyOverrides, type SweepMetrics, type SweepTask } from './sweep.js';
import { workerStart } from './sweep-decode.js';
import { startPhase, threadName, type SweepPhase } from './sweep-timings.js';

export default async function runPoint(t: SweepTask, phases?: SweepPhase[]): Promise<SweepMetrics> {
  const item = t.runId;
  let end = phases !== undefined ? startPhase('point backtest', threadName(), item) : null;
  const config = applyOverrides(loadConfig(t.configPath, { mode: 'dry-run' }), t.overrides);
  const r = await runBacktest({
    config, configPath: t.configPath, startDate: t.startDate, endDate: t.endDate, dataDir: t.dataDir, runsDir: t.runsDir,
    runId: t.runId, book: t.book, latencyHlog: t.latencyHlog, seed: t.seed, progress: false, artifacts: false, events: t.events,
  });
  if (end !== null) {
    phases!.push(end());
    end = startPhase('point metrics', threadName(), item);
  }
  const m = metricsOf(r.runDir, t.runId, t.overrides, r.events);
  if (end !== null) phases!.push(end());
  return m;
}

/** runPoint with its phases (runSweep's onTimings). */
export async function timedPoint(t: SweepTask): Promise<{ metrics: SweepMetrics; phases: SweepPhase[] }> {
  const phases = workerStart();
  const metrics = await runPoint(t, phases);
  return { metrics, phases };
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
