/**
 * Seeded market generator for both venues. Pure: time comes in as an argument, randomness
 * from one seeded PRNG, so the same seed and the same sequence of `advanceTo` calls give the
 * same updates.
 *
 * Model, per symbol:
 * - a common fair price, a geometric random walk stepped every `fairStepMs`;
 * - per venue, the fair price as it was `lagSteps[venue]` steps ago (lead-lag), plus a small
 *   AR(1) noise in bps, plus any active dislocation;
 * - per venue, a book of `depthLevels` levels a side in that venue's ticks and lots. Each
 *   update event either moves the touch to the target (removing crossed levels, inserting the
 *   new best, trimming or refilling the tail so the book keeps `depthLevels` levels), or
 *   changes the size of one level, mostly near the top.
 * Update events arrive at `updatesPerSecond` per venue on a fixed grid, symbol drawn at random.
 * Dislocations arrive as a Poisson process: one venue's quote jumps 15–40 bps for a few
 * hundred ms, then reverts.
 */
import { BookSide } from './book-side.js';
import { instrumentSpec, venueInstrument, type InstrumentSpec, type SimVenue, VENUE_BINANCE, VENUE_BYBIT } from './instruments.js';
import { unitOf } from './decimal-format.js';
import { Prng } from '../core/prng.js';
import { UpdateBatch } from './update-batch.js';

export interface GeneratorOptions {
  seed: number;
  symbols: readonly string[];
  /** Override starting prices, e.g. { BTCUSDT: 65000 }. */
  startPrices?: Record<string, number>;
  /** Book update events per second per venue (all symbols together). */
  updatesPerSecond: number;
  /** Levels kept per side of every book. */
  depthLevels: number;
  /** Fair price step, ms. */
  fairStepMs: number;
  /** Fair price volatility, bps per sqrt(second). */
  volatilityBps: number;
  /** Lead-lag: how many fair steps behind the fair price each venue quotes, [binance, bybit]. */
  lagSteps: readonly [number, number];
  /** Standard deviation of each venue's quote noise around the fair price, bps. */
  noiseBps: number;
  /** Quoted spread, bps (at least one tick). */
  spreadBps: number;
  /** Typical gap between book levels below the touch, bps (at least one tick). */
  levelGapBps: number;
  /** Mean time between random dislocations, ms; 0 disables them. */
  dislocationEveryMs: number;
  dislocationBps: readonly [number, number];
  dislocationMs: readonly [number, number];
  /** Mean notional per level, quote currency. */
  levelNotional: number;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  seed: 1,
  symbols: ['BTCUSDT', 'ETHUSDT'],
  updatesPerSecond: 2000,
  depthLevels: 200,
  fairStepMs: 10,
  volatilityBps: 1.5,
  lagSteps: [0, 3],
  noiseBps: 0.5,
  spreadBps: 0.02,
  levelGapBps: 0.1,
  dislocationEveryMs: 10_000,
  dislocationBps: [15, 40],
  dislocationMs: [200, 600],
  levelNotional: 2000,
};

const HISTORY = 256; // fair price ring, in steps; lagSteps must stay below it
const HISTORY_MASK = HISTORY - 1;
const LEVEL_PICK_P = 0.45; // geometric choice of the level whose size changes: 45% top
const MOVE_SLACK = 8; // spare capacity per side for inserts before the tail is trimmed

export class GeneratorConfigError extends Error {
  override readonly name = 'GeneratorConfigError';
}

/** One venue's book for one symbol, with the constants its updates need. */
export class VenueBook {
  readonly bids: BookSide;
  readonly asks: BookSide;
  noiseBps = 0;
  dislocationBps = 0;
  dislocationEnd = 0;
  constructor(
    readonly tickUnit: number,
    readonly stepUnit: number,
    readonly tickDecimals: number,
    readonly stepDecimals: number,
    readonly spreadTicks: number,
    readonly gapTicks: number,
    readonly meanLots: number,
    depth: number,
  ) {
    this.bids = new BookSide(depth + MOVE_SLACK, true);
    this.asks = new BookSide(depth + MOVE_SLACK, false);
  }
}

