/**
 * The venue's clock as seen from here: offset = server time − local time at the middle of the
 * round trip, with half the round trip as its uncertainty. Several samples are kept and the
 * one with the shortest round trip wins (the least uncertain). Measured at start, again every
 * `resyncEveryMs`, and at once after the venue rejects a timestamp (Binance -1021, Bybit 10002),
 * because a drifting clock turns every order into a reject.
 *
 * Pure: the caller does the GET /api/v3/time or /v5/market/time (server-time.ts) and passes the
 * three times in.
 */

export interface ClockSample {
  offsetMs: number;
  rttMs: number;
  atLocalMs: number;
}

/** Timestamp-rejection codes that force a resync. */
export const TIMESTAMP_REJECT_CODES: ReadonlySet<number> = new Set([-1021, 10002]);

export class ClockOffsetTracker {
  private samples: ClockSample[] = [];
  private resyncRequested = true;
  resyncs = 0;

  constructor(private readonly resyncEveryMs = 60_000, private readonly keep = 5, private readonly maxSampleAgeMs = 300_000) {}

  /** One measurement: local send time, the venue's answer, local receive time. */
  onSample(localSendMs: number, serverMs: number, localRecvMs: number): ClockSample | null {
    const rtt = localRecvMs - localSendMs;
    if (!(rtt >= 0) || !Number.isFinite(serverMs)) return null;
    const s = { offsetMs: serverMs - (localSendMs + localRecvMs) / 2, rttMs: rtt, atLocalMs: localRecvMs };
    this.samples.push(s);
    this.samples = this.samples.filter((x) => localRecvMs - x.atLocalMs <= this.maxSampleAgeMs).slice(-this.keep);
    this.resyncRequested = false;
    this.resyncs++;
    return s;
  }

  /** The best current sample (shortest round trip), or null before the first. */
  best(): ClockSample | null {
    let b: ClockSample | null = null;
    for (const s of this.samples) if (b === null || s.rttMs < b.rttMs) b = s;
    return b;
  }

  offsetMs(): number {
    return this.best()?.offsetMs ?? 0;
  }

  uncertaintyMs(): number {
    const b = this.best();
    return b === null ? Infinity : b.rttMs / 2;
  }

  /** Venue-aligned ms for a request timestamp. */
  venueNowMs(localMs: number): number {
    return Math.round(localMs + this.offsetMs());
  }

  /** A rejection code from the venue: a timestamp one asks for a resync now. Returns whether it did. */
  onReject(code: number): boolean {
    if (!TIMESTAMP_REJECT_CODES.has(code)) return false;
    this.resyncRequested = true;
    // The old samples are what produced the reject: drop them.
    this.samples = [];
    return true;
  }

  /** Whether a measurement is due (never measured, asked for, or periodic). */
  needsResync(nowLocalMs: number): boolean {
    if (this.resyncRequested) return true;
    const last = this.samples.reduce((m, s) => Math.max(m, s.atLocalMs), -Infinity);
    return nowLocalMs - last >= this.resyncEveryMs;
  }
}
