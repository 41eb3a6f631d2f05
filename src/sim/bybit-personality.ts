/**
 * The Bybit v5 personality: public WebSocket `/v5/public/spot` and `/v5/public/linear`, and
 * market REST, on one uWS app.
 *
 * Topics `orderbook.{1,50,200,1000}.<SYM>`: a snapshot right after subscribing, then deltas
 * (absolute sizes, "0" deletes); `u` goes up by one per message per topic, `seq` (cross
 * sequence) goes up with every book update. orderbook.1 is snapshot-only: sent when the touch
 * changes and re-sent unchanged (same `u`) every 3 s. Spot prints decimals in their shortest
 * form and puts `ts` before `type`; linear prints fixed decimals and puts `type` first (except
 * orderbook.1). The linear book is the spot book (same ticks and lots).
 * Push timing: by default one message per book update (so the simulator can be driven at high
 * rates); `pushMode: 'venue'` batches to the documented 10/20/100/200 ms intervals.
 * Connections with no inbound message for idleTimeoutMs are closed.
 */
import { randomUUID } from 'node:crypto';
import type { TemplatedApp, WebSocket, HttpRequest, HttpResponse } from 'uWebSockets.js';
import { formatFixed, formatShortest } from './decimal-format.js';
import { VENUE_BYBIT } from './instruments.js';
import type { FaultTarget, MalformedVariant } from './faults.js';
import type { SimClock } from './http-util.js';
import { sendJson } from './http-util.js';
import { DepthView } from './depth-view.js';
import { ChangeWriter, levelsJson, type UnitFormatter } from './level-writer.js';
import type { MarketGenerator, VenueBook } from './market-generator.js';
import { BookMirror } from './book-mirror.js';
import type { UpdateBatch } from './update-batch.js';
import { closeEvery, stallSymbols } from './fault-helpers.js';
import { TopicPublisher } from './topic-publisher.js';

export interface BybitOptions {
  idleTimeoutMs: number;
  pushMode: 'per-update' | 'venue';
}

type Category = 'spot' | 'linear';
const CATEGORIES: readonly Category[] = ['spot', 'linear'];
const DEPTHS = [50, 200, 1000] as const;
const VENUE_PUSH_MS: Record<number, number> = { 1: 10, 50: 20, 200: 100, 1000: 200 };
const L1_RESEND_MS = 3000;

interface BybitSocket {
  connId: string;
  category: Category;
  lastInboundAt: number;
}

/** One uWS topic: a (category, depth, symbol) orderbook stream with its own `u`. */
class Topic {
  u: number;
  lastSentAt = -Infinity;
  readonly key: string;
  readonly head: string;
  constructor(readonly category: Category, readonly name: string, firstU: number) {
    this.u = firstU;
    this.key = category + '|' + name;
    this.head = '{"topic":"' + name + '",';
  }
}

class DepthStream {
  nextPushAt = 0;
  readonly topics: Topic[];
  constructor(readonly view: DepthView, symbol: string, firstU: number) {
    this.topics = CATEGORIES.map((c) => new Topic(c, 'orderbook.' + view.depth + '.' + symbol, firstU));
  }
}

class SymbolState {
  seq: number;
  /** Update id of the full book, as REST reports it. */
  bookU: number;
  lastUpdateAt = 0;
  stalledUntil = 0;
  l1Dirty = false;
  l1NextPushAt = 0;
  readonly depths: DepthStream[];
  readonly l1: Topic[];
  readonly dataHead: string;
  readonly book: BookMirror;
  constructor(readonly symbol: string, source: VenueBook, index: number) {
    const book = new BookMirror(source);
    this.book = book;
    this.seq = 19_000_000_000 + index * 1_000_000_000;
    this.bookU = 5_000_000 + index * 1_000_000;
    this.depths = DEPTHS.map((d) => new DepthStream(new DepthView(d, book.bids, book.asks), symbol, 1_000_000 + index * 100_000));
    this.l1 = CATEGORIES.map((c) => new Topic(c, 'orderbook.1.' + symbol, 2_000_000 + index * 100_000));
    this.dataHead = '"data":{"s":"' + symbol + '","b":';
  }
}

