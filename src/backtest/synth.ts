/**
 * Synthetic market data for backtests: the simulator's MarketGenerator, written into the
 * market-data store (src/data/store.ts) as the recorder would have written the venues' wire
 * frames. Per (venue, symbol, UTC day) one `<data>/<venue>/spot/<SYMBOL>/<date>.jsonl.gz`:
 *
 *   binance  REST depth snapshot line at 00:00, then combined-stream frames
 *            `<sym>@bookTicker` (every change of the touch) and `<sym>@depth@100ms`
 *            (diff depth, flushed on a 100 ms grid), update ids continuous across days
 *   bybit    `orderbook.50.<SYM>` snapshot at 00:00 then deltas on a 20 ms grid, and
 *            `orderbook.1.<SYM>` snapshots on every change of the touch (spot formatting)
 *
 * `t` is epoch ns (like imports), the header anchors it (wall_ms = t / 1e6). Deterministic:
 * same arguments, same bytes (seeded generator, sorted level output, fixed gzip chunking).
 * The frame formatting follows src/sim's personalities (Binance 8-decimal strings, Bybit
 * shortest form), reusing the simulator's book mirror, depth window and level writers.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MarketGenerator } from '../sim/market-generator.js';
import { UpdateBatch } from '../sim/update-batch.js';
import { BookMirror } from '../sim/book-mirror.js';
import { DepthView } from '../sim/depth-view.js';
import { ChangeWriter, levelsJson, type UnitFormatter } from '../sim/level-writer.js';
import { formatPadded, formatShortest } from '../sim/decimal-format.js';
import { VENUE_BINANCE, VENUE_BYBIT } from '../sim/instruments.js';
import { MS_PER_DAY, dateStartMs, datesBetween, headerLine, pathFor } from '../data/store.js';
import { epochNsText } from '../data/store-line.js';

export interface SynthOptions {
  dataDir: string;
  symbols: readonly string[];
  startDate: string;
  endDate: string;
  /** Book updates per second per venue (all symbols together). Default 5 (about 50 MB per symbol-day). */
  rate?: number;
  seed?: number;
  /** Levels per side of the generated books (Bybit stream depth is 50). Default 50. */
  depthLevels?: number;
  /** Mean ms between random dislocations (0 = none). Default 20000. */
  dislocationEveryMs?: number;
  /** Fair-price step of the generator, ms (default the simulator's 10; larger is faster to write). */
  fairStepMs?: number;
  /** Called after each day is written. */
  onDay?: (date: string, files: string[]) => void;
}

export interface SynthResult {
  files: string[];
  bytes: number;
  updates: number;
}

/** Default book updates per second per venue. */
export const DEFAULT_SYNTH_RATE = 5;

const GZIP_CHUNK = 1 << 20; // uncompressed bytes per gzip member: fixed, so output is deterministic
const BINANCE_DIFF_MS = 100;
const BYBIT_DEPTH = 50;
const BYBIT_PUSH_MS = 20;
const EPS_MS = 1e-6;

const fmt8: UnitFormatter = (u, d) => formatPadded(u, d, 8);
const fmtSpot: UnitFormatter = formatShortest;

