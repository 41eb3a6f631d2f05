/**
 * Test helper: one IOC pair-leg buy intent record (records.ts I_* layout) at offset 0 of `rec`,
 * at 60,000, its pair id its order id, handed to the executor as one intent.
 */
import {
  ACTION_NEW, H_RECV_NS, H_SYMBOL, H_VENUE, I_ACTION, I_ORDER_ID, I_PAIR_ID, I_PRICE, I_QTY, I_ROLE, I_SIDE, I_TIF, INTENT_WORDS, ROLE_LEG_BUY,
  SIDE_BUY, TIF_IOC,
} from '../../../src/core/records.js';
import type { LiveExecutor } from '../../../src/execution/live/live-executor.js';

/** Returns `intent(id, qty)`: sends a buy leg of `qty` on `venue` through `exec.onIntent`. */
export function legIntents(exec: LiveExecutor, venue: number): (id: number, qty: number) => void {
  const rec = new Float64Array(INTENT_WORDS);
  return (id, qty) => {
    rec.fill(0);
    rec[H_VENUE] = venue; rec[H_SYMBOL] = 0; rec[I_ACTION] = ACTION_NEW; rec[I_ORDER_ID] = id; rec[I_PAIR_ID] = id;
    rec[I_SIDE] = SIDE_BUY; rec[I_PRICE] = 60_000; rec[I_QTY] = qty; rec[I_TIF] = TIF_IOC; rec[I_ROLE] = ROLE_LEG_BUY; rec[H_RECV_NS] = 1;
    exec.onIntent(rec, 0, 1);
  };
}
