/**
 * The order client a venue gets in live mode: the WebSocket order API when its session is
 * ready (the default path), REST over the kept-alive pool otherwise. The choice is made per
 * order at send time; an order already sent over the WS API stays with it until settled
 * (answered, or resolved by the order query when the session is lost), so it is never sent
 * twice. Counters, back-off and key halts are the REST client's, shared by both paths.
 */
import type { ClientCounters, LiveOrder, UpdateListener, VenueOrderClient } from './order-types.js';

export interface WsOrderPath {
  /** Writes the order and returns its settlement, or null when the session is not ready. */
  place(order: LiveOrder, listener: UpdateListener): Promise<void> | null;
  /** Builds one request without sending it (LiveExecutor.keepWarm). */
  keepWarm(): void;
  close(): void;
}

export interface RestOrderPath extends VenueOrderClient {
  haltReason(): string | null;
}

export class RoutedOrderClient implements VenueOrderClient {
  readonly venue: number;
  readonly counters: ClientCounters;

  constructor(private readonly rest: RestOrderPath, private readonly ws: WsOrderPath | null) {
    this.venue = rest.venue;
    this.counters = rest.counters;
  }

  place(order: LiveOrder, listener: UpdateListener): Promise<void> {
    const ws = this.ws;
    if (ws !== null) {
      const p = ws.place(order, listener);
      if (p !== null) return p;
    }
    return this.rest.place(order, listener);
  }

  keepWarm(): void {
    this.ws?.keepWarm();
  }

  /** Unknown outcomes are looked at over REST, whichever path sent the order. */
  resolve(order: LiveOrder, listener: UpdateListener): Promise<void> {
    return this.rest.resolve?.(order, listener) ?? Promise.resolve();
  }

  backoffUntilMs(): number {
    return this.rest.backoffUntilMs();
  }

  haltReason(): string | null {
    return this.rest.haltReason();
  }

  close(): void {
    this.ws?.close();
  }
}
