/**
 * A backtest's report period is the data it replayed (first event → last event), stated in
 * run_end.period; a --compare replay's is the session's run_start → run_end.
 */
import t from 'tap';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config/index.js';
import { dateStartMs } from '../../src/data/store.js';
import { readEventStore } from '../../src/backtest/event-store.js';
import { dataFiles, JOURNAL_FILE, reportPeriod, runBacktest } from '../../src/backtest/run.js';
import type { SessionSetup } from '../../src/backtest/session-replay.js';
import { synthesize } from '../../src/backtest/synth.js';
import { computePerformance, parseJournalText } from '../../src/report/performance.js';
import { SMALL_RATE, tempDir, writeConfig } from './helpers.js';

const DATE = '2024-01-01';
const SHIFT_MS = 6 * 3600_000 + 38 * 60_000;
const dir = tempDir();
const synth = path.join(dir, 'synth');
const data = path.join(dir, 'data');
const cfgPath = writeConfig(dir, data);
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.before(async () => {
  await synthesize({ dataDir: synth, symbols: ['BTCUSDT'], startDate: DATE, endDate: DATE, rate: SMALL_RATE, seed: 5, fairStepMs: 200 });
  // the same day recorded from 06:38: every file header's wall clock 6 h 38 min later
  for (const venue of ['binance', 'bybit']) {
    const rel = path.join(venue, 'spot', 'BTCUSDT', `${DATE}.jsonl.gz`);
    const lines = gunzipSync(readFileSync(path.join(synth, rel))).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]!) as { wall_ms: number };
    lines[0] = lines[0]!.replace(`"wall_ms":${header.wall_ms}`, `"wall_ms":${header.wall_ms + SHIFT_MS}`);
    mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
    writeFileSync(path.join(data, rel), gzipSync(lines.join('\n')));
  }
});

t.test('the period runs from the first replayed event to the last, streamed or from the shared store', async (t) => {
  const config = loadConfig(cfgPath, { mode: 'dry-run' });
  const store = await readEventStore(dataFiles(data, ['BTCUSDT'], DATE, DATE), dateStartMs(DATE));
  for (const [name, events] of [['streamed', undefined], ['store', store!]] as const) {
    const r = await runBacktest({ config, startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'runs'), runId: name, artifacts: false, events });
    const { entries } = parseJournalText(readFileSync(path.join(r.runDir, JOURNAL_FILE), 'utf8'));
    const end = entries.find((e) => e.type === 'run_end')!;
    const period = end['period'] as { from_ns: number; to_ns: number; basis: string };
    t.equal(period.basis, 'data', name);
    t.equal(period.from_ns, SHIFT_MS * 1e6, `${name}: from the first event (06:38), not from midnight`);
    t.ok(period.to_ns > period.from_ns + 20 * 3600e9 && period.to_ns <= end.ns, `${name}: to the last event`);
    const p = computePerformance(entries);
    t.equal(p.durationNs, period.to_ns - period.from_ns, `${name}: the report's duration is the period`);
    t.match(p.durationSource, /first event → last event/);
  }
});

t.test('a session replay is measured over the session', async (t) => {
  const startMs = dateStartMs(DATE);
  const session = { startWallMs: startMs + SHIFT_MS, endWallMs: startMs + SHIFT_MS + 25_000 } as SessionSetup;
  t.same(reportPeriod(SHIFT_MS * 1e6 + 5e6, SHIFT_MS * 1e6 + 24e9, startMs, session), { from_ns: SHIFT_MS * 1e6, to_ns: SHIFT_MS * 1e6 + 25e9, basis: 'session' });
  const crashed = { startWallMs: startMs + SHIFT_MS, endWallMs: null } as SessionSetup;
  t.same(reportPeriod(SHIFT_MS * 1e6 + 5e6, SHIFT_MS * 1e6 + 24e9, startMs, crashed), { from_ns: SHIFT_MS * 1e6, to_ns: SHIFT_MS * 1e6 + 24e9, basis: 'session' },
    'no run_end: to the last event');
  t.same(reportPeriod(NaN, 0, startMs), { from_ns: 0, to_ns: 0, basis: 'data' }, 'no data: an empty period');
});