const fmtLinear: UnitFormatter = formatFixed;
const fmtSpot: UnitFormatter = formatShortest;
const ALL: Record<Category, string> = { spot: '__all|spot', linear: '__all|linear' };

export class BybitPersonality implements FaultTarget {
  readonly venue = 'bybit';
  private readonly out: TopicPublisher;
  /** Frames sent on this personality's sockets. */
  get messagesSent(): number {
    return this.out.messagesSent;
  }
  private readonly symbols: SymbolState[];
  private readonly topics = new Map<string, { st: SymbolState; depth: number }>();
  private readonly sockets = new Set<WebSocket<BybitSocket>>();
  private readonly writer = new ChangeWriter();

  constructor(
    private readonly app: TemplatedApp,
    private readonly gen: MarketGenerator,
    private readonly clock: SimClock,
    private readonly opts: BybitOptions,
  ) {
    this.out = new TopicPublisher(app);
    this.symbols = gen.symbols.map((s, i) => new SymbolState(s, gen.book(VENUE_BYBIT, i), i));
    for (const st of this.symbols) {
      this.topics.set('orderbook.1.' + st.symbol, { st, depth: 1 });
      for (const d of DEPTHS) this.topics.set('orderbook.' + d + '.' + st.symbol, { st, depth: d });
    }
    this.routes();
  }

  get connections(): number {
    return this.sockets.size;
  }

  onBatch(batch: UpdateBatch, simNow: number): void {
    const perUpdate = this.opts.pushMode === 'per-update';
    for (let i = 0; i < batch.updates; i++) {
      if (batch.uVenue[i] !== VENUE_BYBIT) continue;
      const st = this.symbols[batch.uSymbol[i]!]!;
      const first = batch.uFirst[i]!;
      const end = batch.uEnd[i]!;
      st.book.apply(batch, first, end);
      st.seq += 1 + (end - first);
      st.bookU++;
      st.lastUpdateAt = batch.uTime[i]!;
      for (let d = 0; d < st.depths.length; d++) st.depths[d]!.view.apply(batch, first, end);
      if (batch.uTop[i] === 1) st.l1Dirty = true;
      if (perUpdate && st.stalledUntil <= simNow) this.flushSymbol(st, simNow, true);
    }
    for (let s = 0; s < this.symbols.length; s++) {
      const st = this.symbols[s]!;
      if (st.stalledUntil > simNow) continue;
      this.flushSymbol(st, simNow, perUpdate);
      // orderbook.1 is re-sent unchanged every 3 s.
      for (let c = 0; c < st.l1.length; c++) {
        const t = st.l1[c]!;
        if (simNow - t.lastSentAt >= L1_RESEND_MS && this.app.numSubscribers(t.key) > 0) {
          this.publish(t.key, this.snapshotJson(st, t, 1, simNow));
          t.lastSentAt = simNow;
        }
      }
    }
  }

  /** Sends what is pending for a symbol: now (`force`) or when each depth's interval is due. */
  private flushSymbol(st: SymbolState, simNow: number, force: boolean): void {
    if (st.l1Dirty && (force || simNow >= st.l1NextPushAt)) {
      st.l1Dirty = false;
      st.l1NextPushAt = simNow + VENUE_PUSH_MS[1]!;
      for (let c = 0; c < st.l1.length; c++) {
        const t = st.l1[c]!;
        if (this.app.numSubscribers(t.key) === 0) continue;
        t.u++;
        t.lastSentAt = simNow;
        this.publish(t.key, this.snapshotJson(st, t, 1, simNow));
      }
    }
    for (let d = 0; d < st.depths.length; d++) {
      const ds = st.depths[d]!;
      if (!ds.view.hasPending || !(force || simNow >= ds.nextPushAt)) continue;
      ds.nextPushAt = simNow + VENUE_PUSH_MS[ds.view.depth]!;
      for (let c = 0; c < ds.topics.length; c++) {
        const t = ds.topics[c]!;
        if (this.app.numSubscribers(t.key) === 0) continue;
        t.u++;
        this.publish(t.key, this.deltaJson(st, t, ds.view, simNow));
      }
      ds.view.clearPending();
    }
  }

