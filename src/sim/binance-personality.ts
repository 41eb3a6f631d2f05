/**
 * The Binance spot personality: market-data WebSocket streams and REST on one uWS app.
 *
 * WS: `/ws/<stream>[/<stream>…]` (raw payloads), `/ws` + SUBSCRIBE (raw), `/stream?streams=a/b`
 * and `/stream` + SUBSCRIBE (wrapped as {"stream":…,"data":…}). Streams per symbol:
 * `<sym>@bookTicker` (on every change of the touch), `<sym>@depth[@100ms]` (diff depth,
 * 1000/100 ms), `<sym>@depth<5|10|20>[@100ms]` (partial depth).
 * Every book update gets the next update id; bookTicker `u`, diff `U`/`u`, partial and REST
 * `lastUpdateId` all share that id space, as on the venue.
 * REST: /api/v3/depth, /api/v3/exchangeInfo, /api/v3/time.
 *
 * With `market: 'usdm'` the same code speaks USD-M futures (VENUES.md A, "fstream
 * differences"), which the venue serves from its own host, hence its own app and port here:
 * bookTicker `{e,u,s,b,B,a,A,T,E}`, diff depth `{e,E,T,s,U,u,pu,b,a}` where `pu` is the
 * previous event's `u` on that stream (`@depth@100ms`, `@depth` 250 ms, `@depth@500ms`), prices
 * printed with the instrument's own decimals ("61800.20"), no partial-depth streams, REST
 * /fapi/v1/depth (with `E`,`T`; limit ≤ 1000), /fapi/v1/exchangeInfo, /fapi/v1/time. A
 * skip_seq fault models a lost event: the next event's `pu` is the lost event's `u`.
 * Heartbeat: a ping every pingIntervalMs; a connection that has not ponged pongTimeoutMs
 * after a ping is closed.
 */
import type { TemplatedApp, WebSocket, HttpRequest, HttpResponse } from 'uWebSockets.js';
import { formatFixed, formatPadded } from './decimal-format.js';
import { VENUE_BINANCE } from './instruments.js';
import type { FaultTarget, MalformedVariant } from './faults.js';
import type { SimClock } from './http-util.js';
import { sendJson } from './http-util.js';
import { ChangeWriter, levelsJson } from './level-writer.js';
import type { MarketGenerator, VenueBook } from './market-generator.js';
import { BookMirror } from './book-mirror.js';
import type { UpdateBatch } from './update-batch.js';
import { closeEvery, stallSymbols } from './fault-helpers.js';
import { TopicPublisher } from './topic-publisher.js';

export type BinanceSimMarket = 'spot' | 'usdm';

export interface BinanceOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Which Binance market this app speaks (default spot). */
  market?: BinanceSimMarket;
}

interface BinanceSocket {
  id: number;
  combined: boolean;
  initialStreams: string[];
  lastPingAt: number;
  /** Real ms when the unanswered ping went out, 0 when none is outstanding. */
  pingOutstandingSince: number;
}

/** A stream name and its two uWS topics (raw and combined). */
class Stream {
  readonly rawTopic: string;
  readonly combTopic: string;
  readonly combPrefix: string;
  constructor(readonly name: string) {
    this.rawTopic = 'r|' + name;
    this.combTopic = 'c|' + name;
    this.combPrefix = '{"stream":"' + name + '","data":';
  }
}

class DiffStream {
  firstId = 0; // 0 = nothing pending
  /** `u` of the last event sent (futures `pu` of the next one). */
  lastU = 0;
  nextFlushAt = 0;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  constructor(readonly stream: Stream, readonly periodMs: number) {}
}

class PartialStream {
  nextAt = 0;
  constructor(readonly stream: Stream, readonly levels: number, readonly periodMs: number) {}
}

