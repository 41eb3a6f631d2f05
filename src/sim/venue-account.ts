/**
 * What a simulated venue remembers and enforces beyond one request: the ledger (trades,
 * balances), the private-stream subscribers, the armed order-entry faults and the usage
 * counters behind the rate-limit headers. One per venue, shared by its REST handlers and its
 * WebSocket sessions.
 */
import type { SimLedger } from './account-ledger.js';
import type { OrderFaults } from './order-faults.js';
import type { PrivateStreamHub } from './private-stream-hub.js';
import type { BinanceUsage, BybitUsage } from './usage.js';

export interface VenueAccountState {
  ledger: SimLedger;
  hub: PrivateStreamHub;
  faults: OrderFaults;
  binanceUsage: BinanceUsage;
  bybitUsage: BybitUsage;
  /** API keys that may withdraw (the permission endpoints report it; default none). */
  canWithdraw: ReadonlySet<string>;
  takerFeeRate: number;
  makerFeeRate: number;
}
