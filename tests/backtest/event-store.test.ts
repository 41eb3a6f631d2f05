import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { dateStartMs } from '../../src/data/store.js';
import { readEventStore } from '../../src/backtest/event-store.js';
import { dataFiles, JOURNAL_FILE, runBacktest } from '../../src/backtest/run.js';
import { synthesize } from '../../src/backtest/synth.js';
import { fileSha256, SMALL_RATE, tempDir, writeConfig } from './helpers.js';

const dir = tempDir();
const data = path.join(dir, 'data');
const cfgPath = writeConfig(dir, data);
const DATE = '2024-01-01';

t.before(async () => {
  await synthesize({ dataDir: data, symbols: ['BTCUSDT'], startDate: DATE, endDate: DATE, rate: SMALL_RATE, seed: 11, dislocationEveryMs: 60_000, fairStepMs: 100 });
});

t.test('a backtest replayed from the shared store writes the journal of the streamed one, in both book modes', async (t) => {
  const config = loadConfig(cfgPath, { mode: 'dry-run' });
  const series = dataFiles(data, ['BTCUSDT'], DATE, DATE);
  const store = await readEventStore(series, dateStartMs(DATE));
  t.ok(store !== null, 'small data fits');
  for (const book of ['depth', 'top'] as const) {
    const streamed = await runBacktest({ config, startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'runs'), runId: `s-${book}`, book, artifacts: false });
    const shared = await runBacktest({ config, startDate: DATE, endDate: DATE, runsDir: path.join(dir, 'runs'), runId: `m-${book}`, book, artifacts: false, events: store! });
    t.equal(shared.events, streamed.events, `${book}: same events`);
    t.equal(store!.count, streamed.events, `${book}: every event stored`);
    t.ok(readFileSync(path.join(streamed.runDir, JOURNAL_FILE), 'utf8').includes('"type":"round_closed"'), `${book}: the strategy traded`);
    // the run id is in run_start; everything after it must match byte for byte
    const body = (d: string) => readFileSync(path.join(d, JOURNAL_FILE), 'utf8').split('\n').slice(1).join('\n');
    t.equal(body(shared.runDir), body(streamed.runDir), `${book}: same journal`);
    t.same(shared.dataProblems, streamed.dataProblems);
  }
  t.not(fileSha256(path.join(dir, 'runs', 's-top', JOURNAL_FILE)), fileSha256(path.join(dir, 'runs', 's-depth', JOURNAL_FILE)), 'the book mode matters');
});

t.test('data estimated above the ceiling is not stored: the points stream their files', async (t) => {
  const series = dataFiles(data, ['BTCUSDT'], DATE, DATE);
  t.equal(await readEventStore(series, dateStartMs(DATE), 1000), null);
});