  housekeeping(realNowMs: number): void {
    for (const ws of Array.from(this.sockets)) {
      if (realNowMs - ws.getUserData().lastInboundAt > this.opts.idleTimeoutMs) ws.close();
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
    for (let s = 0; s < this.symbols.length; s++) {
      if (symbol >= 0 && s !== symbol) continue;
      const st = this.symbols[s]!;
      for (const ds of st.depths) for (const t of ds.topics) t.u += gap;
      for (const t of st.l1) t.u += gap;
    }
  }

  malformed(variant: MalformedVariant): void {
    const st = this.symbols[0]!;
    const now = this.clock.now();
    for (const c of CATEGORIES) {
      const t = st.depths[0]!.topics[c === 'spot' ? 0 : 1]!;
      let frame: string;
      if (variant === 'wrong_type') {
        frame = t.head + '"ts":"' + this.wallMs(now) + '","type":"delta","data":{"s":"' + st.symbol +
          '","b":[[' + st.book.bids.best() * st.book.tickUnit + ',null]],"a":{},"u":"' + (t.u + 1) + '","seq":' + st.seq + '},"cts":' + this.wallMs(now) + '}';
      } else if (variant === 'nan') {
        frame = t.head + '"ts":' + this.wallMs(now) + ',"type":"delta",' + st.dataHead + '[["NaN","NaN"]],"a":[["NaN","1"]],"u":' + (t.u + 1) +
          ',"seq":' + st.seq + '},"cts":' + this.wallMs(now) + '}';
      } else {
        const full = this.snapshotJson(st, t, 50, now);
        frame = full.slice(0, full.length >> 1);
      }
      this.publish(ALL[c], frame);
    }
  }

  duplicate(): void {
    this.out.duplicate();
  }

  // ---- messages ----

  private publish(topic: string, frame: string): void {
    this.out.publish(topic, frame);
  }

  private wallMs(simMs: number): number {
    return Math.floor(this.clock.epochMs + simMs);
  }

  /** `"ts":…,"type":"…",` or `"type":"…","ts":…,` as the category and depth order them. */
  private tsType(t: Topic, depth: number, type: string, ts: number): string {
    return t.category === 'spot' || depth === 1
      ? '"ts":' + ts + ',"type":"' + type + '",'
      : '"type":"' + type + '","ts":' + ts + ',';
  }

  private snapshotJson(st: SymbolState, t: Topic, depth: number, simNow: number): string {
    const b = st.book;
    const fmt = t.category === 'spot' ? fmtSpot : fmtLinear;
    const cts = this.wallMs(st.lastUpdateAt);
    const ts = Math.max(cts, this.wallMs(simNow));
    return t.head + this.tsType(t, depth, 'snapshot', ts) + st.dataHead +
      levelsJson(b.bids, depth, fmt, b.tickDecimals, b.stepDecimals) + ',"a":' +
      levelsJson(b.asks, depth, fmt, b.tickDecimals, b.stepDecimals) + ',"u":' + t.u + ',"seq":' + st.seq + '},"cts":' + cts + '}';
  }

  private deltaJson(st: SymbolState, t: Topic, view: DepthView, simNow: number): string {
    const b = st.book;
    const fmt = t.category === 'spot' ? fmtSpot : fmtLinear;
    const cts = this.wallMs(st.lastUpdateAt);
    const ts = Math.max(cts, this.wallMs(simNow));
    return t.head + this.tsType(t, view.depth, 'delta', ts) + st.dataHead +
      this.writer.json(view.pendingBids, true, fmt, b.tickDecimals, b.stepDecimals) + ',"a":' +
      this.writer.json(view.pendingAsks, false, fmt, b.tickDecimals, b.stepDecimals) +
      ',"u":' + t.u + ',"seq":' + st.seq + '},"cts":' + cts + '}';
  }

  // ---- routes ----

  private routes(): void {
    for (const category of CATEGORIES) {
      this.app.ws<BybitSocket>('/v5/public/' + category, {
        idleTimeout: 0,
        sendPingsAutomatically: false,
        maxPayloadLength: 64 * 1024,
        maxBackpressure: 64 * 1024 * 1024,
        upgrade: (res: HttpResponse, req: HttpRequest, context) => {
          const data: BybitSocket = { connId: randomUUID(), category, lastInboundAt: Date.now() };
          res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
            req.getHeader('sec-websocket-extensions'), context);
        },
        open: (ws) => {
          this.sockets.add(ws);
          ws.subscribe(ALL[category]);
        },
        message: (ws, message) => {
          ws.getUserData().lastInboundAt = Date.now();
          this.onControl(ws, Buffer.from(message).toString('utf8'));
        },
        close: (ws) => {
          this.sockets.delete(ws);
        },
      });
    }
    this.app.get('/v5/market/time', (res) => {
      const ms = this.wallMs(this.clock.now()) + Math.floor(this.clock.skewMs ?? 0);
      sendJson(res, '200 OK', '{"retCode":0,"retMsg":"OK","result":{"timeSecond":"' + Math.floor(ms / 1000) + '","timeNano":"' + ms +
        '000000"},"retExtInfo":{},"time":' + ms + '}');
    });
    this.app.get('/v5/market/orderbook', (res, req) => {
      const category = req.getQuery('category');
      const symbol = (req.getQuery('symbol') ?? '').toUpperCase();
      const limitText = req.getQuery('limit');
      const now = this.clock.now();
      if (category !== 'spot' && category !== 'linear') return sendJson(res, '200 OK', this.restError(10001, 'Illegal category', now));
      const st = this.symbols.find((s) => s.symbol === symbol);
      if (!st) return sendJson(res, '200 OK', this.restError(10001, 'params error: symbol invalid', now));
      const limit = limitText ? Number(limitText) : category === 'spot' ? 1 : 25;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return sendJson(res, '200 OK', this.restError(10001, 'params error: limit invalid', now));
      const b = st.book;
      const fmt = category === 'spot' ? fmtSpot : fmtLinear;
      const ts = this.wallMs(now);
      sendJson(res, '200 OK', '{"retCode":0,"retMsg":"OK","result":{"s":"' + st.symbol + '","b":' +
        levelsJson(b.bids, limit, fmt, b.tickDecimals, b.stepDecimals) + ',"a":' + levelsJson(b.asks, limit, fmt, b.tickDecimals, b.stepDecimals) +
        ',"ts":' + ts + ',"u":' + st.bookU + ',"seq":' + st.seq + ',"cts":' + this.wallMs(st.lastUpdateAt) + '},"retExtInfo":{},"time":' + ts + '}');
    });
    this.app.get('/v5/market/instruments-info', (res, req) => {
      const category = req.getQuery('category');
      const symbol = (req.getQuery('symbol') ?? '').toUpperCase();
      const now = this.clock.now();
      if (category !== 'spot' && category !== 'linear') return sendJson(res, '200 OK', this.restError(10001, 'Illegal category', now));
      const list = symbol ? this.symbols.filter((s) => s.symbol === symbol) : this.symbols;
      sendJson(res, '200 OK', JSON.stringify({
        retCode: 0, retMsg: 'OK',
        result: { category, list: list.map((st) => this.instrument(st, category)), nextPageCursor: '' },
        retExtInfo: {}, time: this.wallMs(now),
      }));
    });
  }

