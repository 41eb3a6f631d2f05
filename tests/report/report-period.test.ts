/**
 * The report period: a run that states one in run_end.period (a backtest: the data replayed;
 * a --compare replay: the session) is measured over it, not over run_start → run_end.
 */
import t from 'tap';
import { computePerformance, type JournalEntry } from '../../src/report/performance.js';
import { formatReportText } from '../../src/report/report-text.js';

const T0 = Date.UTC(2026, 11, 2);
const S = 1e9;
const H = 3600 * S;
function e(ns: number, type: string, fields: Record<string, unknown> = {}): JournalEntry {
  return { t: T0 + ns / 1e6, ns, type, ...fields };
}

/** A backtest of a 25 s session that starts at 06:38 on the day: run_start at 00:00 (ns 0). */
function sessionReplayJournal(period: Record<string, unknown> | undefined): JournalEntry[] {
  const from = 6 * H + 38 * 60 * S;
  const out: JournalEntry[] = [e(0, 'run_start', { mode: 'backtest', run_id: 'replay', symbols: ['BTCUSDT'], venues: ['binance', 'bybit'], start_equity: 1000, config: {} })];
  // equity marks every second of the session; a win of 1 at +5 s and +15 s
  for (let s = 0; s <= 25; s++) out.push(e(from + s * S, 'equity', { equity: 1000 + (s >= 15 ? 2 : s >= 5 ? 1 : 0) }));
  out.push(e(from + 30 * S, 'run_end', { reason: 'end of data', end_equity: 1002, ...(period !== undefined ? { period } : {}) }));
  return out;
}

t.test('a stated period is the duration, and the ratios are computed over it alone', async (t) => {
  const from = 6 * H + 38 * 60 * S;
  const p = computePerformance(sessionReplayJournal({ from_ns: from, to_ns: from + 25 * S, basis: 'session' }));
  t.equal(p.durationNs, 25 * S, '25 s, not 06:38:55');
  t.match(p.durationSource, /session/);
  t.same(p.period, { fromNs: from, toNs: from + 25 * S, fromWallMs: T0 + from / 1e6, toWallMs: T0 + (from + 25 * S) / 1e6 });
  t.equal(p.equityRatios.periodSec, 1, 'returns per second over the 25 s (not per minute over 6 h of nothing)');
  t.equal(p.equityRatios.sharpe, null, 'no Sharpe from 25 s');
  t.match(p.equityRatios.ratioNote ?? '', /shorter than 1 h/);
  t.equal(p.equityRatios.totalReturn, 0.002);
  const text = formatReportText(p);
  t.match(text, /duration 25 s \(the replayed session/);
  t.match(text, /period 2026-12-02T06:38:00\.000Z → 2026-12-02T06:38:25\.000Z/);

  const data = computePerformance(sessionReplayJournal({ from_ns: from, to_ns: from + 25 * S, basis: 'data' }));
  t.match(data.durationSource, /first event → last event/);
});

t.test('without a stated period: run_start → run_end, as before', async (t) => {
  const p = computePerformance(sessionReplayJournal(undefined));
  t.equal(p.durationNs, 6 * H + 38 * 60 * S + 30 * S);
  t.match(p.durationSource, /run_start → run_end/);
  t.equal(p.equityRatios.periodSec, 60, 'the empty hours counted: per-minute returns');
});