export class MarketGenerator {
  readonly options: GeneratorOptions;
  readonly symbols: readonly string[];
  readonly specs: readonly InstrumentSpec[];
  private readonly rng: Prng;
  /** books[venue][symbol] */
  private readonly books: VenueBook[][];
  private readonly fairLog: Float64Array[]; // per symbol ring of log fair price
  private fairStep = 0;
  private nextFairAt: number;
  private readonly nextEventAt: Float64Array; // per venue
  private readonly eventGapMs: number;
  private nextDislocationAt: number;
  /** Dislocations scheduled at a simulated time (scheduleDislocation), earliest first. */
  private readonly scheduled: Array<{ atMs: number; book: VenueBook; bps: number; durationMs: number }> = [];
  private nextScheduledAt = Infinity;
  private readonly stepSigma: number;
  private nowMs = 0;

  constructor(opts: Partial<GeneratorOptions> & { seed: number; symbols: readonly string[] }) {
    const o: GeneratorOptions = { ...DEFAULT_GENERATOR_OPTIONS, ...opts };
    if (o.symbols.length === 0) throw new GeneratorConfigError('no symbols');
    if (!(o.updatesPerSecond > 0)) throw new GeneratorConfigError(`updatesPerSecond must be > 0, got ${o.updatesPerSecond}`);
    if (!(o.depthLevels >= 1)) throw new GeneratorConfigError(`depthLevels must be >= 1, got ${o.depthLevels}`);
    if (o.lagSteps[0] >= HISTORY || o.lagSteps[1] >= HISTORY) throw new GeneratorConfigError(`lagSteps must be < ${HISTORY}`);
    this.options = o;
    this.rng = new Prng(o.seed);
    this.specs = o.symbols.map((s) => instrumentSpec(s, o.startPrices?.[s.toUpperCase()]));
    this.symbols = this.specs.map((s) => s.symbol);
    this.stepSigma = (o.volatilityBps * 1e-4) * Math.sqrt(o.fairStepMs / 1000);
    this.fairLog = this.specs.map((s) => new Float64Array(HISTORY).fill(Math.log(s.startPrice)));
    this.books = [VENUE_BINANCE, VENUE_BYBIT].map((venue) => this.specs.map((s) => this.buildBook(venue, s)));
    this.nextFairAt = o.fairStepMs;
    this.eventGapMs = 1000 / o.updatesPerSecond;
    // Offset the second venue by half a gap so the two do not tick in lockstep.
    this.nextEventAt = Float64Array.of(0, this.eventGapMs / 2);
    this.nextDislocationAt = o.dislocationEveryMs > 0 ? this.rng.exponential(o.dislocationEveryMs) : Infinity;
  }

  /** Simulated time reached so far, ms since the generator's start. */
  get now(): number {
    return this.nowMs;
  }

  symbolIndex(symbol: string): number {
    return this.symbols.indexOf(symbol.toUpperCase());
  }

  book(venue: number, symbol: number): VenueBook {
    const b = this.books[venue]?.[symbol];
    if (b === undefined) throw new RangeError(`no book for venue ${venue} symbol ${symbol}`);
    return b;
  }

  /** Current fair price of a symbol. */
  fairPrice(symbol: number): number {
    return Math.exp(this.fairLog[symbol]![this.fairStep & HISTORY_MASK]!);
  }

  /**
   * Forces a dislocation now: `venue`'s quote for `symbol` shifts by `bps` (signed) for
   * `durationMs` of simulated time, then reverts.
   */
  /**
   * The min_notional fault: a symbol's minimum order value on one venue from now on. The spec
   * is replaced by a copy (the instrument table is shared by every simulator in the process).
   */
  setMinNotional(symbol: string, venue: SimVenue, amount: number): void {
    const i = this.symbolIndex(symbol);
    const s = this.specs[i]!;
    (this.specs as InstrumentSpec[])[i] = { ...s, [venue]: { ...s[venue], minNotional: amount } };
  }

  /**
   * A dislocation at simulated time `atMs` exactly (from the first update at or after it to
   * `atMs + durationMs`), whatever the steps `advanceTo` is called with: two generators with
   * the same seed and the same schedule produce the same updates (the peer benchmark runs one
   * venue per process on two such generators). `atMs` must not be in the past.
   */
  scheduleDislocation(symbol: string, venue: SimVenue, bps: number, durationMs: number, atMs: number): void {
    const s = this.symbolIndex(symbol);
    if (s < 0) throw new GeneratorConfigError(`unknown symbol ${symbol}`);
    if (!(atMs >= this.nowMs)) throw new GeneratorConfigError(`dislocation at ${atMs} ms is before the generator's time ${this.nowMs} ms`);
    const book = this.book(venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, s);
    let i = this.scheduled.length;
    while (i > 0 && this.scheduled[i - 1]!.atMs > atMs) i--;
    this.scheduled.splice(i, 0, { atMs, book, bps, durationMs });
    this.nextScheduledAt = this.scheduled[0]!.atMs;
  }

