/**
 * Write-ahead order journal: `<run dir>/orders.wal`. Every client id is journaled before its
 * request leaves: durably, in a reserved id block (below). Each order's `send` line (client
 * id, venue, symbol, side, price, quantity, request timestamp) is appended in the same
 * synchronous step as its request: right after the step's frames are on the wire by default,
 * before them when every send is synced. When the order's final state is known a `final`
 * line follows.
 *
 *   {"k":"reserve","tag":"x1a2b3c4d","from":1,"to":1024}
 *   {"k":"send","cid":"x1a2b3c4d-17","v":"binance","s":"BTCUSDT","side":"buy","p":60001.2,"q":0.01,"ts":1764630000123}
 *   {"k":"final","cid":"x1a2b3c4d-17","v":"binance","st":"FILLED","cum":0.01}
 *   {"k":"final","cid":"x1a2b3c4d-18","v":"bybit","st":"UNRESOLVED","cum":0}
 *
 * An `UNRESOLVED` final is what a run writes when it stops with an order still unknown (its
 * slot freed without the venue's word): the reader keeps the order in flight, so the next
 * start asks the venue about it, and `cum` says how much of it the run had applied (only
 * fills beyond that are exposure nobody answered for: reconcile.ts).
 *
 * Durability, and what it costs. A plain write() is in the kernel's page cache when it
 * returns: it survives the process being killed (kill -9, a crash of Node), not a crash of
 * the machine. fdatasync makes it survive that too, but costs milliseconds per order on a
 * VM disk (3.2 ms p50, 19 ms p99 measured on the development VM: docs/live.md), more than
 * the whole order path. So the sync is taken off the order path: client ids are handed out
 * from blocks reserved by a synced `reserve` line (`reserve()`, once per 1024 orders), and
 * each `send` line is a plain write (`syncEachSend: false`, the default). After a machine
 * crash reconciliation knows every id that may exist at the venues (the reserved blocks)
 * even if the last send lines were lost, and asks the venues about them by client id. The
 * same holds for a process killed in the few µs between a step's socket writes and its send
 * lines, which is why the executor writes the lines after the frames (LiveExecutor.onIntents:
 * the journal write is off the order's path) and never sends an id outside a reserved block.
 * `syncEachSend: true` syncs every send as well, written before the send, for whoever prefers
 * that trade-off.
 *
 * The reader gives the orders with their final state (null = in flight at the end of the
 * file: the restart must find them at the venue) and the reserved blocks. A line cut short
 * by a crash is skipped and reported, never a throw, and the lines after it are read. Opening
 * a file that ends in such a line (a resumed run, a later start journaling an earlier run's
 * orders) ends it with a newline first, so the lines appended after it stay whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openForAppendingLines } from '../core/append-file.js';
import type { JournaledOrder, Venue } from './reconcile.js';

export { inReservedBlock } from './reconcile.js';

export const WAL_FILE = 'orders.wal';
/** Final status of an order a run stopped with, still unknown: not final for the reader. */
export const WAL_UNRESOLVED = 'UNRESOLVED';

/** What is journaled before the send: the order as reconciliation will read it, with the request's `timestamp` (venue-aligned ms). */
export type WalSend = Omit<JournaledOrder, 'sentMs' | 'final'> & { timestampMs: number };

export class OrderWalError extends Error {
  override readonly name = 'OrderWalError';
}

export class OrderWal {
  readonly path: string;
  private fd: number;
  /** Sends appended by this instance. */
  sends = 0;

  constructor(runDir: string, private readonly syncEachSend = false) {
    this.path = path.join(runDir, WAL_FILE);
    try {
      fs.mkdirSync(runDir, { recursive: true });
      this.fd = openForAppendingLines(this.path);
    } catch (e) {
      throw new OrderWalError(`cannot open the order journal ${this.path}: ${(e as Error).message}`);
    }
  }

  /** Durable before the request is sent: returns once the line is on disk. */
  send(o: WalSend): void {
    this.sendLines(this.sendLine(o));
  }

  /** The `send` line of `o` (newline included), for sendLines. */
  sendLine(o: WalSend): string {
    return `{"k":"send","cid":${JSON.stringify(o.clientOrderId)},"v":"${o.venue}","s":${JSON.stringify(o.symbol)},"side":"${o.side}",` +
      `"p":${o.price},"q":${o.qty},"ts":${o.timestampMs}}\n`;
  }

