/**
 * Unknown status done right: "not placed" only after timestamp + recvWindow + measured skew has
 * passed at the venue AND both the order query and the order history show no trace after that;
 * any trace means placed; before the deadline not-found answers change nothing (the bug this
 * replaces declared orders dead after 2-3 quick not-found answers); unresolved orders block
 * their symbol and are never dropped.
 */
import t from 'tap';
import fc from 'fast-check';
import { acceptDeadlineLocalMs, DEFAULT_IOC_RECV_WINDOW_MS, NOT_PLACED_MARGIN_MS, UnknownOrder, UnknownOrderBook,
  type UnknownOrderInput } from '../../src/execution/unknown-order.js';

const input = (over: Partial<UnknownOrderInput> = {}): UnknownOrderInput => ({
  venue: 'binance', symbol: 'BTCUSDT', clientOrderId: 'xdeadbeef-1', requestTimestampMs: 10_000, recvWindowMs: DEFAULT_IOC_RECV_WINDOW_MS, ...over,
});
const skew = { offsetMs: 200, uncertaintyMs: 5 };

t.test('the deadline is timestamp + recvWindow − offset + uncertainty + margin, in local ms', async (t) => {
  t.equal(acceptDeadlineLocalMs(input(), skew), 10_000 + 1000 - 200 + 5 + NOT_PLACED_MARGIN_MS);
  t.equal(DEFAULT_IOC_RECV_WINDOW_MS, 1000);
});

t.test('regression: quick not-found answers before the deadline never make it "not placed"', async (t) => {
  const o = new UnknownOrder(input(), skew, 9_810);
  for (const at of [9_815, 9_820, 9_830]) t.equal(o.observe({ kind: 'query', found: false, atLocalMs: at }), 'waiting');
  t.equal(o.observe({ kind: 'history', found: false, atLocalMs: 9_840 }), 'waiting');
  t.equal(o.nextCheckAtMs(9_840), o.deadlineLocalMs, 'look again at the deadline');
});

t.test('after the deadline: query and history both empty → not placed; only one → still waiting', async (t) => {
  const o = new UnknownOrder(input(), skew, 9_810);
  const after = o.deadlineLocalMs + 1;
  t.equal(o.observe({ kind: 'query', found: false, atLocalMs: after }), 'waiting');
  t.equal(o.nextLook(), 'history');
  t.equal(o.observe({ kind: 'history', found: false, atLocalMs: after + 5 }), 'not_placed');
});

t.test('any trace means placed, with the venue\'s quantity', async (t) => {
  const o = new UnknownOrder(input(), skew, 0);
  t.equal(o.observe({ kind: 'history', found: false, atLocalMs: o.deadlineLocalMs + 1 }), 'waiting');
  t.equal(o.observe({ kind: 'stream', atLocalMs: o.deadlineLocalMs + 2, cumQty: 0.3, final: true }), 'placed');
  t.equal(o.cumQty, 0.3);
  t.ok(o.final);
  const late = new UnknownOrder(input(), skew, 0);
  late.observe({ kind: 'query', found: true, atLocalMs: 1, cumQty: 0 });
  t.equal(late.state, 'placed', 'found before the deadline: placed (maybe not yet filled)');
});

t.test('the book: blocks the symbol, halts when too many, releases resolved orders', async (t) => {
  const b = new UnknownOrderBook(2);
  const a = b.add(input({ clientOrderId: 'xa-1' }), skew, 0);
  t.equal(b.add(input({ clientOrderId: 'xa-1' }), skew, 5), a, 'added once');
  t.ok(b.blocks('BTCUSDT'));
  t.notOk(b.blocks('ETHUSDT'));
  t.notOk(b.shouldHalt());
  b.add(input({ clientOrderId: 'xa-2', symbol: 'ETHUSDT', venue: 'bybit' }), skew, 0);
  t.ok(b.shouldHalt(), 'too many unresolved orders halt entries');
  t.equal(b.observe('binance', 'xa-1', { kind: 'query', found: false, atLocalMs: 0 }), null);
  const done = b.observe('binance', 'xa-1', { kind: 'stream', atLocalMs: 1, cumQty: 1 });
  t.equal(done?.state, 'placed');
  t.notOk(b.blocks('BTCUSDT'));
  t.same(b.due(a.deadlineLocalMs + 10, () => 0).map((o) => o.input.clientOrderId), ['xa-2']);
  t.equal(b.observe('nope', 'x', { kind: 'stream', atLocalMs: 0 }), null);
});

t.test('property: "not placed" never before the deadline, whatever the evidence order', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.record({ kind: fc.constantFrom('query' as const, 'history' as const), at: fc.integer({ min: 9_000, max: 13_000 }) }), { maxLength: 12 }),
    fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: 0, max: 50 }),
    (looks, offsetMs, uncertaintyMs) => {
      const o = new UnknownOrder(input(), { offsetMs, uncertaintyMs }, 9_000);
      let notPlacedAt = -1;
      for (const l of looks.sort((a, b) => a.at - b.at)) {
        if (o.observe({ kind: l.kind, found: false, atLocalMs: l.at }) === 'not_placed' && notPlacedAt < 0) notPlacedAt = l.at;
      }
      if (notPlacedAt < 0) return true;
      const serverAt = notPlacedAt + offsetMs - uncertaintyMs; // the venue clock at the deciding look, worst case
      return serverAt > 10_000 + 1000 && looks.some((l) => l.kind === 'query' && l.at >= o.deadlineLocalMs) &&
        looks.some((l) => l.kind === 'history' && l.at >= o.deadlineLocalMs);
    }), { numRuns: 500, seed: 7 });
});
