/**
 * `npm run bench -- wal`: what journaling an order before its send costs (order-wal.ts):
 * a plain write (survives kill -9), a write + fdatasync per order (survives a machine crash),
 * and the reserved-block scheme (one synced `reserve` line per 1024 ids + plain writes),
 * amortized per order. Ratios to the plain write in the same run. Writes to os.tmpdir().
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrderWal } from '../src/execution/order-wal.js';
import { summarize, type BenchRow } from './types.js';

function run(name: string, n: number, each: (w: OrderWal, i: number) => void, sync: boolean): BenchRow {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-walbench-'));
  const w = new OrderWal(dir, sync);
  const lat = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    each(w, i);
    lat[i] = Number(process.hrtime.bigint() - a);
  }
  const secs = (performance.now() - t0) / 1000;
  w.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return summarize(name, lat, n / secs, { dir: os.tmpdir() });
}

const send = (w: OrderWal, i: number): void =>
  w.send({ clientOrderId: `x00000000-${i}`, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60000.12, qty: 0.01, timestampMs: 1_764_630_000_000 + i });

export async function runWalBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const n = opts.quick ? 200 : 2000;
  const plain = run('send, plain write', n * 5, send, false);
  const synced = run('send + fdatasync', n, send, true);
  const blocks = run('reserve per 1024 + plain send', n * 5, (w, i) => {
    if (i % 1024 === 0) w.reserve('x00000000', i + 1, i + 1024);
    send(w, i);
  }, false);
  for (const r of [plain, synced, blocks]) r.p50_vs_plain = Math.round((r.p50_ns / plain.p50_ns) * 10) / 10;
  return [plain, synced, blocks];
}