  dislocate(symbol: string, venue: SimVenue, bps: number, durationMs: number): void {
    const s = this.symbolIndex(symbol);
    if (s < 0) throw new GeneratorConfigError(`unknown symbol ${symbol}`);
    const b = this.book(venue === 'binance' ? VENUE_BINANCE : VENUE_BYBIT, s);
    b.dislocationBps = bps;
    b.dislocationEnd = this.nowMs + durationMs;
  }

  /**
   * Runs every event due up to `timeMs` (simulated), appending the book updates to `out`.
   * Stops early once `out` holds `maxUpdates` updates and returns false: the caller is behind
   * and may call again, or `skipTo` to drop the backlog.
   */
  advanceTo(timeMs: number, out: UpdateBatch, maxUpdates = Infinity): boolean {
    for (;;) {
      const ne0 = this.nextEventAt[0]!;
      const ne1 = this.nextEventAt[1]!;
      const ne = ne0 <= ne1 ? ne0 : ne1;
      const nf = this.nextFairAt;
      const nd = this.nextDislocationAt;
      const ns = this.nextScheduledAt;
      if (ns <= ne && ns <= nf && ns <= nd) {
        if (ns > timeMs) break;
        this.nowMs = ns;
        const d = this.scheduled.shift()!;
        d.book.dislocationBps = d.bps;
        d.book.dislocationEnd = ns + d.durationMs;
        this.nextScheduledAt = this.scheduled.length > 0 ? this.scheduled[0]!.atMs : Infinity;
      } else if (nf <= ne && nf <= nd) {
        if (nf > timeMs) break;
        this.nowMs = nf;
        this.stepFair();
        this.nextFairAt = nf + this.options.fairStepMs;
      } else if (nd <= ne) {
        if (nd > timeMs) break;
        this.nowMs = nd;
        this.randomDislocation();
        this.nextDislocationAt = nd + this.rng.exponential(this.options.dislocationEveryMs);
      } else {
        if (ne > timeMs) break;
        if (out.updates >= maxUpdates) return false;
        const venue = ne0 <= ne1 ? 0 : 1;
        this.nowMs = ne;
        this.update(venue, this.rng.int(this.symbols.length), ne, out);
        this.nextEventAt[venue] = ne + this.eventGapMs;
      }
    }
    this.nowMs = timeMs;
    return true;
  }

  /** Drops pending update events before `timeMs` (the fair walk is still stepped in order). */
  skipTo(timeMs: number): void {
    if (this.nextEventAt[0]! < timeMs) this.nextEventAt[0] = timeMs;
    if (this.nextEventAt[1]! < timeMs) this.nextEventAt[1] = timeMs + this.eventGapMs / 2;
  }

  private buildBook(venue: number, s: InstrumentSpec): VenueBook {
    const o = this.options;
    const vi = venueInstrument(s, venue);
    const tick = unitOf(vi.tickDecimals);
    const step = unitOf(vi.stepDecimals);
    const spreadTicks = Math.max(1, Math.round((s.startPrice * o.spreadBps * 1e-4) / tick));
    const gapTicks = Math.max(1, Math.round((s.startPrice * o.levelGapBps * 1e-4) / tick));
    const meanLots = Math.max(1, o.levelNotional / s.startPrice / step);
    const b = new VenueBook(tick, step, vi.tickDecimals, vi.stepDecimals, spreadTicks, gapTicks, meanLots, o.depthLevels);
    const bid = Math.floor(s.startPrice / tick - spreadTicks / 2);
    let p = bid;
    for (let i = 0; i < o.depthLevels && p > 0; i++) {
      b.bids.set(p, this.randomLots(b));
      p -= gapTicks * (1 + this.rng.int(2));
    }
    p = bid + spreadTicks;
    for (let i = 0; i < o.depthLevels; i++) {
      b.asks.set(p, this.randomLots(b));
      p += gapTicks * (1 + this.rng.int(2));
    }
    return b;
  }

  private randomLots(b: VenueBook): number {
    return Math.max(1, Math.round(b.meanLots * Math.exp(0.8 * this.rng.normal())));
  }

