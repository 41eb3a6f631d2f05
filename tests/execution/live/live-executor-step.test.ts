/**
 * LiveExecutor.onIntents: the intents of one step (the legs of a pair) are all checked, their
 * client ids found in a durably reserved block, and built before the first of their WebSocket
 * frames is written; then the frames go out back to back, each leg with its own wire time,
 * and only then their send lines, in one write (off the path to the wire; with every send
 * synced, before it). A journal that cannot reserve their ids sends none of them; one that
 * fails after the sends halts new entries. One by one (onIntent), each leg is written before
 * the next is built. Once a step has put a pair on the wire, and before its send lines, the
 * thread gives its core away (afterPairOnWire: core-yield.ts); a step that wrote one frame does not.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type WebSocket from 'ws';
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS,
  ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, ST_REJECTED, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../../src/core/records.js';
import { LiveExecutor } from '../../../src/execution/live/live-executor.js';
import { OrderWal } from '../../../src/execution/order-wal.js';
import { wireBatch } from '../../../src/execution/live/wire-batch.js';
import { finalUpdate, newClientCounters, type LiveOrder, type UpdateListener, type VenueOrderClient } from '../../../src/execution/live/order-types.js';

/** A WS-like client: builds its request in place() and writes it through the thread's wire batch, as WsSession.send does. */
class FramingClient implements VenueOrderClient {
  readonly counters = newClientCounters();
  /** Set: place() answers with this final at once, before returning (a venue that refused on the spot). */
  rejectAtOnce = false;
  constructor(readonly venue: number, private readonly log: string[], private readonly wal: () => string) {}
  private readonly socket = {
    send: (text: string): void => {
      const journal = this.wal();
      const lines = journal.split('\n').filter((l) => l.includes('"k":"send"')).length;
      const reserved = journal.includes('"k":"reserve","tag":"xstep","from":1,"to":1024') ? ', ids reserved' : '';
      this.log.push(`write ${text} (journal has ${lines} send lines${reserved})`);
    },
  } as unknown as WebSocket;
  backoffUntilMs(): number { return 0; }
  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    const text = `${order.clientOrderId}`;
    this.log.push(`build ${text}`);
    if (wireBatch.holding) wireBatch.add(this.socket, text);
    else this.socket.send(text);
    if (this.rejectAtOnce) {
      listener(order, finalUpdate(ST_REJECTED, 0, 0, 0, 0, -2010, 'refused', '', 'REJECTED'));
      return Promise.resolve();
    }
    return new Promise(() => undefined);
  }
}

function setup(t: { teardown(fn: () => void): void }, syncEachSend = false, afterPair: (() => void) | null = null) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-step-'));
  const wal = new OrderWal(dir, syncEachSend);
  t.teardown(() => { wal.close(); rmSync(dir, { recursive: true, force: true }); });
  const log: string[] = [];
  const text = (): string => { try { return readFileSync(wal.path, 'utf8'); } catch { return ''; } };
  const rejected: number[] = [];
  let clock = 100;
  const clients = [new FramingClient(VENUE_BINANCE, log, text), new FramingClient(VENUE_BYBIT, log, text)];
  const exec = new LiveExecutor({
    symbols: ['BTCUSDT'], clients,
    filters: [{ BTCUSDT: { tickSize: 0.01, stepSize: 0.00001 } }, { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001 } }],
    limiters: [null, null], runTag: 'xstep', wal, log: () => undefined, monoNs: () => ++clock, wallMs: () => 5_000, afterPairOnWire: afterPair,
    sink: { report: (orderId: number, _p: number, _v: number, _s: number, _side: number, status: number) => { if (status === ST_REJECTED) rejected.push(orderId); } },
  });
  const rec = new Float64Array(2 * INTENT_WORDS);
  const leg = (i: number, id: number, venue: number, side: number): void => {
    const o = i * INTENT_WORDS;
    rec[o + H_VENUE] = venue; rec[o + H_SYMBOL] = 0; rec[o + I_ACTION] = ACTION_NEW; rec[o + I_ORDER_ID] = id; rec[o + I_PAIR_ID] = 1;
    rec[o + I_SIDE] = side; rec[o + I_PRICE] = 60000; rec[o + I_QTY] = 0.01; rec[o + I_TIF] = TIF_IOC;
    rec[o + I_ROLE] = side === SIDE_BUY ? ROLE_LEG_BUY : ROLE_LEG_SELL; rec[o + H_RECV_NS] = 1;
  };
  leg(0, 1, VENUE_BINANCE, SIDE_BUY);
  leg(1, 2, VENUE_BYBIT, SIDE_SELL);
  return { exec, rec, log, wal, rejected, text, clients };
}

/** The journal's lines, kind and client id each ("reserve", "send xstep-1", "final xstep-1 REJECTED"). */
function journalLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '').map((l) => {
    const r = JSON.parse(l) as { k: string; cid?: string; st?: string };
    return [r.k, r.cid, r.st].filter((x) => x !== undefined).join(' ');
  });
}

t.test('a step: both legs checked, their ids reserved, built, written back to back, then journaled in one write', async (t) => {
  const { exec, rec, log, text } = setup(t);
  const wires = new Float64Array(2);
  exec.onIntents(rec, 2, 50, wires);
  t.same(log, [
    'build xstep-1',
    'build xstep-2',
    'write xstep-1 (journal has 0 send lines, ids reserved)',
    'write xstep-2 (journal has 0 send lines, ids reserved)',
  ]);
  t.same(journalLines(text()), ['reserve', 'send xstep-1', 'send xstep-2'], 'both send lines right after the frames');
  t.ok(wires[0]! > 0 && wires[1]! > wires[0]!, 'each leg has its own wire time, read after its frame was written');
  t.equal(wireBatch.holding, false, 'the batch is released');
  t.equal(exec.counters.sent, 2);
});

