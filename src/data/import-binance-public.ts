/**
 * `xarb import binance-public`: Binance public-data USD-M `bookTicker` CSV
 * (`update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time`,
 * times in ms; a file without the header row is read in that column order) -> Binance USD-M
 * bookTicker frames in the combined-stream form, market `linear`:
 *   {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":<update_id>,"s":"BTCUSDT",
 *    "b":"<bid>","B":"<bid qty>","a":"<ask>","A":"<ask qty>","T":<transaction_time>,"E":<event_time>}}
 * The data set has no local receive time: `t` = event_time (ms -> ns).
 * The symbol comes from --symbol or the file name (`BTCUSDT-bookTicker-2024-03-01.csv`).
 */
import path from 'node:path';
import { column, ImportInputError, openLines, splitCsv } from './csv-lines.js';
import { importWriter, msToNs, type ImportOptions, type ImportResult } from './import-common.js';

const COLUMNS = ['update_id', 'best_bid_price', 'best_bid_qty', 'best_ask_price', 'best_ask_qty', 'transaction_time', 'event_time'];

export function symbolFromFileName(file: string): string | undefined {
  const m = /^([A-Z0-9]+)-bookTicker-/i.exec(path.basename(file));
  return m ? m[1]!.toUpperCase() : undefined;
}

export async function importBinancePublic(opts: ImportOptions): Promise<ImportResult> {
  const input = openLines(opts.inFile); // first: a .zip is refused before anything else
  const symbol = (opts.symbol ?? symbolFromFileName(opts.inFile))?.toUpperCase();
  if (!symbol) throw new ImportInputError(`${opts.inFile}: cannot tell the symbol from the file name; pass --symbol`);
  const writer = importWriter(opts.outDir, 'binance-public');
  const stream = symbol.toLowerCase() + '@bookTicker';
  const ch = writer.channel('binance', 'linear', symbol, [stream]);
  const prefix = '{"stream":"' + stream + '","data":{"e":"bookTicker","u":';
  const res: ImportResult = { frames: 0, snapshots: 0, skipped: 0, series: [] };
  let idx: number[] | null = null;
  try {
    for await (const line of input) {
      if (line.length === 0) continue;
      const cells = splitCsv(line);
      if (idx === null) {
        if (/^\d/.test(cells[0]!)) {
          idx = COLUMNS.map((_, i) => i); // no header row: the documented order
        } else {
          idx = COLUMNS.map((c) => column(cells, c, opts.inFile));
          continue;
        }
      }
      const [u, b, bq, a, aq, tt, et] = idx.map((i) => cells[i] ?? '');
      const eventMs = Number(et);
      if (!/^\d+$/.test(u!) || !Number.isFinite(eventMs) || !b || !a) {
        res.skipped++;
        continue;
      }
      const frame = prefix + u + ',"s":"' + symbol + '","b":"' + b + '","B":"' + bq + '","a":"' + a + '","A":"' + aq + '","T":' + Number(tt) + ',"E":' + eventMs + '}}';
      ch.frame(msToNs(eventMs), frame);
      res.frames++;
    }
  } finally {
    await writer.close();
  }
  res.series = writer.seriesNames();
  return res;
}
