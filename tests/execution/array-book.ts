import type { BookView } from '../../src/execution/book-view.js';
import { D_ASK_PX, D_ASK_SZ, D_BID_PX, D_BID_SZ, D_LEVELS, D_LEVEL_WORDS, FLAG_USABLE, H_FLAGS, H_RECV_NS, H_SEQ } from '../../src/core/records.js';

export type Level = [px: number, sz: number];

/** Writes a depth record (records.ts layout) from bid and ask ladders, best first. */
export function depthRecord(bids: Level[], asks: Level[], version = 1, usable = true, recvNs = 0): { rec: Float64Array; n: number } {
  const n = Math.max(bids.length, asks.length);
  const rec = new Float64Array(D_LEVELS + D_LEVEL_WORDS * Math.max(n, 1));
  writeLevels(rec, bids, asks);
  rec[H_SEQ] = version;
  rec[H_FLAGS] = usable ? FLAG_USABLE : 0;
  rec[H_RECV_NS] = recvNs;
  return { rec, n };
}

function writeLevels(rec: Float64Array, bids: Level[], asks: Level[]): void {
  const n = Math.max(bids.length, asks.length);
  for (let i = 0; i < n; i++) {
    const o = D_LEVELS + D_LEVEL_WORDS * i;
    rec[o + D_BID_PX] = bids[i]?.[0] ?? 0;
    rec[o + D_BID_SZ] = bids[i]?.[1] ?? 0;
    rec[o + D_ASK_PX] = asks[i]?.[0] ?? 0;
    rec[o + D_ASK_SZ] = asks[i]?.[1] ?? 0;
  }
}

interface Entry { bids: Level[]; asks: Level[]; usable: boolean; recvNs: number; version: number }

/** A BookView over plain arrays, for tests: set() replaces a book and bumps its version. */
export class ArrayBook implements BookView {
  private readonly books = new Map<string, Entry>();
  private versions = 0;
  reads = 0;

  set(venue: number, symbol: number, bids: Level[], asks: Level[], usable = true, recvNs = 0): void {
    this.books.set(`${venue}/${symbol}`, { bids, asks, usable, recvNs, version: ++this.versions });
  }

  remove(venue: number, symbol: number): void {
    this.books.delete(`${venue}/${symbol}`);
  }

  readLevels(venue: number, symbol: number, out: Float64Array): number {
    this.reads++;
    const b = this.books.get(`${venue}/${symbol}`);
    if (b === undefined) return 0;
    const n = Math.min(Math.max(b.bids.length, b.asks.length), Math.floor((out.length - D_LEVELS) / D_LEVEL_WORDS));
    writeLevels(out, b.bids.slice(0, n), b.asks.slice(0, n));
    out[H_SEQ] = b.version;
    out[H_FLAGS] = b.usable ? FLAG_USABLE : 0;
    out[H_RECV_NS] = b.recvNs;
    return n;
  }
}