t.test('every send synced: the send lines are written before the frames', async (t) => {
  const { exec, rec, log, text } = setup(t, true);
  exec.onIntents(rec, 2, 50, new Float64Array(2));
  t.same(log, [
    'build xstep-1',
    'build xstep-2',
    'write xstep-1 (journal has 2 send lines, ids reserved)',
    'write xstep-2 (journal has 2 send lines, ids reserved)',
  ]);
  t.same(journalLines(text()), ['reserve', 'send xstep-1', 'send xstep-2']);
});

t.test('one by one: each leg is written before the next is built, its send line right after its frame', async (t) => {
  const { exec, rec, log, text } = setup(t);
  exec.onIntent(rec, 0, 50);
  exec.onIntent(rec, INTENT_WORDS, 51);
  t.same(log, [
    'build xstep-1',
    'write xstep-1 (journal has 0 send lines, ids reserved)',
    'build xstep-2',
    'write xstep-2 (journal has 1 send lines, ids reserved)',
  ]);
  t.same(journalLines(text()), ['reserve', 'send xstep-1', 'send xstep-2']);
});

t.test('a final that comes inside the step is journaled after its send line', async (t) => {
  const { exec, rec, text, clients } = setup(t);
  clients[0]!.rejectAtOnce = true;
  exec.onIntents(rec, 2, 50, new Float64Array(2));
  t.same(journalLines(text()), ['reserve', 'send xstep-1', 'send xstep-2', 'final xstep-1 REJECTED']);
  clients[1]!.rejectAtOnce = true;
  rec[I_ORDER_ID] = 3;
  exec.onIntent(rec, 0, 60);
  t.same(journalLines(text()).slice(4), ['send xstep-3', 'final xstep-3 REJECTED'], 'one by one too');
});

t.test('a journal that fails after the frames left: the legs are sent, new entries halt', async (t) => {
  const { exec, rec, log, wal, rejected } = setup(t);
  exec.reserveAhead(); // their ids are in a durably reserved block
  wal.close(); // then every write fails
  const wires = new Float64Array(2);
  exec.onIntents(rec, 2, 50, wires);
  t.same(log.filter((l) => l.startsWith('write')).length, 2, 'both frames written: they cannot be taken back');
  t.ok(wires[0]! > 0 && wires[1]! > 0);
  t.same(rejected, []);
  t.match(exec.entriesHaltReason(), /order journal write failed after a send/);
});

t.test('a journal that cannot be written: no leg of the step is sent, each is refused', async (t) => {
  const { exec, rec, log, wal, rejected } = setup(t);
  wal.close();
  const wires = new Float64Array(2);
  exec.onIntents(rec, 2, 50, wires);
  t.same(log, [], 'nothing built, nothing written');
  t.same([...wires], [0, 0]);
  t.same(rejected, [1, 2]);
  t.equal(exec.counters.refused_wal, 2);
});

t.test('an order refused locally does not hold an unrelated one back', async (t) => {
  const { exec, rec, log } = setup(t);
  rec[INTENT_WORDS + I_QTY] = 0; // the second order is invalid
  rec[INTENT_WORDS + I_PAIR_ID] = 0; // and not the first one's twin (a twin is refused with it: live-executor-pair-whole.test.ts)
  rec[INTENT_WORDS + I_ROLE] = ROLE_HEDGE;
  const wires = new Float64Array(2);
  exec.onIntents(rec, 2, 50, wires);
  t.same(log, ['build xstep-1', 'write xstep-1 (journal has 0 send lines, ids reserved)']);
  t.ok(wires[0]! > 0);
  t.equal(wires[1], 0);
});

/** setup() with the yield marked in the step's log where it happened (the journal's send lines counted then). */
function withYields(t: { teardown(fn: () => void): void }): ReturnType<typeof setup> {
  const s: ReturnType<typeof setup> = setup(t, false, () => {
    const lines = s.text().split('\n').filter((l) => l.includes('"k":"send"')).length;
    s.log.push(`yield (journal has ${lines} send lines)`);
  });
  return s;
}

t.test('a pair on the wire: the thread yields its core once, right after both frames, before their send lines', async (t) => {
  const { exec, rec, log, text } = withYields(t);
  exec.onIntents(rec, 2, 50, new Float64Array(2));
  t.same(log, [
    'build xstep-1',
    'build xstep-2',
    'write xstep-1 (journal has 0 send lines, ids reserved)',
    'write xstep-2 (journal has 0 send lines, ids reserved)',
    'yield (journal has 0 send lines)',
  ]);
  t.same(journalLines(text()), ['reserve', 'send xstep-1', 'send xstep-2'], 'the send lines follow the yield');
});

t.test('a step that wrote one frame (its other order refused) does not yield', async (t) => {
  const { exec, rec, log } = withYields(t);
  rec[INTENT_WORDS + I_QTY] = 0;
  rec[INTENT_WORDS + I_PAIR_ID] = 0;
  rec[INTENT_WORDS + I_ROLE] = ROLE_HEDGE;
  exec.onIntents(rec, 2, 50, new Float64Array(2));
  t.same(log, ['build xstep-1', 'write xstep-1 (journal has 0 send lines, ids reserved)']);
});

t.test('orders sent one by one (onIntent) never yield: each step writes one frame', async (t) => {
  const { exec, rec, log } = withYields(t);
  exec.onIntent(rec, 0, 50);
  exec.onIntent(rec, INTENT_WORDS, 51);
  t.equal(log.filter((l) => l.startsWith('yield')).length, 0);
});
