/**
 * `xarb import bybit-public`: Bybit orderbook history (`<date>_<SYM>_ob500.data`, unzipped;
 * JSON lines identical to the WebSocket messages: a snapshot, then deltas) -> the same lines,
 * copied verbatim as frames. There is no local receive time in the data: `t` = the message's
 * `ts` (ms -> ns). Market: --market (default linear, the ob500 archives' market).
 */
import { ImportInputError, openLines } from './csv-lines.js';
import { importWriter, msToNs, type ImportOptions, type ImportResult } from './import-common.js';
import type { RecordingChannel } from './recording-writer.js';

export interface BybitImportOptions extends ImportOptions {
  market?: 'spot' | 'linear';
}

interface BybitMessage {
  topic?: unknown;
  ts?: unknown;
  data?: { s?: unknown };
}

export async function importBybitPublic(opts: BybitImportOptions): Promise<ImportResult> {
  const writer = importWriter(opts.outDir, 'bybit-public');
  const market = opts.market ?? 'linear';
  const want = opts.symbol?.toUpperCase();
  const channels = new Map<string, RecordingChannel>();
  const res: ImportResult = { frames: 0, snapshots: 0, skipped: 0, series: [] };
  let lineNo = 0;
  try {
    for await (const raw of openLines(opts.inFile)) {
      lineNo++;
      const line = raw.trim();
      if (line.length === 0) continue;
      let m: BybitMessage;
      try {
        m = JSON.parse(line) as BybitMessage;
      } catch {
        throw new ImportInputError(`${opts.inFile}:${lineNo}: not a JSON line`);
      }
      const topic = typeof m.topic === 'string' ? m.topic : '';
      const symbol = typeof m.data?.s === 'string' ? m.data.s.toUpperCase() : topic.slice(topic.lastIndexOf('.') + 1).toUpperCase();
      if (typeof m.ts !== 'number' || symbol === '' || (want !== undefined && symbol !== want)) {
        res.skipped++;
        continue;
      }
      let ch = channels.get(symbol);
      if (!ch) {
        ch = writer.channel('bybit', market, symbol, [topic]);
        channels.set(symbol, ch);
      }
      ch.frame(msToNs(m.ts), line);
      res.frames++;
    }
  } finally {
    await writer.close();
  }
  res.series = writer.seriesNames();
  return res;
}
