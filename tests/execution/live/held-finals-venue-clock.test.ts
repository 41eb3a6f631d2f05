/**
 * A held final's executions query runs in the venue's clock: our wall clock plus the measured
 * offset (the executor's clock sync), with the margin around it. A venue clock 9 s ahead (allowed;
 * an offset beyond recvWindow/2 only warns) still puts the execution inside the window, so its
 * real fee is found instead of the taker-rate estimate.
 */
import t from 'tap';
import { ASSET_BASE, ASSET_QUOTE, ROLE_LEG_BUY, SIDE_BUY, ST_FILLED, TIF_IOC, VENUE_BYBIT } from '../../../src/core/records.js';
import { OrderTracker } from '../../../src/execution/order-tracker.js';
import { HeldFinals, type VenueFeeSource } from '../../../src/execution/live/held-finals.js';
import { finalUpdate, type LiveOrder } from '../../../src/execution/live/order-types.js';

t.test('the executions query of a held final covers the execution\'s venue time when the venue clock is 9 s ahead', async (t) => {
  const VENUE_AHEAD_MS = 9_000;
  const tracker = new OrderTracker(8);
  const slot = tracker.open(5, 5, VENUE_BYBIT, 0, SIDE_BUY, 60_000, 0.02, TIF_IOC, ROLE_LEG_BUY, 0, 1e18, 0);
  const queries: Array<[number, number]> = [];
  const source: VenueFeeSource = {
    queryFills: (_s, since, until) => { queries.push([since, until]); return Promise.resolve(); },
    takerFee: (side, qty, px) => (side === 'BUY' ? { fee: qty * 0.001, feeAsset: ASSET_BASE } : { fee: qty * px * 0.001, feeAsset: ASSET_QUOTE }),
  };
  let wall = 10_000;
  const held = new HeldFinals({
    tracker, symbols: ['BTCUSDT'], feeSources: [null, source], ledger: { qty: new Float64Array(8), fee: new Float64Array(8), feeAsset: new Uint8Array(8) },
    counters: { finals_fee_held: 0, fee_queries: 0, fees_missing: 0, in_flight: 0 }, feeWaitMs: 3000, wallMs: () => wall,
    venueClockOffsetMs: (v) => (v === VENUE_BYBIT ? VENUE_AHEAD_MS : 0), // measured by the clock sync
    log: () => undefined, clientOrderId: (id) => `xh-${id}`, settle: () => undefined, onDrop: () => undefined,
  });
  const order: LiveOrder = { orderId: 5, clientOrderId: 'xh-5', symbol: 'BTCUSDT', side: 'BUY', price: '60000', qty: '0.02', settled: false, venue: VENUE_BYBIT };
  held.hold(slot, order, { ...finalUpdate(ST_FILLED, 0.02, 60_000, 0, ASSET_BASE, 0, '', 'b5', 'Filled'), feeMissing: true }, 0, 10_000); // sent at our 10,000
  const execVenueMs = 10_000 + VENUE_AHEAD_MS + 20; // filled 20 ms after the send, stamped by the venue's clock
  wall = 13_000;
  held.check(3000e6, false);
  t.equal(queries.length, 1);
  const [since, until] = queries[0]!;
  t.ok(since <= execVenueMs && execVenueMs <= until, `the venue's execution at ${execVenueMs} lies in the query [${since}, ${until}]`);
  t.ok(since >= 10_000 + VENUE_AHEAD_MS - 10_000, 'the window starts near the send in venue time (not widened by the offset)');
});
