/**
 * Recorded events for the session-replay tests: the first EVENTS frames of a synthetic day,
 * each with a recorded receive time = its store time + a seeded feed lag of 0-40 ms (in
 * arrival order), as a paper session's recording would hold them.
 */
import path from 'node:path';
import { MergedRecording } from '../../src/data/recording-merge.js';
import { EV_FRAME } from '../../src/data/recording-reader.js';
import { dateStartMs } from '../../src/data/store.js';
import { dataFiles } from '../../src/backtest/run.js';
import { synthesize } from '../../src/backtest/synth.js';

export const DATE = '2026-03-02';
/** Events replayed (the first hours of the synthetic day). */
export const EVENTS = 40_000;

export interface Ev { venue: number; symbol: number; t: number; frame: Buffer | null; text: string }

export async function recordedEvents(dir: string, symbols: string[]): Promise<Ev[]> {
  const data = path.join(dir, 'data');
  await synthesize({ dataDir: data, symbols, startDate: DATE, endDate: DATE, rate: 0.5, seed: 11, dislocationEveryMs: 4000, fairStepMs: 200 });
  const merged = await MergedRecording.openSeries(dataFiles(data, symbols, DATE, DATE), { originMs: dateStartMs(DATE) });
  const out: Ev[] = [];
  let lcg = 12345;
  try {
    while (out.length < EVENTS) {
      let st = merged.nextSync();
      if (st === 0) st = await merged.next();
      if (st < 0) break;
      const r = merged.current!;
      const k = merged.currentIndex;
      const venue = Math.floor(k / symbols.length);
      // A recorded receive time is the exchange time plus the feed's lag (here 0-40 ms, seeded),
      // in arrival order: a replay that filled at exchange time would part from the paper executor.
      lcg = (lcg * 1103515245 + 12345) >>> 0;
      const lagNs = (lcg % 40_000) * 1000;
      const prev = out.length > 0 ? out[out.length - 1]!.t : 0;
      const recv = merged.currentTs + lagNs;
      out.push({
        venue, symbol: k - venue * symbols.length, t: recv > prev ? recv : prev,
        frame: r.kind === EV_FRAME ? Buffer.from(r.frame.subarray(0, r.frameLen)) : null, text: r.kind === EV_FRAME ? '' : r.snapshotText,
      });
    }
  } finally {
    merged.close();
  }
  return out;
}

