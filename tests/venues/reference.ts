/**
 * Reference decoders for the venue frame parsers: JSON.parse + parseFloat of the same bytes,
 * producing the ParsedFrame fields the byte scanner must report. Tests compare the two.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SIDE_BUY, SIDE_SELL } from '../../src/core/records.js';
import type { SymbolTable } from '../../src/core/symbols.js';
import {
  MSG_CONTROL,
  MSG_DEPTH_DELTA,
  MSG_DEPTH_SNAPSHOT,
  MSG_QUOTE,
  MSG_SERVER_SHUTDOWN,
  MSG_TRADE,
  type ParsedFrame,
} from '../../src/venues/parsed-frame.js';
import { VENUE_FIXTURES } from '../helpers/paths.js';

export interface Expected {
  msg: number;
  symbolId?: number;
  updateId?: number;
  firstUpdateId?: number;
  prevUpdateId?: number;
  crossSeq?: number;
  exchMs?: number;
  matchMs?: number;
  snapshot?: number;
  depthTopic?: number;
  bidPx?: number;
  bidSz?: number;
  askPx?: number;
  askSz?: number;
  bids?: [number, number][];
  asks?: [number, number][];
  trades?: [number, number, number, number][]; // px, qty, side, ms
  tradeId?: number;
  controlOk?: number;
}

export function fixtureLines(name: string): string[] {
  return readFileSync(path.join(VENUE_FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
}

const levels = (v: unknown): [number, number][] => (v as string[][]).map((l) => [parseFloat(l[0]), parseFloat(l[1])]);

type Obj = Record<string, unknown>;

export function referenceBinance(text: string, table: SymbolTable, defaultSymbol = -1): Expected {
  const o = JSON.parse(text) as Obj;
  let d = o;
  let streamSym = -2;
  if (o.data !== undefined && typeof o.data === 'object' && o.data !== null && !Array.isArray(o.data)) {
    d = o.data as Obj;
  }
  if (typeof o.stream === 'string') streamSym = table.id(o.stream.split('@')[0]);
  const num = (v: unknown, dflt: number): number => (typeof v === 'number' ? v : dflt);
  if ('result' in d || 'error' in d) return { msg: MSG_CONTROL, controlOk: 'error' in d ? 0 : 1 };
  if (d.e === 'serverShutdown') return { msg: MSG_SERVER_SHUTDOWN };
  if (d.e === 'bookTicker' || (d.e === undefined && typeof d.b === 'string')) {
    return {
      msg: MSG_QUOTE,
      symbolId: table.id(String(d.s)),
      updateId: d.u as number,
      bidPx: parseFloat(d.b as string),
      bidSz: parseFloat(d.B as string),
      askPx: parseFloat(d.a as string),
      askSz: parseFloat(d.A as string),
      exchMs: num(d.E, 0),
      matchMs: num(d.T, 0),
    };
  }
  if (d.e === 'depthUpdate') {
    return {
      msg: MSG_DEPTH_DELTA,
      symbolId: table.id(String(d.s)),
      firstUpdateId: d.U as number,
      updateId: d.u as number,
      prevUpdateId: num(d.pu, -1),
      exchMs: d.E as number,
      matchMs: num(d.T, 0),
      bids: levels(d.b),
      asks: levels(d.a),
    };
  }
  if (d.e === 'trade') {
    return {
      msg: MSG_TRADE,
      symbolId: table.id(String(d.s)),
      tradeId: d.t as number,
      exchMs: num(d.E, 0),
      matchMs: d.T as number,
      trades: [[parseFloat(d.p as string), parseFloat(d.q as string), d.m ? SIDE_SELL : SIDE_BUY, d.T as number]],
    };
  }
  if ('lastUpdateId' in d) {
    return {
      msg: MSG_DEPTH_SNAPSHOT,
      symbolId: streamSym === -2 ? defaultSymbol : streamSym,
      updateId: d.lastUpdateId as number,
      bids: levels(d.bids),
      asks: levels(d.asks),
    };
  }
  throw new Error(`reference: unrecognised Binance message ${text.slice(0, 80)}`);
}

export function referenceBybit(text: string, table: SymbolTable): Expected {
  const o = JSON.parse(text) as Obj;
  if (typeof o.topic !== 'string') {
    return { msg: MSG_CONTROL, controlOk: o.success === false || (typeof o.retCode === 'number' && o.retCode !== 0) ? 0 : 1 };
  }
  const parts = o.topic.split('.');
  if (parts[0] === 'orderbook') {
    const d = o.data as Obj;
    const depth = Number(parts[1]);
    const bids = levels(d.b);
    const asks = levels(d.a);
    const base: Expected = {
      msg: o.type === 'snapshot' ? (depth === 1 ? MSG_QUOTE : MSG_DEPTH_SNAPSHOT) : MSG_DEPTH_DELTA,
      symbolId: table.id(parts.slice(2).join('.')),
      depthTopic: depth,
      snapshot: o.type === 'snapshot' ? 1 : 0,
      updateId: d.u as number,
      crossSeq: typeof d.seq === 'number' ? d.seq : -1,
      exchMs: o.ts as number,
      matchMs: typeof o.cts === 'number' ? o.cts : 0,
      bids,
      asks,
    };
    if (base.msg === MSG_QUOTE) {
      base.bidPx = bids.length ? bids[0][0] : 0;
      base.bidSz = bids.length ? bids[0][1] : 0;
      base.askPx = asks.length ? asks[0][0] : 0;
      base.askSz = asks.length ? asks[0][1] : 0;
    }
    return base;
  }
  if (parts[0] === 'publicTrade') {
    const trades = (o.data as Obj[]).map((t) => [parseFloat(t.p as string), parseFloat(t.v as string), t.S === 'Buy' ? SIDE_BUY : SIDE_SELL, t.T as number] as [number, number, number, number]);
    return { msg: MSG_TRADE, symbolId: table.id(parts.slice(1).join('.')), exchMs: o.ts as number, trades };
  }
  throw new Error(`reference: unrecognised Bybit topic ${o.topic}`);
}

/** Differences between a parsed frame and the reference ([] = equal). */
export function diffFrame(f: ParsedFrame, e: Expected): string[] {
  const out: string[] = [];
  const scalar = (name: keyof Expected & keyof ParsedFrame): void => {
    const want = e[name];
    if (want !== undefined && f[name] !== want) out.push(`${name}: got ${String(f[name])}, want ${String(want)}`);
  };
  scalar('msg');
  for (const k of ['symbolId', 'updateId', 'firstUpdateId', 'prevUpdateId', 'crossSeq', 'exchMs', 'matchMs', 'snapshot', 'depthTopic', 'bidPx', 'bidSz', 'askPx', 'askSz', 'tradeId', 'controlOk'] as const) scalar(k);
  const side = (name: string, px: Float64Array, sz: Float64Array, n: number, want?: [number, number][]): void => {
    if (!want) return;
    if (n !== want.length) {
      out.push(`${name}: ${n} levels, want ${want.length}`);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (px[i] !== want[i][0] || sz[i] !== want[i][1]) out.push(`${name}[${i}]: got ${px[i]}/${sz[i]}, want ${want[i][0]}/${want[i][1]}`);
    }
  };
  side('bids', f.bidsPx, f.bidsSz, f.nBids, e.bids);
  side('asks', f.asksPx, f.asksSz, f.nAsks, e.asks);
  if (e.trades) {
    if (f.nTrades !== e.trades.length) out.push(`trades: ${f.nTrades}, want ${e.trades.length}`);
    else
      for (let i = 0; i < f.nTrades; i++) {
        const [p, q, s, ms] = e.trades[i];
        if (f.tradePx[i] !== p || f.tradeQty[i] !== q || f.tradeSide[i] !== s || f.tradeMs[i] !== ms) out.push(`trade[${i}] differs`);
      }
  }
  return out;
}
