/**
 * A part (here: an xarb order in no journal, a part of its own) that paid a base-coin fee is
 * counted as the part the account holds: a buy of 1 that paid 0.001 BTC exactly as a buy of
 * 0.999 that paid none, a sell of 1 that paid 0.001 BTC as a sell of 1.001, wherever the trades
 * by hand fall around it. Every sequence of up to five events (such parts of ±1, with and without
 * a fee, and trades by hand of 0.5, 1 or 1.5 either way) is checked against the same sequence
 * with the fee folded into the part's quantity. And where the trades by hand only ever close
 * what xarb left open, the count is the venue's net, fees included.
 */
import t from 'tap';
import { reconcileAtStart, type Side, type Venue, type VenueFillView, type VenueSnapshot } from '../../src/execution/reconcile.js';

type Ev = { kind: 'part'; side: Side; fee: boolean } | { kind: 'hand'; side: Side; qty: number };
const FEE = 0.001;
const EVENTS: Ev[] = [];
for (const side of ['buy', 'sell'] as const) {
  for (const fee of [false, true]) EVENTS.push({ kind: 'part', side, fee });
  for (const qty of [0.5, 1, 1.5]) EVENTS.push({ kind: 'hand', side, qty });
}
const round9 = (x: number): number => Math.round(x * 1e9) / 1e9;

/** The fills of a sequence (one an hour); `folded`: each part's fee folded into its quantity. */
function fills(seq: readonly Ev[], folded: boolean): VenueFillView[] {
  return seq.map((e, i) => {
    const venue: Venue = i % 2 === 0 ? 'binance' : 'bybit';
    const base = { venue, symbol: 'BTCUSDT', tradeId: `t${i}`, orderId: `o${i}`, side: e.side, price: 60_000, timeMs: (i + 1) * 3600_000 };
    if (e.kind === 'hand') return { ...base, clientOrderId: `web_${i}`, qty: e.qty };
    const cid = `xdead${(0x1000 + i).toString(16)}-1`;
    if (!e.fee) return { ...base, clientOrderId: cid, qty: 1 };
    if (folded) return { ...base, clientOrderId: cid, qty: e.side === 'buy' ? 1 - FEE : 1 + FEE };
    return { ...base, clientOrderId: cid, qty: 1, baseFee: FEE };
  });
}

function believed(f: readonly VenueFillView[]): number {
  const snaps: VenueSnapshot[] = (['binance', 'bybit'] as const).map((venue) => ({ venue, balances: new Map(), openOrders: [], history: [], fills: f.filter((x) => x.venue === venue) }));
  const v = reconcileAtStart(snaps, [], { exposurePolicy: 'halt', dustQty: () => 1e-9, balanceTolerance: () => 0 });
  return round9(v.exposure.reduce((a, e) => a + e.netQty, 0));
}

/** The venue's net since the first part, fees included, if every trade by hand only closes (null otherwise). */
function truthIfOnlyCloses(f: readonly VenueFillView[]): number | null {
  let net = 0;
  let started = false;
  for (const x of f) {
    const move = (x.side === 'buy' ? x.qty : -x.qty) - (x.baseFee ?? 0);
    if (x.clientOrderId.startsWith('web_')) {
      if (!started) return null;
      if (Math.sign(move) === Math.sign(net) || round9(Math.abs(move) - Math.abs(net)) > 0) return null;
    } else started = true;
    net = round9(net + move);
  }
  return net;
}

t.test('every sequence of up to five events: a part\'s base fee counts as that part\'s own quantity', async (t) => {
  let checked = 0;
  let closing = 0;
  const bad: string[] = [];
  const walk = (seq: Ev[]): void => {
    if (seq.some((e) => e.kind === 'part' && e.fee)) {
      checked++;
      const got = believed(fills(seq, false));
      const want = believed(fills(seq, true));
      if (got !== want && bad.length < 5) bad.push(`${JSON.stringify(seq)}: ${got}, folded ${want}`);
      const truth = truthIfOnlyCloses(fills(seq, false));
      if (truth !== null) {
        closing++;
        if (got !== truth && bad.length < 5) bad.push(`${JSON.stringify(seq)}: ${got}, the venue holds ${truth}`);
      }
    }
    if (seq.length < 5) for (const e of EVENTS) walk([...seq, e]);
  };
  walk([]);
  t.same(bad, [], `${checked} sequences with a fee, ${closing} of them with closes only`);
  t.ok(checked > 10_000 && closing > 100, `explored ${checked} sequences, ${closing} with closes only`);
});

t.test('the review\'s case: long 1 that paid 0.001, sold 0.999 by hand, then short 1: short 1', async (t) => {
  t.equal(believed(fills([{ kind: 'part', side: 'buy', fee: true }, { kind: 'hand', side: 'sell', qty: 0.999 }, { kind: 'part', side: 'sell', fee: false }], false)), -1);
});
