/**
 * The venues' symbol filters, read again during the run (`execution.live.filter_refresh_s`):
 * Binance `GET /api/v3/exchangeInfo?symbol=`, Bybit `GET /v5/market/instruments-info`, through
 * the same parsers as at start (filters-fetch.ts). A changed tick, step, minimum quantity or
 * minimum notional replaces the symbol's entry in the executor's filter table, which the
 * pre-send checks and the order formatting read on every order (pre-send.ts, live-executor.ts):
 * the next order obeys it. Each change is one warning line with the old and new values.
 *
 * A read whose filters cannot form an order (a tick or step of 0, negative, not a number, or of
 * more than 12 decimals; a negative minimum) is refused: the last good filters stay, counted
 * `filter_refresh_invalid` with an error line.
 *
 * Off the order path: called from the executor's housekeeping; a read waits for the venue's
 * query budget (venue-rules.ts) and is skipped, not queued, while the budget or a back-off
 * says no. A failed read keeps the filters as they were (counted, logged once per failure).
 */
import { MARKET_SPOT, VENUE_NAMES } from '../../core/records.js';
import { symbolFiltersUrl } from '../../venues/filters-fetch.js';
import { venueAdapter } from '../../venues/registry.js';
import type { LiveLog } from './client-base.js';
import type { LiveSymbolFilter } from './live-executor.js';
import type { VenueRules } from './venue-rules.js';
import { stepDecimals } from './decimal.js';

export interface FilterRefreshOptions {
  symbols: readonly string[];
  /** filters[venueId][symbol]: the executor's table, updated in place. */
  filters: readonly (Record<string, LiveSymbolFilter> | undefined)[];
  restUrls: readonly string[];
  rules: readonly (VenueRules | null)[];
  /** 0 = never. */
  everyMs: number;
  wallMs: () => number;
  log: LiveLog;
  /** GET a URL: status and body (default: fetch with a 5 s timeout). */
  get?: (url: string) => Promise<{ status: number; text: string }>;
}

const PATHS = ['/api/v3/exchangeInfo', '/v5/market/instruments-info'];

async function defaultGet(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, text: await r.text() };
}

/** Why a filter cannot form orders (a tick or step not a positive number of ≤ 12 decimals, a minimum not a finite number ≥ 0), or null. */
export function filterProblem(f: LiveSymbolFilter): string | null {
  if (stepDecimals(f.tickSize) < 0) return `tickSize ${f.tickSize} is not a positive number of at most 12 decimals`;
  if (stepDecimals(f.stepSize) < 0) return `stepSize ${f.stepSize} is not a positive number of at most 12 decimals`;
  for (const [k, v] of [['minQty', f.minQty], ['minNotional', f.minNotional]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return `${k} ${v} is not a finite number ≥ 0`;
  }
  return null;
}

function same(a: LiveSymbolFilter, b: LiveSymbolFilter): boolean {
  return a.tickSize === b.tickSize && a.stepSize === b.stepSize && (a.minQty ?? 0) === (b.minQty ?? 0) && (a.minNotional ?? 0) === (b.minNotional ?? 0);
}

export class FilterRefresh {
  /** filter_refresh_invalid: answers whose filters could not form an order (kept out; the last good ones stay). */
  readonly counters = { filter_refreshes: 0, filter_changes: 0, filter_refresh_failed: 0, filter_refresh_held: 0, filter_refresh_invalid: 0 };
  private nextMs: number;
  private running = false;

  constructor(private readonly o: FilterRefreshOptions) {
    this.nextMs = o.wallMs() + o.everyMs;
  }

  /** Housekeeping: starts a refresh when due (one at a time). */
  tick(): void {
    if (this.o.everyMs <= 0 || this.running) return;
    const now = this.o.wallMs();
    if (now < this.nextMs) return;
    this.nextMs = now + this.o.everyMs;
    this.running = true;
    void this.refresh().finally(() => { this.running = false; });
  }

  /** Reads every venue's filters once; returns how many symbol entries changed. Never throws. */
  async refresh(): Promise<number> {
    const get = this.o.get ?? defaultGet;
    let changed = 0;
    for (let v = 0; v < this.o.filters.length; v++) {
      const table = this.o.filters[v];
      const base = this.o.restUrls[v] ?? '';
      if (table === undefined || base === '' || v > 1) continue;
      const venue = VENUE_NAMES[v] as 'binance' | 'bybit';
      for (const symbol of this.o.symbols) {
        const held = this.o.rules[v]?.takeQuery(PATHS[v]!, this.o.wallMs()) ?? null;
        if (held !== null) {
          this.counters.filter_refresh_held++;
          continue;
        }
        const url = symbolFiltersUrl(venue, base, symbol, MARKET_SPOT);
        let next: LiveSymbolFilter;
        try {
          const a = await get(url);
          this.o.rules[v]?.onHttpAnswer(PATHS[v]!, a.status, () => null, NaN, a.text);
          if (a.status !== 200) throw new Error(`HTTP ${a.status}: ${a.text.slice(0, 120)}`);
          const f = venueAdapter(venue).parseSymbolFilters(a.text, symbol, MARKET_SPOT);
          next = { tickSize: f.tickSize, stepSize: f.stepSize, minQty: f.minQty, minNotional: f.minNotional };
        } catch (e) {
          this.counters.filter_refresh_failed++;
          this.o.log('warn', 'symbol filters could not be read again; the previous ones stay', { venue, symbol, err: (e as Error).message });
          continue;
        }
        this.counters.filter_refreshes++;
        const prev = table[symbol];
        const bad = filterProblem(next);
        if (bad !== null) {
          // A tick of 0 (Binance's "rule disabled"), a garbled step: every order would fail to
          // form. The last good filters stay; the venue's answer is logged.
          this.counters.filter_refresh_invalid++;
          this.o.log('error', 'symbol filters read again are unusable: the previous ones stay', { venue, symbol, err: bad, answered: next, kept: prev ?? null });
          continue;
        }
        if (prev === undefined) {
          table[symbol] = next; // a symbol the start-up could not read: filled, not a change
          continue;
        }
        if (same(prev, next)) continue;
        table[symbol] = next;
        changed++;
        this.counters.filter_changes++;
        this.o.log('warn', 'symbol filters changed at the venue: orders follow the new ones', { venue, symbol, before: prev, after: next });
      }
    }
    return changed;
  }
}
