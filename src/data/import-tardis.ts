/**
 * `xarb import tardis`: Tardis.dev CSV (VENUES.md E; µs timestamps; `local_timestamp` -> `t`)
 * into the target venue's own wire format, so the venue parsers and book syncs replay it.
 * The data type is told by the header:
 *
 * incremental_book_L2 (`exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount`)
 *   Rows with the same (symbol, timestamp, local_timestamp, is_snapshot) form one message.
 *   Rows before a symbol's first snapshot are skipped. Update ids are assigned here, per symbol:
 *   - Binance: a run of snapshot rows -> one REST-snapshot line
 *     {"lastUpdateId":L,"bids":[[p,q]…],"asks":[…]} (+"E","T" on futures); each later message ->
 *     a depthUpdate frame. The first frame after a snapshot has U=L, u=L+1 (it straddles L, as
 *     both the spot and the futures rule require); later ones U=u=previous u+1, pu=previous u.
 *   - Bybit: a snapshot run -> an `orderbook.<D>.<SYM>` "snapshot" frame, later messages ->
 *     "delta" frames, u and seq = previous u + 1 (D = 500 linear, 200 spot).
 * book_snapshot_N (`…,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,…`)
 *   - Binance: partial depth, combined form {"stream":"<sym>@depth<N>","data":{"lastUpdateId",
 *     "bids","asks"}}; Bybit: `orderbook.50.<SYM>` "snapshot" frames (every row resets the book).
 * quotes (`…,ask_amount,ask_price,bid_price,bid_amount`)
 *   - Binance: bookTicker (futures form with e/E/T for binance-futures, spot form otherwise);
 *     Bybit: `orderbook.1.<SYM>` snapshots.
 * Exchanges: binance -> binance/spot, binance-futures -> binance/linear, bybit -> bybit/linear,
 * bybit-spot -> bybit/spot. Exchange times are µs -> ms (floor) in the frames.
 */
import { column, ImportInputError, openLines, splitCsv } from './csv-lines.js';
import { importWriter, usToNs, type ImportOptions, type ImportResult } from './import-common.js';
import type { RecordingChannel, RecordingWriter } from './recording-writer.js';

interface Target {
  venue: 'binance' | 'bybit';
  market: 'spot' | 'linear';
}

const EXCHANGES: Record<string, Target> = {
  binance: { venue: 'binance', market: 'spot' },
  'binance-futures': { venue: 'binance', market: 'linear' },
  bybit: { venue: 'bybit', market: 'linear' },
  'bybit-spot': { venue: 'bybit', market: 'spot' },
};

export type TardisKind = 'incremental_book_L2' | 'book_snapshot' | 'quotes';

export function tardisKind(header: string[]): TardisKind | null {
  if (header.includes('is_snapshot')) return 'incremental_book_L2';
  if (header.includes('asks[0].price')) return 'book_snapshot';
  if (header.includes('ask_price') && header.includes('bid_price')) return 'quotes';
  return null;
}

function targetOf(exchange: string, file: string): Target {
  const t = EXCHANGES[exchange];
  if (!t) throw new ImportInputError(`${file}: exchange "${exchange}" is not supported (known: ${Object.keys(EXCHANGES).join(', ')})`);
  return t;
}

const msOf = (us: number): number => Math.floor(us / 1000);
const lv = (p: string, q: string): string => '["' + p + '","' + q + '"]';

/** Per-symbol output state shared by the three data types. */
class Series {
  seq = 1000; // Bybit treats u = 1 as a service-restart reset: stay clear of it
  synced = false;
  afterSnapshot = false;
  lastU = 0;
  constructor(
    readonly ch: RecordingChannel,
    readonly target: Target,
    readonly symbol: string,
  ) {}
}

/** The columns every Tardis CSV kind has. */
interface BaseColumns {
  ex: number;
  sym: number;
  /** Exchange time, µs. */
  ts: number;
  /** Local receive time, µs. */
  local: number;
}

function baseColumns(header: string[], file: string): BaseColumns {
  return { ex: column(header, 'exchange', file), sym: column(header, 'symbol', file), ts: column(header, 'timestamp', file), local: column(header, 'local_timestamp', file) };
}

