/**
 * Frame parsing cost: the byte scanners against JSON.parse(buf.toString()) + parseFloat, on
 * real fixture frames, in the same run. Each batch parses 1000 messages between two
 * process.hrtime.bigint() reads; per-message figures are batch means, so percentiles describe
 * batches, not single messages (one clock read costs about as much as a scanner parse).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKET_LINEAR, MARKET_SPOT } from '../src/core/records.js';
import { SymbolTable } from '../src/core/symbols.js';
import { BinanceFrameParser } from '../src/venues/binance/frame-parser.js';
import { BybitFrameParser } from '../src/venues/bybit/frame-parser.js';

import type { BenchRow } from './types.js';

export type { BenchRow };

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'venues');

const BATCH = 1000;
const BATCHES = 400;
const WARMUP_BATCHES = 100;

function lines(name: string): Buffer[] {
  return readFileSync(path.join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => Buffer.from(l));
}

let sink = 0;

function measure(name: string, msgs: Buffer[], one: (b: Buffer) => number): BenchRow {
  const n = msgs.length;
  let k = 0;
  for (let b = 0; b < WARMUP_BATCHES; b++) {
    for (let i = 0; i < BATCH; i++) {
      sink += one(msgs[k]);
      if (++k === n) k = 0;
    }
  }
  const per = new Float64Array(BATCHES);
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      sink += one(msgs[k]);
      if (++k === n) k = 0;
    }
    per[b] = Number(process.hrtime.bigint() - t0) / BATCH;
  }
  const sorted = Float64Array.from(per).sort();
  const pct = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  let sum = 0;
  for (const v of per) sum += v;
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    case: name,
    p50_ns: round(pct(0.5)),
    p99_ns: round(pct(0.99)),
    p999_ns: round(pct(0.999)),
    max_ns: round(sorted[sorted.length - 1]),
    ops_per_s: Math.round(1e9 / (sum / BATCHES)),
  };
}

type Lvl = [string, string][];

/** The JSON.parse baseline does the same work: every price and size to a number. */
function jsonBinanceQuote(b: Buffer): number {
  const d = JSON.parse(b.toString()).data;
  return parseFloat(d.b) + parseFloat(d.B) + parseFloat(d.a) + parseFloat(d.A) + d.u;
}

/** Depth deltas (Bybit orderbook.N, Binance depthUpdate): update id and every level. */
function jsonBook(b: Buffer): number {
  const o = JSON.parse(b.toString());
  let s = o.data.u;
  for (const l of o.data.b as Lvl) s += parseFloat(l[0]) + parseFloat(l[1]);
  for (const l of o.data.a as Lvl) s += parseFloat(l[0]) + parseFloat(l[1]);
  return s;
}

export async function runParseBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const pairs: [string, Buffer[], (b: Buffer) => number, (b: Buffer) => number][] = [];

  const bt = new BinanceFrameParser(new SymbolTable(['BTCUSDT']), MARKET_SPOT);
  pairs.push(['binance bookTicker (combined, spot)', lines('binance_spot_bookTicker.jsonl'), (b) => bt.parse(b, b.length) + bt.frame.bidPx, jsonBinanceQuote]);

  const bu = new BinanceFrameParser(new SymbolTable(['BTCUSDT']), MARKET_LINEAR);
  pairs.push(['binance bookTicker (combined, usdm)', lines('binance_usdm_bookTicker.jsonl'), (b) => bu.parse(b, b.length) + bu.frame.bidPx, jsonBinanceQuote]);

  const bd = new BinanceFrameParser(new SymbolTable(['BTCUSDT']), MARKET_SPOT);
  pairs.push(['binance depthUpdate (combined, spot)', lines('binance_depthUpdate.jsonl'), (b) => bd.parse(b, b.length) + bd.frame.nBids, jsonBook]);

  const bl = new BybitFrameParser(new SymbolTable(['XRPUSDT']), MARKET_LINEAR);
  pairs.push(['bybit orderbook.500 delta (linear fixture)', lines('bybit_orderbook_delta.jsonl'), (b) => bl.parse(b, b.length) + bl.frame.nBids, jsonBook]);

  const bs = new BybitFrameParser(new SymbolTable(['BTCUSDT']), MARKET_SPOT);
  pairs.push(['bybit orderbook.200 delta (spot sample)', lines('bybit_spot_orderbook_samples.jsonl').slice(1), (b) => bs.parse(b, b.length) + bs.frame.nBids, jsonBook]);

  for (const [name, msgs, scan, json] of pairs) {
    const j = measure(`${name}: JSON.parse+parseFloat`, msgs, json);
    const s = measure(`${name}: byte scanner`, msgs, scan);
    s.speedup_vs_json = Math.round((j.p50_ns / s.p50_ns) * 10) / 10;
    s.bytes_per_msg = Math.round(msgs.reduce((a, m) => a + m.length, 0) / msgs.length);
    rows.push(s, j);
  }
  if (sink === 42) rows.push({ case: 'sink', p50_ns: 0, p99_ns: 0, p999_ns: 0, max_ns: 0, ops_per_s: 0 });
  return rows;
}
