import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MergedRecording } from '../../src/data/recording-merge.js';
import { RecordingWriter } from '../../src/data/recording-writer.js';
import { pathFor } from '../../src/data/store.js';

const NOON = Date.UTC(2024, 2, 1, 12);

t.test('k-way merge yields every event of every file in local receive order', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-merge-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const w = new RecordingWriter({ dataDir: dir, source: 'record', anchor: { monoNs: 1e12, wallMs: NOON } });
  const a = w.channel('binance', 'spot', 'BTCUSDT');
  const b = w.channel('bybit', 'spot', 'BTCUSDT');
  const c = w.channel('bybit', 'spot', 'ETHUSDT');
  const expected: string[] = [];
  // interleave three series, with ties and long runs from one file
  const times: [typeof a, number][] = [];
  for (let i = 0; i < 3000; i++) times.push([[a, b, c][(i * 7) % 3]!, 1e12 + 1000 + Math.floor(i / 2) * 10]);
  for (const [ch, tt] of times) {
    ch.frame(tt, `${ch.venue}/${ch.symbol}@${tt}`);
  }
  await w.close();
  const files = [pathFor(dir, 'binance', 'spot', 'BTCUSDT', '2024-03-01'), pathFor(dir, 'bybit', 'spot', 'BTCUSDT', '2024-03-01'), pathFor(dir, 'bybit', 'spot', 'ETHUSDT', '2024-03-01')];
  const m = await MergedRecording.open(files);
  const seen: { ts: number; text: string }[] = [];
  while ((await m.next()) > 0) seen.push({ ts: m.current!.ts, text: m.current!.text });
  m.close();
  for (const [ch, tt] of times) expected.push(`${ch.venue}/${ch.symbol}@${tt}`);
  t.equal(seen.length, 3000);
  let ordered = true;
  for (let i = 1; i < seen.length; i++) if (seen[i]!.ts < seen[i - 1]!.ts) ordered = false;
  t.ok(ordered, 'non-decreasing ts');
  t.same(seen.map((s) => s.text).sort(), expected.sort(), 'nothing lost or duplicated');
  t.equal(m.wallOfTs(seen[0]!.ts), NOON + 0.001, 'ts converts back to UTC');
});
