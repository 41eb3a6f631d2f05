import t from 'tap';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { dateStartMs } from '../../src/data/store.js';
import { decodeStorePart, readEventStore, replayEventStore, type StorePartTask } from '../../src/backtest/event-store.js';
import { MergedRecording } from '../../src/data/recording-merge.js';
import { frameLine, headerLine, snapshotLine } from '../../src/data/store.js';
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

t.test('a range of several days with damaged files, decoded file by file in any order, replays as the streamed run', async (t) => {
  const data2 = path.join(dir, 'data-damaged');
  const cfg2 = writeConfig(dir, data2);
  const END = '2024-01-02';
  await synthesize({ dataDir: data2, symbols: ['BTCUSDT'], startDate: DATE, endDate: END, rate: SMALL_RATE, seed: 12, dislocationEveryMs: 60_000, fairStepMs: 100 });
  const series = dataFiles(data2, ['BTCUSDT'], DATE, END);
  t.same(series.map((s) => s.length), [2, 2], 'two series of two day files');
  // binance's second day: an unreadable line in the middle; bybit's first day: cut short
  const [b2, y1] = [series[0]![1]!, series[1]![0]!];
  const lines = gunzipSync(readFileSync(b2)).toString('utf8').split('\n');
  lines.splice(lines.length >> 1, 0, '{"t":12,"f":');
  writeFileSync(b2, gzipSync(lines.join('\n')));
  const gz = readFileSync(y1);
  writeFileSync(y1, gz.subarray(0, gz.length - 2000));

  const config = loadConfig(cfg2, { mode: 'dry-run' });
  // the parts decoded last file first, as a pool may finish them
  const reversed = async (task: StorePartTask) => {
    await new Promise((r) => setTimeout(r, task.series === 0 ? 30 : 0));
    return decodeStorePart(task);
  };
  const store = await readEventStore(series, dateStartMs(DATE), undefined, reversed);
  t.ok(store !== null);
  t.equal(store!.parts.length, 4, 'one part per file');
  const streamed = await runBacktest({ config, startDate: DATE, endDate: END, runsDir: path.join(dir, 'runs'), runId: 'dmg-s', artifacts: false });
  const shared = await runBacktest({ config, startDate: DATE, endDate: END, runsDir: path.join(dir, 'runs'), runId: 'dmg-m', artifacts: false, events: store! });
  t.equal(streamed.dataProblems.length, 2, 'both damages reported by the streamed run');
  t.match(streamed.dataProblems[0], /2024-01-02\.jsonl\.gz: unreadable line.*\(1 unreadable line skipped\)/);
  t.match(streamed.dataProblems[1], /2024-01-01\.jsonl\.gz: truncated/);
  t.same(shared.dataProblems, streamed.dataProblems, 'the same damage, in the same words');
  t.equal(shared.events, streamed.events);
  const body = (d: string) => readFileSync(path.join(d, JOURNAL_FILE), 'utf8').split('\n').slice(1).join('\n');
  t.equal(body(shared.runDir), body(streamed.runDir), 'same journal over both days');
});

t.test('a file a part cannot decode on its own declines the store: the points stream and meet what a backtest meets', async (t) => {
  const data3 = path.join(dir, 'data-headerless');
  await synthesize({ dataDir: data3, symbols: ['BTCUSDT'], startDate: DATE, endDate: DATE, rate: SMALL_RATE, seed: 13 });
  const series = dataFiles(data3, ['BTCUSDT'], DATE, DATE);
  const f = series[1]![0]!;
  writeFileSync(f, gzipSync(gunzipSync(readFileSync(f)).toString('utf8').split('\n').slice(1).join('\n')));
  t.equal(await readEventStore(series, dateStartMs(DATE)), null);
});

t.test('the store hands the events over in MergedRecording order: a series\' files in turn, the earliest first, ties to the first series', async (t) => {
  const d = path.join(dir, 'order');
  mkdirSync(d, { recursive: true });
  const wall = Date.UTC(2024, 0, 1);
  const file = (name: string, lines: string[]): string => {
    const f = path.join(d, name);
    writeFileSync(f, gzipSync(lines.join('')));
    return f;
  };
  const head = (venue: string) => headerLine({ t: 0, wall_ms: wall, venue, market: 'spot', symbol: 'BTCUSDT', streams: [], source: 'record' });
  // series 0: two files; series 1: one file, out of order inside, ties with series 0
  const series = [
    [file('a1.jsonl.gz', [head('binance'), frameLine(100, 'A1'), frameLine(300, 'A2')]), file('a2.jsonl.gz', [head('binance'), frameLine(250, 'A3'), snapshotLine(400, 'S', 'u')])],
    [file('b1.jsonl.gz', [head('bybit'), frameLine(100, 'B1'), frameLine(300, 'B2'), frameLine(200, 'B0')])],
  ];
  const expected: string[] = [];
  const merged = await MergedRecording.openSeries(series, { originMs: wall });
  while ((await merged.next()) > 0) expected.push(`${merged.currentIndex}:${merged.currentTs}:${merged.current!.text}`);
  merged.close();
  const got: string[] = [];
  const store = await readEventStore(series, wall);
  replayEventStore(store!, {
    frame: (k, ts, buf, len) => got.push(`${k}:${ts}:${buf.toString('utf8', 0, len)}`),
    snapshot: (k, ts, text) => got.push(`${k}:${ts}:${text}`),
  });
  t.same(got, expected);
  t.same(got, ['0:100:A1', '1:100:B1', '0:300:A2', '0:250:A3', '1:300:B2', '1:200:B0', '0:400:S'], 'the order spelled out');
});