class TardisImporter {
  readonly res: ImportResult = { frames: 0, snapshots: 0, skipped: 0, series: [] };
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly writer: RecordingWriter,
    private readonly file: string,
    private readonly want: string | undefined,
  ) {}

  /** The series of a row, or null when --symbol filters it out. */
  seriesFor(exchange: string, symbolRaw: string, streams: (t: Target, sym: string) => string[]): Series | null {
    const symbol = symbolRaw.toUpperCase();
    if (this.want !== undefined && symbol !== this.want) return null;
    const key = exchange + '|' + symbol;
    let s = this.series.get(key);
    if (!s) {
      const target = targetOf(exchange, this.file);
      s = new Series(this.writer.channel(target.venue, target.market, symbol, streams(target, symbol)), target, symbol);
      this.series.set(key, s);
    }
    return s;
  }

  /**
   * Calls onRow with the cells and series of every non-empty data row; rows that --symbol
   * filters out are counted as skipped.
   */
  async eachRow(lines: AsyncIterator<string>, cols: BaseColumns, streams: (t: Target, sym: string) => string[],
    onRow: (c: string[], s: Series) => void): Promise<void> {
    for (;;) {
      const r = await lines.next();
      if (r.done) return;
      if (r.value.length === 0) continue;
      const c = splitCsv(r.value);
      const s = this.seriesFor(c[cols.ex]!, c[cols.sym]!, streams);
      if (s === null) this.res.skipped++;
      else onRow(c, s);
    }
  }

  frame(s: Series, tNs: number, text: string): void {
    s.ch.frame(tNs, text);
    this.res.frames++;
  }

  snapshotLine(s: Series, tNs: number, text: string): void {
    s.ch.snapshot(tNs, text, 'tardis:incremental_book_L2');
    this.res.snapshots++;
  }
}

const bybitDepth = (t: Target): number => (t.market === 'linear' ? 500 : 200);

function bybitBook(topic: string, type: string, exMs: number, symbol: string, bids: string[], asks: string[], u: number): string {
  return '{"topic":"' + topic + '","type":"' + type + '","ts":' + exMs + ',"data":{"s":"' + symbol + '","b":[' + bids.join(',') + '],"a":[' +
    asks.join(',') + '],"u":' + u + ',"seq":' + u + '},"cts":' + exMs + '}';
}

// ---- incremental_book_L2 ----------------------------------------------------------------------

interface L2Group {
  s: Series;
  ts: number;
  local: number;
  snapshot: boolean;
  bids: string[];
  asks: string[];
}

function emitL2(imp: TardisImporter, g: L2Group): void {
  const s = g.s;
  const t = s.target;
  const exMs = msOf(g.ts);
  const tNs = usToNs(g.local);
  if (g.snapshot) {
    const L = ++s.seq;
    s.synced = true;
    s.afterSnapshot = true;
    s.lastU = L;
    if (t.venue === 'binance') {
      const times = t.market === 'linear' ? ',"E":' + exMs + ',"T":' + exMs : '';
      imp.snapshotLine(s, tNs, '{"lastUpdateId":' + L + times + ',"bids":[' + g.bids.join(',') + '],"asks":[' + g.asks.join(',') + ']}');
    } else {
      imp.frame(s, tNs, bybitBook('orderbook.' + bybitDepth(t) + '.' + s.symbol, 'snapshot', exMs, s.symbol, g.bids, g.asks, L));
    }
    return;
  }
  const u = ++s.seq;
  if (t.venue === 'binance') {
    const first = s.afterSnapshot ? s.lastU : u;
    const fut = t.market === 'linear';
    const text = '{"stream":"' + s.symbol.toLowerCase() + '@depth@0ms","data":{"e":"depthUpdate","E":' + exMs + (fut ? ',"T":' + exMs : '') +
      ',"s":"' + s.symbol + '","U":' + first + ',"u":' + u + (fut ? ',"pu":' + s.lastU : '') + ',"b":[' + g.bids.join(',') + '],"a":[' + g.asks.join(',') + ']}}';
    imp.frame(s, tNs, text);
  } else {
    imp.frame(s, tNs, bybitBook('orderbook.' + bybitDepth(t) + '.' + s.symbol, 'delta', exMs, s.symbol, g.bids, g.asks, u));
  }
  s.afterSnapshot = false;
  s.lastU = u;
}

async function importL2(imp: TardisImporter, lines: AsyncIterator<string>, header: string[], file: string): Promise<void> {
  const cols = baseColumns(header, file);
  const cSnap = column(header, 'is_snapshot', file);
  const cSide = column(header, 'side', file);
  const cPx = column(header, 'price', file);
  const cAmt = column(header, 'amount', file);
  const streams = (t: Target, sym: string): string[] => [t.venue === 'binance' ? sym.toLowerCase() + '@depth@0ms' : 'orderbook.' + bybitDepth(t) + '.' + sym];
  let g: L2Group | null = null;
  await imp.eachRow(lines, cols, streams, (c, s) => {
    const ts = Number(c[cols.ts]);
    const local = Number(c[cols.local]);
    const snapshot = c[cSnap] === 'true';
    // one message = consecutive rows of one series and instant; a snapshot run is one snapshot
    const same = g !== null && g.s === s && g.snapshot === snapshot && (snapshot || (g.ts === ts && g.local === local));
    if (!same) {
      if (g !== null) emitL2(imp, g);
      g = null;
      if (!snapshot && !s.synced) {
        imp.res.skipped++; // before the first snapshot
        return;
      }
      g = { s, ts, local, snapshot, bids: [], asks: [] };
    }
    const side = c[cSide];
    const level = lv(c[cPx]!, c[cAmt]!);
    if (side === 'bid') g!.bids.push(level);
    else if (side === 'ask') g!.asks.push(level);
    else imp.res.skipped++;
  });
  if (g !== null) emitL2(imp, g);
}