class SymbolState {
  updateId: number;
  stalledUntil = 0;
  readonly bookTicker: Stream;
  readonly diffs: DiffStream[];
  readonly partials: PartialStream[];
  readonly btHead: string;
  readonly diffHead: string;
  readonly book: BookMirror;
  constructor(readonly symbol: string, source: VenueBook, firstId: number, futures: boolean) {
    this.book = new BookMirror(source);
    const lower = symbol.toLowerCase();
    this.updateId = firstId;
    this.bookTicker = new Stream(lower + '@bookTicker');
    this.partials = [];
    if (futures) {
      this.diffs = [new DiffStream(new Stream(lower + '@depth@100ms'), 100), new DiffStream(new Stream(lower + '@depth'), 250),
        new DiffStream(new Stream(lower + '@depth@500ms'), 500)];
      for (const d of this.diffs) d.lastU = firstId;
    } else {
      this.diffs = [new DiffStream(new Stream(lower + '@depth@100ms'), 100), new DiffStream(new Stream(lower + '@depth'), 1000)];
      for (const n of [5, 10, 20]) {
        this.partials.push(new PartialStream(new Stream(lower + '@depth' + n + '@100ms'), n, 100));
        this.partials.push(new PartialStream(new Stream(lower + '@depth' + n), n, 1000));
      }
    }
    this.btHead = ',"s":"' + symbol + '","b":"';
    this.diffHead = ',"s":"' + symbol + '","U":';
  }
}

const fmt8 = (units: number, decimals: number): string => formatPadded(units, decimals, 8);
/** USD-M prints the instrument's own decimals ("61800.20", "2.507"). */
const fmtOwn = (units: number, decimals: number): string => formatFixed(units, decimals);
const ALL_RAW = '__all|r';
const ALL_COMB = '__all|c';

export class BinancePersonality implements FaultTarget {
  readonly venue = 'binance';
  readonly futures: boolean;
  /** Frames published to at least one subscriber, plus direct replies. */
  private readonly out: TopicPublisher;
  /** Frames sent on this personality's sockets. */
  get messagesSent(): number {
    return this.out.messagesSent;
  }
  private readonly symbols: SymbolState[];
  private readonly streams = new Map<string, Stream>();
  private readonly sockets = new Set<WebSocket<BinanceSocket>>();
  private readonly writer = new ChangeWriter();
  private nextSocketId = 1;
  private readonly fmt: (units: number, decimals: number) => string;
  /** '/api/v3' or '/fapi/v1'. */
  private readonly restPrefix: string;