/** A day file written as a run of gzip members (gunzip reads them as one stream). */
class DayFile {
  private fd: number;
  private pending = '';
  bytes = 0;
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }
  line(s: string): void {
    this.pending += s;
    if (this.pending.length >= GZIP_CHUNK) this.flush();
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    const gz = gzipSync(Buffer.from(this.pending, 'utf8'));
    writeSync(this.fd, gz);
    this.bytes += gz.length;
    this.pending = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function frame(t: string, text: string): string {
  return '{"t":' + t + ',"f":' + JSON.stringify(text) + '}\n';
}

class BinanceSymbol {
  updateId: number;
  firstPending = 0;
  flushAt = 0;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  readonly lower: string;
  file: DayFile | null = null;
  constructor(readonly symbol: string, readonly book: BookMirror, firstId: number) {
    this.updateId = firstId;
    this.lower = symbol.toLowerCase();
  }
}

class BybitSymbol {
  seq: number;
  u1: number;
  u50: number;
  flushAt = 0;
  lastUpdateWall = 0;
  readonly view: DepthView;
  file: DayFile | null = null;
  constructor(readonly symbol: string, readonly book: BookMirror, index: number) {
    this.seq = 19_000_000_000 + index * 1_000_000_000;
    this.u1 = 2_000_000 + index * 100_000;
    this.u50 = 1_000_000 + index * 100_000;
    this.view = new DepthView(BYBIT_DEPTH, book.bids, book.asks);
  }
}

export async function synthesize(o: SynthOptions): Promise<SynthResult> {
  const dates = datesBetween(o.startDate, o.endDate);
  const rate = o.rate ?? DEFAULT_SYNTH_RATE;
  const gen = new MarketGenerator({
    seed: o.seed ?? 1, symbols: o.symbols, updatesPerSecond: rate, depthLevels: o.depthLevels ?? 50,
    dislocationEveryMs: o.dislocationEveryMs ?? 20_000, ...(o.fairStepMs !== undefined ? { fairStepMs: o.fairStepMs } : {}),
  });
  const symbols = gen.symbols;
  const bin = symbols.map((s, i) => new BinanceSymbol(s, new BookMirror(gen.book(VENUE_BINANCE, i)), 40_000_000_000 + i * 1_000_000_000));
  const byb = symbols.map((s, i) => new BybitSymbol(s, new BookMirror(gen.book(VENUE_BYBIT, i)), i));
  const writer = new ChangeWriter();
  const batch = new UpdateBatch();
  const firstMs = dateStartMs(dates[0]!);
  const result: SynthResult = { files: [], bytes: 0, updates: 0 };

  for (const date of dates) {
    const dayMs = dateStartMs(date);
    const daySec = dayMs / 1000;
    const off = dayMs - firstMs; // generator ms at 00:00 of this day
    const tText = (genMs: number): string => {
      const ns = Math.round((genMs - off) * 1e6);
      const sec = Math.floor(ns / 1e9);
      return epochNsText(daySec + sec, ns - sec * 1e9);
    };
    const wallOf = (genMs: number): number => Math.floor(firstMs + genMs);
    const dayFiles: DayFile[] = [];
    const open = (venue: string, symbol: string, streams: string[]): DayFile => {
      const f = new DayFile(pathFor(o.dataDir, venue, 'spot', symbol, date));
      f.line(headerLine({ t: dayMs * 1e6, wall_ms: dayMs, venue, market: 'spot', symbol, streams, source: 'synth' }));
      dayFiles.push(f);
      return f;
    };
    const t0 = tText(off);
    for (const b of bin) {
      b.file = open('binance', b.symbol, [b.lower + '@bookTicker', b.lower + '@depth@100ms']);
      const snap = '{"lastUpdateId":' + b.updateId + ',"bids":' + levelsJson(b.book.bids, 100, fmt8, b.book.tickDecimals, b.book.stepDecimals) +
        ',"asks":' + levelsJson(b.book.asks, 100, fmt8, b.book.tickDecimals, b.book.stepDecimals) + '}';
      b.file.line('{"t":' + t0 + ',"snapshot":' + JSON.stringify(snap) + ',"url":' +
        JSON.stringify('https://api.binance.com/api/v3/depth?symbol=' + b.symbol + '&limit=100') + '}\n');
      b.bids.clear();
      b.asks.clear();
      b.firstPending = 0;
    }
    for (const y of byb) {
      y.file = open('bybit', y.symbol, ['orderbook.1.' + y.symbol, 'orderbook.' + BYBIT_DEPTH + '.' + y.symbol]);
      y.view.clearPending();
      const w = wallOf(off);
      if (y.lastUpdateWall < w) y.lastUpdateWall = w;
      y.u50++;
      y.file.line(frame(t0, bybitBook(y, BYBIT_DEPTH, 'snapshot', y.u50, w, levelsJson(y.book.bids, BYBIT_DEPTH, fmtSpot, y.book.tickDecimals, y.book.stepDecimals),
        levelsJson(y.book.asks, BYBIT_DEPTH, fmtSpot, y.book.tickDecimals, y.book.stepDecimals))));
      y.u1++;
      y.file.line(frame(t0, bybitBook(y, 1, 'snapshot', y.u1, w, levelsJson(y.book.bids, 1, fmtSpot, y.book.tickDecimals, y.book.stepDecimals),
        levelsJson(y.book.asks, 1, fmtSpot, y.book.tickDecimals, y.book.stepDecimals))));
      y.flushAt = off;
    }

    const end = off + MS_PER_DAY;
    let lastT = off;
    for (let step = off; step < end; step += 1000) {
      batch.reset();
      gen.advanceTo(Math.min(step + 1000, end) - EPS_MS, batch);
      for (let i = 0; i < batch.updates; i++) {
        const s = batch.uSymbol[i]!;
        const t = batch.uTime[i]!;
        const first = batch.uFirst[i]!;
        const last = batch.uEnd[i]!;
        lastT = t;
        result.updates++;
        if (batch.uVenue[i] === VENUE_BINANCE) {
          const b = bin[s]!;
          if (b.firstPending !== 0 && t >= b.flushAt) flushBinance(b, tText(b.flushAt), wallOf(b.flushAt), writer);
          b.book.apply(batch, first, last);
          const id = ++b.updateId;
          if (b.firstPending === 0) {
            b.firstPending = id;
            b.flushAt = (Math.floor(t / BINANCE_DIFF_MS) + 1) * BINANCE_DIFF_MS;
          }
          for (let j = first; j < last; j++) (batch.cSide[j] === 0 ? b.bids : b.asks).set(batch.cPrice[j]!, batch.cLots[j]!);
          if (batch.uTop[i] === 1) {
            const bk = b.book;
            b.file!.line(frame(tText(t), '{"stream":"' + b.lower + '@bookTicker","data":{"u":' + id + ',"s":"' + b.symbol + '","b":"' +
              fmt8(bk.bids.best(), bk.tickDecimals) + '","B":"' + fmt8(bk.bids.bestLots(), bk.stepDecimals) + '","a":"' +
              fmt8(bk.asks.best(), bk.tickDecimals) + '","A":"' + fmt8(bk.asks.bestLots(), bk.stepDecimals) + '"}}'));
          }
        } else {
          const y = byb[s]!;
          if (y.view.hasPending && t >= y.flushAt) flushBybit(y, tText(y.flushAt), wallOf(y.flushAt), writer);
          y.book.apply(batch, first, last);
          y.seq += 1 + (last - first);
          y.lastUpdateWall = wallOf(t);
          const had = y.view.hasPending;
          y.view.apply(batch, first, last);
          if (!had && y.view.hasPending) y.flushAt = (Math.floor(t / BYBIT_PUSH_MS) + 1) * BYBIT_PUSH_MS;
          if (batch.uTop[i] === 1) {
            const bk = y.book;
            y.u1++;
            y.file!.line(frame(tText(t), bybitBook(y, 1, 'snapshot', y.u1, y.lastUpdateWall,
              levelsJson(bk.bids, 1, fmtSpot, bk.tickDecimals, bk.stepDecimals), levelsJson(bk.asks, 1, fmtSpot, bk.tickDecimals, bk.stepDecimals))));
          }
        }
      }
    }
    // What is still pending goes out in this day's file, at the last update's time.
    for (const b of bin) if (b.firstPending !== 0) flushBinance(b, tText(lastT), wallOf(lastT), writer);
    for (const y of byb) if (y.view.hasPending) flushBybit(y, tText(lastT), wallOf(lastT), writer);
    const names: string[] = [];
    for (const f of dayFiles) {
      f.close();
      result.bytes += f.bytes;
      result.files.push(f.file);
      names.push(f.file);
    }
    o.onDay?.(date, names);
    await new Promise<void>((r) => setImmediate(r)); // let a progress line out between days
  }
  return result;
}

function flushBinance(b: BinanceSymbol, t: string, wallMs: number, writer: ChangeWriter): void {
  const bk = b.book;
  b.file!.line(frame(t, '{"stream":"' + b.lower + '@depth@100ms","data":{"e":"depthUpdate","E":' + wallMs + ',"s":"' + b.symbol +
    '","U":' + b.firstPending + ',"u":' + b.updateId + ',"b":' + writer.json(b.bids, true, fmt8, bk.tickDecimals, bk.stepDecimals) +
    ',"a":' + writer.json(b.asks, false, fmt8, bk.tickDecimals, bk.stepDecimals) + '}}'));
  b.firstPending = 0;
  b.bids.clear();
  b.asks.clear();
}

function flushBybit(y: BybitSymbol, t: string, wallMs: number, writer: ChangeWriter): void {
  const bk = y.book;
  y.u50++;
  y.file!.line(frame(t, bybitBook(y, BYBIT_DEPTH, 'delta', y.u50, Math.max(wallMs, y.lastUpdateWall),
    writer.json(y.view.pendingBids, true, fmtSpot, bk.tickDecimals, bk.stepDecimals),
    writer.json(y.view.pendingAsks, false, fmtSpot, bk.tickDecimals, bk.stepDecimals))));
  y.view.clearPending();
}

/** A Bybit spot orderbook message (spot puts "ts" before "type"). */
function bybitBook(y: BybitSymbol, depth: number, type: string, u: number, ts: number, bids: string, asks: string): string {
  return '{"topic":"orderbook.' + depth + '.' + y.symbol + '","ts":' + ts + ',"type":"' + type + '","data":{"s":"' + y.symbol +
    '","b":' + bids + ',"a":' + asks + ',"u":' + u + ',"seq":' + y.seq + '},"cts":' + y.lastUpdateWall + '}';
}

/** VENUE ids the synth writes, for callers that loop over venues. */
export const SYNTH_VENUES = ['binance', 'bybit'] as const;
export { VENUE_BINANCE, VENUE_BYBIT };