// ---- book_snapshot_N -------------------------------------------------------------------------

async function importBookSnapshot(imp: TardisImporter, lines: AsyncIterator<string>, header: string[], file: string): Promise<void> {
  const cols = baseColumns(header, file);
  let n = 0;
  while (header.includes(`asks[${n}].price`)) n++;
  const levelCols = (side: string): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([column(header, `${side}[${i}].price`, file), column(header, `${side}[${i}].amount`, file)]);
    return out;
  };
  const askCols = levelCols('asks');
  const bidCols = levelCols('bids');
  const streams = (t: Target, sym: string): string[] => [t.venue === 'binance' ? sym.toLowerCase() + '@depth' + n : 'orderbook.50.' + sym];
  await imp.eachRow(lines, cols, streams, (c, s) => {
    const levels = (which: [number, number][]): string[] => {
      const out: string[] = [];
      for (const [p, q] of which) if (c[p] !== undefined && c[p] !== '' && c[q] !== '') out.push(lv(c[p]!, c[q]!));
      return out;
    };
    const bids = levels(bidCols);
    const asks = levels(askCols);
    const u = ++s.seq;
    const exMs = msOf(Number(c[cols.ts]));
    const tNs = usToNs(Number(c[cols.local]));
    if (s.target.venue === 'binance') {
      imp.frame(s, tNs, '{"stream":"' + s.symbol.toLowerCase() + '@depth' + n + '","data":{"lastUpdateId":' + u + ',"bids":[' + bids.join(',') + '],"asks":[' + asks.join(',') + ']}}');
    } else {
      imp.frame(s, tNs, bybitBook('orderbook.50.' + s.symbol, 'snapshot', exMs, s.symbol, bids, asks, u));
    }
  });
}

// ---- quotes ----------------------------------------------------------------------------------

async function importQuotes(imp: TardisImporter, lines: AsyncIterator<string>, header: string[], file: string): Promise<void> {
  const cols = baseColumns(header, file);
  const cAq = column(header, 'ask_amount', file);
  const cAp = column(header, 'ask_price', file);
  const cBp = column(header, 'bid_price', file);
  const cBq = column(header, 'bid_amount', file);
  const streams = (t: Target, sym: string): string[] => [t.venue === 'binance' ? sym.toLowerCase() + '@bookTicker' : 'orderbook.1.' + sym];
  await imp.eachRow(lines, cols, streams, (c, s) => {
    const bp = c[cBp]!;
    const bq = c[cBq]!;
    const ap = c[cAp]!;
    const aq = c[cAq]!;
    const u = ++s.seq;
    const exMs = msOf(Number(c[cols.ts]));
    const tNs = usToNs(Number(c[cols.local]));
    if (s.target.venue === 'binance') {
      if (bp === '' || ap === '') {
        imp.res.skipped++; // bookTicker always has both sides
        return;
      }
      const head = s.target.market === 'linear' ? '{"e":"bookTicker","u":' : '{"u":';
      const tail = s.target.market === 'linear' ? ',"T":' + exMs + ',"E":' + exMs + '}' : '}';
      imp.frame(s, tNs, '{"stream":"' + s.symbol.toLowerCase() + '@bookTicker","data":' + head + u + ',"s":"' + s.symbol + '","b":"' + bp + '","B":"' + bq +
        '","a":"' + ap + '","A":"' + aq + '"' + tail + '}');
    } else {
      imp.frame(s, tNs, bybitBook('orderbook.1.' + s.symbol, 'snapshot', exMs, s.symbol, bp === '' ? [] : [lv(bp, bq)], ap === '' ? [] : [lv(ap, aq)], u));
    }
  });
}

export async function importTardis(opts: ImportOptions): Promise<ImportResult> {
  const lines = openLines(opts.inFile)[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new ImportInputError(`${opts.inFile}: empty file`);
  const header = splitCsv(first.value);
  const kind = tardisKind(header);
  if (kind === null) {
    throw new ImportInputError(`${opts.inFile}: not a Tardis incremental_book_L2, book_snapshot_N or quotes CSV (header: ${first.value.slice(0, 120)})`);
  }
  const writer = importWriter(opts.outDir, 'tardis');
  const imp = new TardisImporter(writer, opts.inFile, opts.symbol?.toUpperCase());
  try {
    if (kind === 'incremental_book_L2') await importL2(imp, lines, header, opts.inFile);
    else if (kind === 'book_snapshot') await importBookSnapshot(imp, lines, header, opts.inFile);
    else await importQuotes(imp, lines, header, opts.inFile);
  } finally {
    await writer.close();
  }
  imp.res.series = writer.seriesNames();
  return imp.res;
}
