/**
 * `npm run bench -- order-path`: the live executor's own share of tick-to-trade, in this
 * thread, against the simulator's WebSocket order APIs (Binance WS API, Bybit /v5/trade) in a
 * child process over loopback: the real LiveExecutor, clients, order journal (orders.wal) and
 * sockets, HMAC keys (the shipped default).
 *
 * Per pair of intents (one leg per venue, as the strategy publishes them): `first leg`
 * (intents read → the first request's bytes handed to its socket) and `leg gap` (first
 * request on the wire → the second on the wire). Pairs come 150 ms apart (code and caches go
 * cold between pairs, as between real dislocations; closer pairs trip the simulator's order
 * rate limits). Each pair is handed to the executor in one of two ways, alternating pair by
 * pair so both see the same machine:
 *
 * - one by one: onIntent per leg, each built, written and journaled before the next is read
 *   (the executor before this bench; the baseline);
 * - staged: both legs read and checked, their requests built and signed, then written back to
 *   back, then journaled in one write (`LiveExecutor.onIntents`).
 *
 * IOC orders priced 2 % through the touch the wrong way, so the venue cancels them unfilled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monoNs } from '../src/core/clock.js';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_DEADLINE_NS, I_DECISION_NS, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY,
  I_ROLE, I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../src/core/records.js';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';
import { simSymbolFilters } from '../src/sim/index.js';
import { PoolTransport } from '../src/execution/live/pool-transport.js';
import { buildVenueClient, type VenueClient } from '../src/execution/live/venue-client.js';
import { LiveExecutor } from '../src/execution/live/live-executor.js';
import { OrderWal } from '../src/execution/order-wal.js';
import { startSimChild } from './sim-child.js';
import { percentile, type BenchRow } from './types.js';

const SYMBOL = 'BTCUSDT';

export async function runOrderPathBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const sim = await startSimChild({ seed: 3, symbols: [SYMBOL], ratePerVenue: 200, dislocationEveryMs: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-bench-order-path-'));
  const transport = new PoolTransport();
  const vcs: VenueClient[] = [];
  const logs: string[] = [];
  const log = (level: string, msg: string): void => { if (level === 'warn' || level === 'error') logs.push(`${level} ${msg}`); };
  const wal = new OrderWal(dir);
  try {
    for (const venue of ['binance', 'bybit'] as const) {
      const port = venue === 'binance' ? sim.ports.binance : sim.ports.bybit;
      const vc = buildVenueClient({
        venue: venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, name: venue, orderEntry: 'ws', keyType: 'hmac', privateKeyPem: '',
        wsApiUrl: `ws://127.0.0.1:${port}` + (venue === 'binance' ? '/ws-api/v3' : '/v5/trade'), reconnectMinMs: 100, reconnectMaxMs: 1000,
        rest: {
          baseUrl: `http://127.0.0.1:${port}`, creds: SIM_KEYS[venue], recvWindowMs: 5000, timeoutMs: 2000, takerFeeRate: 0.001,
          reconcileBudgetMs: 3000, transport, wallMs: Date.now, log,
        },
      });
      vcs.push(vc);
      if (!(await vc.start(5000))) throw new Error(`order-path bench: ${venue} WebSocket order session did not open`);
    }
    const f = simSymbolFilters([SYMBOL]);
    let reports = 0;
    const exec = new LiveExecutor({
      symbols: [SYMBOL], clients: [vcs[0]!.client, vcs[1]!.client],
      filters: [{ [SYMBOL]: f.binance[SYMBOL]! }, { [SYMBOL]: f.bybit[SYMBOL]! }], limiters: [null, null],
      sink: { report: () => { reports++; } }, runTag: 'xbench', wal, monoNs, wallMs: Date.now, log,
    });
    const rec = new Float64Array(2 * INTENT_WORDS);
    const wires = new Float64Array(2);
    let orderId = 0;
    const fill = (off: number, venue: number, side: number, pairId: number, now: number): void => {
      rec.fill(0, off, off + INTENT_WORDS);
      rec[off + H_VENUE] = venue;
      rec[off + H_SYMBOL] = 0;
      rec[off + H_RECV_NS] = now;
      rec[off + I_ORDER_ID] = ++orderId;
      rec[off + I_PAIR_ID] = pairId;
      rec[off + I_ACTION] = ACTION_NEW;
      rec[off + I_SIDE] = side;
      // 2 % through the touch the wrong way: the IOC is cancelled unfilled.
      rec[off + I_PRICE] = side === SIDE_BUY ? 58_000 : 62_000;
      rec[off + I_QTY] = 0.001;
      rec[off + I_TIF] = TIF_IOC;
      rec[off + I_ROLE] = side === SIDE_BUY ? ROLE_LEG_BUY : ROLE_LEG_SELL;
      rec[off + I_DECISION_NS] = now;
      rec[off + I_DEADLINE_NS] = now + 5e9;
    };
    const cases = [
      { spacingMs: 150, pairs: opts.quick ? 40 : 120 },
    ];
    const rows: BenchRow[] = [];
    for (const c of cases) {
      const first = [[], []] as number[][];
      const gap = [[], []] as number[][];
      for (let i = 0; i < c.pairs + 10; i++) {
        await new Promise((r) => setTimeout(r, c.spacingMs));
        const staged = i & 1;
        const now = monoNs();
        fill(0, i & 2 ? VENUE_BYBIT : VENUE_BINANCE, SIDE_BUY, i + 1, now);
        fill(INTENT_WORDS, i & 2 ? VENUE_BINANCE : VENUE_BYBIT, SIDE_SELL, i + 1, now);
        const t0 = monoNs();
        if (staged === 1) {
          exec.onIntents(rec, 2, t0, wires);
        } else {
          wires[0] = exec.onIntent(rec, 0, t0);
          wires[1] = exec.onIntent(rec, INTENT_WORDS, monoNs());
        }
        if (i < 10 || !(wires[0]! > 0 && wires[1]! > 0)) continue; // warm-up, or a leg not sent
        first[staged]!.push(wires[0]! - t0);
        gap[staged]!.push(wires[1]! - wires[0]!);
      }
      for (const staged of [0, 1]) {
        const fs = first[staged]!.sort((a, b) => a - b);
        const gs = gap[staged]!.sort((a, b) => a - b);
        rows.push({
          case: `${staged ? 'staged' : 'one by one (baseline)'}, a pair every ${c.spacingMs} ms`,
          p50_ns: Math.round(percentile(fs, 50)), p99_ns: Math.round(percentile(fs, 99)), p999_ns: NaN, max_ns: Math.round(fs[fs.length - 1] ?? NaN),
          ops_per_s: NaN, first_leg_p50_us: Math.round(percentile(fs, 50)) / 1e3, first_leg_p90_us: Math.round(percentile(fs, 90)) / 1e3,
          leg_gap_p50_us: Math.round(percentile(gs, 50)) / 1e3, leg_gap_p90_us: Math.round(percentile(gs, 90)) / 1e3,
          leg_gap_p99_us: Math.round(percentile(gs, 99)) / 1e3, pairs: fs.length,
        });
      }
      const base = rows[rows.length - 2]!;
      const st = rows[rows.length - 1]!;
      st['leg_gap_vs_baseline'] = Math.round(((st['leg_gap_p50_us'] as number) / (base['leg_gap_p50_us'] as number)) * 100) / 100;
      base['leg_gap_vs_baseline'] = 1;
    }
    // Let the answers come back, so the run ends with every order settled.
    const end = Date.now() + 3000;
    while (exec.inFlight > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (logs.length > 0) process.stderr.write(`order-path bench: ${logs.length} warnings, first: ${logs[0]}\n`);
    process.stderr.write(`order-path bench: ${exec.counters.sent} orders sent, ${reports} reports, ${exec.inFlight} still in flight\n`);
    return rows;
  } finally {
    for (const vc of vcs) vc.close();
    await transport.close();
    wal.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