  /** Whether every send line is synced (then the executor writes it before the send, not after). */
  get syncsEachSend(): boolean {
    return this.syncEachSend;
  }

  /**
   * Appends several `send` lines in one write (and `finals`, `final` lines that must follow
   * them, in the same write): the legs of a pair cost one syscall, not one
   * each (~20–80 µs apiece on the development VM's disk: `npm run bench -- order-path`).
   */
  sendLines(lines: string, finals = ''): void {
    if (lines === '' && finals === '') return;
    fs.writeSync(this.fd, finals === '' ? lines : lines + finals);
    if (this.syncEachSend) fs.fdatasyncSync(this.fd);
    let n = 0;
    for (let i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) n++;
    this.sends += n;
  }

  /**
   * Durably reserves client ids `<tag>-<from>` … `<tag>-<to>` before any of them is used
   * (synced: this is the line that must survive a machine crash).
   */
  reserve(tag: string, from: number, to: number): void {
    fs.writeSync(this.fd, `{"k":"reserve","tag":${JSON.stringify(tag)},"from":${from},"to":${to}}\n`);
    fs.fdatasyncSync(this.fd);
  }

  /** The order's final state (filled / canceled / rejected / expired, with its cumulative quantity). */
  final(venue: Venue, clientOrderId: string, status: string, cumQty: number): void {
    fs.writeSync(this.fd, this.finalLine(venue, clientOrderId, status, cumQty));
  }

  /** The `final` line (newline included), for a final that must wait for its send line (sendLines). */
  finalLine(venue: Venue, clientOrderId: string, status: string, cumQty: number): string {
    return `{"k":"final","cid":${JSON.stringify(clientOrderId)},"v":"${venue}","st":${JSON.stringify(status)},"cum":${cumQty}}\n`;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export interface ReservedIds {
  tag: string;
  from: number;
  to: number;
}

export interface WalReadResult {
  orders: JournaledOrder[];
  reserved: ReservedIds[];
  /** Lines that could not be read (cut short by a crash, not JSON, missing fields). */
  badLines: number;
  /** `final` lines for an id never sent (counted, not fatal). */
  strayFinals: number;
}

/** Reads a WAL; a missing file is an empty one. */
export function readOrderWal(file: string): WalReadResult {
  const out: WalReadResult = { orders: [], reserved: [], badLines: 0, strayFinals: 0 };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw new OrderWalError(`cannot read the order journal ${file}: ${(e as Error).message}`);
  }
  const byId = new Map<string, JournaledOrder>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.badLines++;
      continue;
    }
    if (r['k'] === 'reserve') {
      if (typeof r['tag'] === 'string' && typeof r['from'] === 'number' && typeof r['to'] === 'number') {
        out.reserved.push({ tag: r['tag'], from: r['from'], to: r['to'] });
      } else out.badLines++;
      continue;
    }
    const cid = r['cid'];
    const v = r['v'];
    if (typeof cid !== 'string' || (v !== 'binance' && v !== 'bybit')) {
      out.badLines++;
      continue;
    }
    const key = v + '|' + cid;
    if (r['k'] === 'send') {
      const side = r['side'];
      if ((side !== 'buy' && side !== 'sell') || typeof r['s'] !== 'string' || typeof r['p'] !== 'number' || typeof r['q'] !== 'number') {
        out.badLines++;
        continue;
      }
      const o: JournaledOrder = { clientOrderId: cid, venue: v, symbol: r['s'], side, price: r['p'], qty: r['q'], sentMs: Number(r['ts']), final: null };
      byId.set(key, o);
      out.orders.push(o);
    } else if (r['k'] === 'final') {
      const o = byId.get(key);
      if (o === undefined) out.strayFinals++;
      else if (r['st'] === WAL_UNRESOLVED) o.knownAtStop = Number(r['cum']) || 0;
      else o.final = { status: String(r['st']), cumQty: Number(r['cum']) };
    } else out.badLines++;
  }
  return out;
}

/** Orders sent but never seen final: what a restart must look for at the venues. */
export function inFlight(orders: readonly JournaledOrder[]): JournaledOrder[] {
  return orders.filter((o) => o.final === null);
}
