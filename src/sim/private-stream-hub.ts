/**
 * Who listens to an account's private stream on the simulator, and the fault that cuts them.
 * The WebSocket sessions (Binance WS API `userDataStream.subscribe[.signature]`, Bybit
 * `/v5/private` after `auth`) register a subscriber here; the ledger's events are turned into
 * the venue's payloads (user-data-binance.ts, private-bybit.ts) and handed to every subscriber
 * of the account. A `private_disconnect` fault closes them all (closeAll); a `private_mute`
 * fault keeps them open and drops what they would have carried for a while (mute).
 */
export interface PrivateSubscriber {
  /** Subscription id (Binance's `subscriptionId`; a counter per hub). */
  readonly id: number;
  readonly apiKey: string;
  /** Bybit topics ("order", "execution", "wallet"); null = everything (Binance). */
  readonly topics: ReadonlySet<string> | null;
  send(text: string): void;
  /** Ends the subscription from the venue side (the socket is closed). */
  close(): void;
}

export class PrivateStreamHub {
  private readonly subs = new Map<number, PrivateSubscriber>();
  private nextId = 0;
  /** Payloads handed to subscribers so far. */
  sent = 0;
  /** Payloads a private_mute fault dropped. */
  muted = 0;
  private mutedUntilMs = 0;
  private muteNow: () => number = () => 0;

  subscribe(apiKey: string, topics: ReadonlySet<string> | null, send: (text: string) => void, close: () => void): PrivateSubscriber {
    const sub: PrivateSubscriber = { id: this.nextId++, apiKey, topics, send, close };
    this.subs.set(sub.id, sub);
    return sub;
  }

  unsubscribe(id: number): boolean {
    return this.subs.delete(id);
  }

  /** Subscribers of `apiKey` that want `topic`. */
  subscribers(apiKey: string, topic: string): PrivateSubscriber[] {
    const out: PrivateSubscriber[] = [];
    for (const s of this.subs.values()) if (s.apiKey === apiKey && (s.topics === null || s.topics.has(topic))) out.push(s);
    return out;
  }

  /** Sends `make(subscriber)` to every subscriber of `apiKey` wanting `topic`. */
  publish(apiKey: string, topic: string, make: (sub: PrivateSubscriber) => string): number {
    if (this.mutedUntilMs > 0) {
      if (this.muteNow() < this.mutedUntilMs) {
        this.muted += this.subscribers(apiKey, topic).length;
        return 0;
      }
      this.mutedUntilMs = 0;
    }
    let n = 0;
    for (const s of this.subscribers(apiKey, topic)) {
      s.send(make(s));
      n++;
    }
    this.sent += n;
    return n;
  }

  get size(): number {
    return this.subs.size;
  }

  /** The private_mute fault: until `untilMs` (by `now`, server ms) nothing is sent. */
  mute(untilMs: number, now: () => number): void {
    this.mutedUntilMs = untilMs;
    this.muteNow = now;
  }

  /** The private_disconnect fault: every subscriber is dropped and its socket closed. */
  closeAll(): number {
    const all = [...this.subs.values()];
    this.subs.clear();
    for (const s of all) s.close();
    return all.length;
  }
}