  constructor(
    private readonly app: TemplatedApp,
    private readonly gen: MarketGenerator,
    private readonly clock: SimClock,
    private readonly opts: BinanceOptions,
  ) {
    this.out = new TopicPublisher(app);
    this.futures = opts.market === 'usdm';
    this.fmt = this.futures ? fmtOwn : fmt8;
    this.restPrefix = this.futures ? '/fapi/v1' : '/api/v3';
    // Futures ids start in another range (as on the venue, the markets' ids are unrelated).
    const base = this.futures ? 5_100_000_000_000 : 40_000_000_000;
    this.symbols = gen.symbols.map((s, i) => new SymbolState(s, gen.book(VENUE_BINANCE, i), base + i * 1_000_000_000, this.futures));
    for (const st of this.symbols) {
      this.streams.set(st.bookTicker.name, st.bookTicker);
      for (const d of st.diffs) this.streams.set(d.stream.name, d.stream);
      for (const p of st.partials) this.streams.set(p.stream.name, p.stream);
    }
    this.routes();
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Applies a batch of generator updates (only this venue's) and publishes what is due. */
  onBatch(batch: UpdateBatch, simNow: number): void {
    const epoch = this.clock.epochMs;
    for (let i = 0; i < batch.updates; i++) {
      if (batch.uVenue[i] !== VENUE_BINANCE) continue;
      const st = this.symbols[batch.uSymbol[i]!]!;
      const id = ++st.updateId;
      const first = batch.uFirst[i]!;
      const end = batch.uEnd[i]!;
      st.book.apply(batch, first, end);
      for (let d = 0; d < st.diffs.length; d++) {
        const diff = st.diffs[d]!;
        if (diff.firstId === 0) diff.firstId = id;
        for (let j = first; j < end; j++) {
          (batch.cSide[j] === 0 ? diff.bids : diff.asks).set(batch.cPrice[j]!, batch.cLots[j]!);
        }
      }
      if (batch.uTop[i] === 1 && st.stalledUntil <= simNow) this.publishBookTicker(st, epoch + simNow);
    }
    for (let s = 0; s < this.symbols.length; s++) {
      const st = this.symbols[s]!;
      if (st.stalledUntil > simNow) continue;
      for (let d = 0; d < st.diffs.length; d++) {
        const diff = st.diffs[d]!;
        if (simNow >= diff.nextFlushAt) {
          this.flushDiff(st, diff, epoch + simNow);
          diff.nextFlushAt = simNow + diff.periodMs;
        }
      }
      for (let p = 0; p < st.partials.length; p++) {
        const part = st.partials[p]!;
        if (simNow >= part.nextAt) {
          this.publishPartial(st, part);
          part.nextAt = simNow + part.periodMs;
        }
      }
    }
  }

  /** Heartbeats, on real time. */
  housekeeping(realNowMs: number): void {
    for (const ws of Array.from(this.sockets)) {
      const u = ws.getUserData();
      if (u.pingOutstandingSince > 0 && realNowMs - u.pingOutstandingSince > this.opts.pongTimeoutMs) {
        ws.end(1008, 'pong timeout');
        continue;
      }
      if (realNowMs - u.lastPingAt >= this.opts.pingIntervalMs) {
        u.lastPingAt = realNowMs;
        if (u.pingOutstandingSince === 0) u.pingOutstandingSince = realNowMs;
        ws.ping(String(realNowMs | 0));
      }
    }
  }

  closeAll(): void {
    closeEvery(this.sockets);
  }

  // ---- FaultTarget ----

  disconnectAll(): number {
    return closeEvery(this.sockets);
  }

  stall(symbol: number, untilMs: number): void {
    stallSymbols(this.symbols, symbol, untilMs);
  }

  skipSeq(symbol: number, gap: number): void {
    const epoch = this.clock.epochMs + this.clock.now();
    for (let s = 0; s < this.symbols.length; s++) {
      if (symbol >= 0 && s !== symbol) continue;
      const st = this.symbols[s]!;
      // Flush first so the jump shows as U > previous u + 1 rather than inside one event.
      for (const d of st.diffs) this.flushDiff(st, d, epoch);
      st.updateId += gap;
      // Futures: as if the event ending at the new id was lost, so the next `pu` names it.
      if (this.futures) for (const d of st.diffs) d.lastU = st.updateId;
    }
  }

  malformed(variant: MalformedVariant): void {
    const st = this.symbols[0]!;
    const b = st.book;
    let payload: string;
    if (variant === 'wrong_type') {
      payload = '{"u":"' + st.updateId + '","s":"' + st.symbol + '","b":' + b.bids.best() * b.tickUnit + ',"B":null,"a":"' +
        this.fmt(b.asks.best(), b.tickDecimals) + '","A":[]}';
    } else if (variant === 'nan') {
      payload = '{"u":' + st.updateId + ',"s":"' + st.symbol + '","b":"NaN","B":"NaN","a":"NaN","A":"NaN"}';
    } else {
      payload = this.bookTickerJson(st, this.serverTime());
    }
    let raw = payload;
    let comb = st.bookTicker.combPrefix + payload + '}';
    if (variant === 'truncated') {
      raw = raw.slice(0, raw.length >> 1);
      comb = comb.slice(0, comb.length >> 1);
    }
    this.publish(ALL_RAW, raw);
    this.publish(ALL_COMB, comb);
  }

  duplicate(): void {
    this.out.duplicate();
  }

  // ---- publishing ----

  private publish(topic: string, frame: string): void {
    this.out.publish(topic, frame);
  }

  /** Publishes a payload to the raw and combined subscribers of a stream, building it only if wanted. */
  private wants(stream: Stream): number {
    return (this.app.numSubscribers(stream.rawTopic) > 0 ? 1 : 0) | (this.app.numSubscribers(stream.combTopic) > 0 ? 2 : 0);
  }

  private emit(stream: Stream, who: number, payload: string): void {
    if ((who & 1) !== 0) this.publish(stream.rawTopic, payload);
    if ((who & 2) !== 0) this.publish(stream.combTopic, stream.combPrefix + payload + '}');
  }

  /** Spot `{u,s,b,B,a,A}`; futures `{e,u,s,b,B,a,A,T,E}` (key order as on the venue). */
  private bookTickerJson(st: SymbolState, eventTimeMs: number): string {
    const b = st.book;
    const f = this.fmt;
    const body = st.updateId + st.btHead + f(b.bids.best(), b.tickDecimals) + '","B":"' + f(b.bids.bestLots(), b.stepDecimals) +
      '","a":"' + f(b.asks.best(), b.tickDecimals) + '","A":"' + f(b.asks.bestLots(), b.stepDecimals) + '"';
    if (!this.futures) return '{"u":' + body + '}';
    const ms = Math.floor(eventTimeMs);
    return '{"e":"bookTicker","u":' + body + ',"T":' + ms + ',"E":' + ms + '}';
  }

  private publishBookTicker(st: SymbolState, eventTimeMs: number): void {
    const who = this.wants(st.bookTicker);
    if (who !== 0) this.emit(st.bookTicker, who, this.bookTickerJson(st, eventTimeMs));
  }

  private flushDiff(st: SymbolState, diff: DiffStream, eventTimeMs: number): void {
    if (diff.firstId === 0) return;
    const who = this.wants(diff.stream);
    if (who !== 0) {
      const b = st.book;
      const ms = Math.floor(eventTimeMs);
      // Futures: `T` (transaction time) after `E`, and `pu` after `u`, as in the fixtures.
      const payload = '{"e":"depthUpdate","E":' + ms + (this.futures ? ',"T":' + ms : '') + st.diffHead + diff.firstId +
        ',"u":' + st.updateId + (this.futures ? ',"pu":' + diff.lastU : '') +
        ',"b":' + this.writer.json(diff.bids, true, this.fmt, b.tickDecimals, b.stepDecimals) +
        ',"a":' + this.writer.json(diff.asks, false, this.fmt, b.tickDecimals, b.stepDecimals) + '}';
      this.emit(diff.stream, who, payload);
    }
    diff.lastU = st.updateId;
    diff.firstId = 0;
    diff.bids.clear();
    diff.asks.clear();
  }

  private publishPartial(st: SymbolState, part: PartialStream): void {
    const who = this.wants(part.stream);
    if (who === 0) return;
    this.emit(part.stream, who, this.depthJson(st, part.levels));
  }

  /** Spot `{lastUpdateId,bids,asks}`; the futures REST snapshot adds `E`,`T` after the id. */
  private depthJson(st: SymbolState, levels: number, withTimes = false): string {
    const b = st.book;
    const t = withTimes ? this.serverTime() : 0;
    return '{"lastUpdateId":' + st.updateId + (withTimes ? ',"E":' + t + ',"T":' + t : '') +
      ',"bids":' + levelsJson(b.bids, levels, this.fmt, b.tickDecimals, b.stepDecimals) +
      ',"asks":' + levelsJson(b.asks, levels, this.fmt, b.tickDecimals, b.stepDecimals) + '}';
  }

  // ---- routes ----

  private findStream(name: string): Stream | undefined {
    const at = name.indexOf('@');
    const norm = at > 0 ? name.slice(0, at).toLowerCase() + name.slice(at) : name;
    return this.streams.get(norm);
  }

  private routes(): void {
    const behavior = {
      idleTimeout: 0,
      sendPingsAutomatically: false,
      maxPayloadLength: 64 * 1024,
      maxBackpressure: 64 * 1024 * 1024,
      upgrade: (res: HttpResponse, req: HttpRequest, context: unknown) => {
        const url = req.getUrl();
        const combined = url.startsWith('/stream');
        let names: string[] = [];
        if (combined) {
          const q = req.getQuery('streams');
          if (q) names = q.split('/').filter((s) => s.length > 0);
        } else if (url.length > 4) {
          names = url.slice(4).split('/').filter((s) => s.length > 0);
        }
        const data: BinanceSocket = { id: this.nextSocketId++, combined, initialStreams: names, lastPingAt: Date.now(), pingOutstandingSince: 0 };
        res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'), context as never);
      },
      open: (ws: WebSocket<BinanceSocket>) => {
        this.sockets.add(ws);
        const u = ws.getUserData();
        ws.subscribe(u.combined ? ALL_COMB : ALL_RAW);
        for (const name of u.initialStreams) {
          const s = this.findStream(name);
          if (s) ws.subscribe(u.combined ? s.combTopic : s.rawTopic);
        }
      },
      message: (ws: WebSocket<BinanceSocket>, message: ArrayBuffer) => {
        this.onControl(ws, Buffer.from(message).toString('utf8'));
      },
      pong: (ws: WebSocket<BinanceSocket>) => {
        ws.getUserData().pingOutstandingSince = 0;
      },
      close: (ws: WebSocket<BinanceSocket>) => {
        this.sockets.delete(ws);
      },
    };
    this.app.ws('/ws', behavior);
    this.app.ws('/ws/*', behavior);
    this.app.ws('/stream', behavior);

    const api = this.restPrefix;
    const maxLimit = this.futures ? 1000 : 5000;
    this.app.get(api + '/time', (res) => {
      sendJson(res, '200 OK', '{"serverTime":' + this.serverTime() + '}');
    });
    this.app.get(api + '/depth', (res, req) => {
      const symbol = req.getQuery('symbol');
      const limitText = req.getQuery('limit');
      const st = this.lookup(symbol);
      if (!symbol) return sendJson(res, '400 Bad Request', '{"code":-1102,"msg":"Mandatory parameter \'symbol\' was not sent, was empty/null, or malformed."}');
      if (!st) return sendJson(res, '400 Bad Request', '{"code":-1121,"msg":"Invalid symbol."}');
      const limit = limitText ? Number(limitText) : this.futures ? 500 : 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
        return sendJson(res, '400 Bad Request', '{"code":-1100,"msg":"Illegal characters found in parameter \'limit\'; legal range is \'1\' to \'' +
          maxLimit + '\'."}');
      }
      sendJson(res, '200 OK', this.depthJson(st, limit, this.futures));
    });
    this.app.get(api + '/exchangeInfo', (res, req) => {
      const one = req.getQuery('symbol');
      const many = req.getQuery('symbols');
      let list = this.symbols;
      if (one) list = this.symbols.filter((s) => s.symbol === one.toUpperCase());
      else if (many) {
        let wanted: unknown;
        try { wanted = JSON.parse(decodeURIComponent(many)); } catch { wanted = null; }
        list = Array.isArray(wanted) ? this.symbols.filter((s) => wanted.includes(s.symbol)) : [];
      }
      if ((one || many) && list.length === 0) return sendJson(res, '400 Bad Request', '{"code":-1121,"msg":"Invalid symbol."}');
      sendJson(res, '200 OK', JSON.stringify(this.futures ? this.futuresExchangeInfo(list) : this.exchangeInfo(list)));
    });
  }

  private lookup(symbol: string | undefined): SymbolState | undefined {
    if (!symbol) return undefined;
    const up = symbol.toUpperCase();
    return this.symbols.find((s) => s.symbol === up);
  }

  private serverTime(): number {
    return Math.floor(this.clock.epochMs + this.clock.now() + (this.clock.skewMs ?? 0));
  }

  /** SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS, as in [BN-WS] "Live Subscribing/Unsubscribing". */
  private onControl(ws: WebSocket<BinanceSocket>, text: string): void {
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      this.reply(ws, '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"},"id":null}');
      return;
    }
    const r = req as { method?: unknown; params?: unknown; id?: unknown };
    const id = typeof r.id === 'number' || typeof r.id === 'string' ? JSON.stringify(r.id) : 'null';
    const combined = ws.getUserData().combined;
    if (r.method === 'SUBSCRIBE' || r.method === 'UNSUBSCRIBE') {
      if (!Array.isArray(r.params) || !r.params.every((p) => typeof p === 'string')) {
        this.reply(ws, '{"error":{"code":2,"msg":"Invalid request: params must be an array of strings"},"id":' + id + '}');
        return;
      }
      for (const name of r.params as string[]) {
        const s = this.findStream(name);
        if (!s) continue;
        const topic = combined ? s.combTopic : s.rawTopic;
        if (r.method === 'SUBSCRIBE') ws.subscribe(topic);
        else ws.unsubscribe(topic);
      }
      this.reply(ws, '{"result":null,"id":' + id + '}');
    } else if (r.method === 'LIST_SUBSCRIPTIONS') {
      const names = ws.getTopics().filter((t) => t.startsWith(combined ? 'c|' : 'r|')).map((t) => t.slice(2));
      this.reply(ws, '{"result":' + JSON.stringify(names) + ',"id":' + id + '}');
    } else {
      this.reply(ws, '{"error":{"code":2,"msg":"Invalid request: unknown method"},"id":' + id + '}');
    }
  }