  private restError(code: number, msg: string, simNow: number): string {
    return JSON.stringify({ retCode: code, retMsg: msg, result: {}, retExtInfo: {}, time: this.wallMs(simNow) });
  }

  private instrument(st: SymbolState, category: Category): unknown {
    const spec = this.gen.specs[this.gen.symbolIndex(st.symbol)]!.bybit;
    const base = st.symbol.replace(/USDT$/, '');
    const tick = formatShortest(1, spec.tickDecimals);
    const step = formatShortest(1, spec.stepDecimals);
    if (category === 'spot') {
      return {
        symbol: st.symbol, baseCoin: base, quoteCoin: 'USDT', innovation: '0', status: 'Trading', marginTrading: 'utaOnly', stTag: '0',
        lotSizeFilter: {
          basePrecision: step, quotePrecision: formatShortest(1, spec.quoteDecimals), minOrderQty: step,
          maxOrderQty: '10000', minOrderAmt: String(spec.minNotional), maxOrderAmt: '2000000',
        },
        priceFilter: { tickSize: tick },
        riskParameters: { priceLimitRatioX: '0.005', priceLimitRatioY: '0.01' },
      };
    }
    return {
      symbol: st.symbol, contractType: 'LinearPerpetual', status: 'Trading', baseCoin: base, quoteCoin: 'USDT', settleCoin: 'USDT',
      priceScale: String(spec.tickDecimals),
      priceFilter: { minPrice: tick, maxPrice: '1999999.8', tickSize: tick },
      lotSizeFilter: { maxOrderQty: '1190', minOrderQty: step, qtyStep: step, maxMktOrderQty: '500', minNotionalValue: String(spec.minNotional) },
    };
  }