  private stepFair(): void {
    const prev = this.fairStep & HISTORY_MASK;
    this.fairStep++;
    const cur = this.fairStep & HISTORY_MASK;
    const o = this.options;
    for (let s = 0; s < this.fairLog.length; s++) {
      const ring = this.fairLog[s]!;
      ring[cur] = ring[prev]! + this.stepSigma * this.rng.normal();
      for (let v = 0; v < 2; v++) {
        const b = this.books[v]![s]!;
        // AR(1) with stationary standard deviation noiseBps.
        b.noiseBps = 0.98 * b.noiseBps + o.noiseBps * 0.199 * this.rng.normal();
      }
    }
  }

  private randomDislocation(): void {
    const o = this.options;
    const s = this.rng.int(this.symbols.length);
    const v = this.rng.int(2);
    const mag = o.dislocationBps[0] + this.rng.next() * (o.dislocationBps[1] - o.dislocationBps[0]);
    const sign = this.rng.next() < 0.5 ? -1 : 1;
    const dur = o.dislocationMs[0] + this.rng.next() * (o.dislocationMs[1] - o.dislocationMs[0]);
    const b = this.books[v]![s]!;
    b.dislocationBps = sign * mag;
    b.dislocationEnd = this.nowMs + dur;
  }

  /** One book update event on (venue, symbol) at time t. */
  private update(venue: number, s: number, t: number, out: UpdateBatch): void {
    const b = this.books[venue]![s]!;
    const lag = this.options.lagSteps[venue]!;
    const step = this.fairStep >= lag ? this.fairStep - lag : 0;
    if (b.dislocationBps !== 0 && t >= b.dislocationEnd) b.dislocationBps = 0;
    const ref = Math.exp(this.fairLog[s]![step & HISTORY_MASK]!);
    const mid = (ref * (1 + (b.noiseBps + b.dislocationBps) * 1e-4)) / b.tickUnit;
    let targetBid = Math.floor(mid - b.spreadTicks / 2);
    if (targetBid < 1) targetBid = 1;
    const targetAsk = targetBid + b.spreadTicks;
    out.begin(venue, s, t);
    if (b.bids.best() !== targetBid || b.asks.best() !== targetAsk) {
      this.moveTouch(b, targetBid, targetAsk, out);
      out.end(true);
      return;
    }
    // Size change on one level, mostly near the touch.
    const side = this.rng.nextU32() & 1;
    const book = side === 0 ? b.bids : b.asks;
    let idx = Math.floor(Math.log(1 - this.rng.next()) / Math.log(1 - LEVEL_PICK_P));
    if (idx >= book.count) idx = book.count - 1;
    const price = book.prices[idx]!;
    const lots = this.randomLots(b);
    book.set(price, lots);
    out.change(side, price, lots);
    out.end(idx === 0);
  }

  private moveTouch(b: VenueBook, targetBid: number, targetAsk: number, out: UpdateBatch): void {
    const bids = b.bids;
    const asks = b.asks;
    // Remove what the new touch crosses first, so the two sides never overlap.
    while (bids.count > 0 && bids.prices[0]! > targetBid) {
      out.change(0, bids.prices[0]!, 0);
      bids.set(bids.prices[0]!, 0);
    }
    while (asks.count > 0 && asks.prices[0]! < targetAsk) {
      out.change(1, asks.prices[0]!, 0);
      asks.set(asks.prices[0]!, 0);
    }
    if (bids.best() !== targetBid) this.insertTop(bids, 0, targetBid, b, out);
    if (asks.best() !== targetAsk) this.insertTop(asks, 1, targetAsk, b, out);
    this.normalize(bids, 0, b, out);
    this.normalize(asks, 1, b, out);
  }

  private insertTop(side: BookSide, sideId: number, price: number, b: VenueBook, out: UpdateBatch): void {
    if (side.count === side.capacity) {
      out.change(sideId, side.worst(), 0);
      side.set(side.worst(), 0);
    }
    const lots = this.randomLots(b);
    side.set(price, lots);
    out.change(sideId, price, lots);
  }

  /** Keeps exactly depthLevels levels: trims the tail or extends it deeper. */
  private normalize(side: BookSide, sideId: number, b: VenueBook, out: UpdateBatch): void {
    const depth = this.options.depthLevels;
    while (side.count > depth) {
      out.change(sideId, side.worst(), 0);
      side.set(side.worst(), 0);
    }
    while (side.count < depth) {
      const price = side.worst() - side.sign * b.gapTicks * (1 + this.rng.int(2));
      if (price <= 0) break;
      const lots = this.randomLots(b);
      side.set(price, lots);
      out.change(sideId, price, lots);
    }
  }
}