  private reply(ws: WebSocket<BinanceSocket>, frame: string): void {
    ws.send(frame);
    this.out.messagesSent++;
  }

  private exchangeInfo(list: readonly SymbolState[]): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.serverTime(),
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
      ],
      exchangeFilters: [],
      symbols: list.map((st) => {
        const spec = this.gen.specs[this.gen.symbolIndex(st.symbol)]!;
        const b = st.book;
        const tick = fmt8(1, b.tickDecimals);
        const step = fmt8(1, b.stepDecimals);
        return {
          symbol: st.symbol,
          status: 'TRADING',
          baseAsset: spec.baseAsset,
          baseAssetPrecision: 8,
          quoteAsset: spec.quoteAsset,
          quotePrecision: 8,
          quoteAssetPrecision: 8,
          baseCommissionPrecision: 8,
          quoteCommissionPrecision: 8,
          orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
          icebergAllowed: true,
          ocoAllowed: true,
          otoAllowed: true,
          quoteOrderQtyMarketAllowed: true,
          allowTrailingStop: true,
          cancelReplaceAllowed: true,
          amendAllowed: true,
          isSpotTradingAllowed: true,
          isMarginTradingAllowed: false,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '1000000.00000000', tickSize: tick },
            { filterType: 'LOT_SIZE', minQty: step, maxQty: '9000.00000000', stepSize: step },
            {
              filterType: 'NOTIONAL', minNotional: fmt8(spec.binance.minNotional, 0), applyMinToMarket: true,
              maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5,
            },
          ],
          permissions: [],
          permissionSets: [['SPOT']],
          defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
          allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
        };
      }),
    };
  }

  /**
   * `GET /fapi/v1/exchangeInfo`: the USD-M shape (a subset), with futures filters:
   * PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL `{notional}`, printed in the
   * instrument's own decimals.
   */
  private futuresExchangeInfo(list: readonly SymbolState[]): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.serverTime(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [],
      symbols: list.map((st) => {
        const spec = this.gen.specs[this.gen.symbolIndex(st.symbol)]!;
        const b = st.book;
        const tick = fmtOwn(1, b.tickDecimals);
        const step = fmtOwn(1, b.stepDecimals);
        return {
          symbol: st.symbol,
          pair: st.symbol,
          contractType: 'PERPETUAL',
          deliveryDate: 4133404800000,
          onboardDate: 1569398400000,
          status: 'TRADING',
          baseAsset: spec.baseAsset,
          quoteAsset: spec.quoteAsset,
          marginAsset: spec.quoteAsset,
          pricePrecision: b.tickDecimals,
          quantityPrecision: b.stepDecimals,
          baseAssetPrecision: 8,
          quotePrecision: 8,
          underlyingType: 'COIN',
          underlyingSubType: [],
          triggerProtect: '0.0500',
          liquidationFee: '0.012500',
          marketTakeBound: '0.05',
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '4529764', tickSize: tick },
            { filterType: 'LOT_SIZE', minQty: step, maxQty: '1000', stepSize: step },
            { filterType: 'MARKET_LOT_SIZE', minQty: step, maxQty: '120', stepSize: step },
            { filterType: 'MAX_NUM_ORDERS', limit: 200 },
            { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
            { filterType: 'MIN_NOTIONAL', notional: String(spec.binance.minNotional) },
            { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
          ],
          orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
          timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
        };
      }),
    };
  }

}