  private ack(ws: WebSocket<BybitSocket>, success: boolean, retMsg: string, reqId: string, op: string): void {
    const u = ws.getUserData();
    ws.send('{"success":' + success + ',"ret_msg":' + JSON.stringify(retMsg) + ',"conn_id":"' + u.connId + '"' +
      (reqId === '' ? '' : ',"req_id":' + reqId) + ',"op":"' + op + '"}');
    this.out.messagesSent++;
  }

  private onControl(ws: WebSocket<BybitSocket>, text: string): void {
    let req: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
      if (typeof req !== 'object' || req === null) throw new Error('not an object');
    } catch {
      this.ack(ws, false, 'error:invalid json', '', '');
      return;
    }
    const reqId = typeof req.req_id === 'string' || typeof req.req_id === 'number' ? JSON.stringify(req.req_id) : '';
    const category = ws.getUserData().category;
    const op = typeof req.op === 'string' ? req.op : '';
    if (op === 'ping') {
      this.ack(ws, true, 'pong', reqId, 'ping');
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.ack(ws, false, 'error:handler not found,op:' + op, reqId, op);
      return;
    }
    const args = Array.isArray(req.args) ? (req.args as unknown[]) : null;
    if (!args || !args.every((a) => typeof a === 'string')) {
      this.ack(ws, false, 'error:args must be an array of strings', reqId, op);
      return;
    }
    if (category === 'spot' && args.length > 10) {
      this.ack(ws, false, 'args size >10', reqId, op);
      return;
    }
    const found = (args as string[]).map((a) => ({ name: a, t: this.topics.get(a) }));
    const bad = found.find((f) => f.t === undefined);
    if (bad) {
      this.ack(ws, false, 'Invalid topic :[' + bad.name + ']', reqId, op);
      return;
    }
    const okMsg = category === 'spot' ? op : '';
    if (op === 'unsubscribe') {
      for (const f of found) ws.unsubscribe(category + '|' + f.name);
      this.ack(ws, true, okMsg, reqId, op);
      return;
    }
    const dup = found.find((f) => ws.isSubscribed(category + '|' + f.name));
    if (dup) {
      this.ack(ws, false, 'error:already subscribed,topic:' + dup.name, reqId, op);
      return;
    }
    this.ack(ws, true, okMsg, reqId, op);
    const now = this.clock.now();
    const c = category === 'spot' ? 0 : 1;
    for (const f of found) {
      const { st, depth } = f.t!;
      const topic = depth === 1 ? st.l1[c]! : st.depths[DEPTHS.indexOf(depth as 50)]!.topics[c]!;
      ws.send(this.snapshotJson(st, topic, depth, now));
      this.out.messagesSent++;
      ws.subscribe(topic.key);
    }
  }
}
