/**
 * Binance market-data frame parser: a byte scanner from a WebSocket frame's Buffer into the
 * preallocated ParsedFrame (no JSON.parse, no strings, no allocation per frame).
 *
 * Handles raw and combined (`{"stream":…,"data":…}`) forms of
 *   - bookTicker: spot `{u,s,b,B,a,A}`; futures adds `e,E,T`        -> MSG_QUOTE
 *   - depthUpdate: `{e,E,s,U,u,b,a}`; futures adds `T,pu`           -> MSG_DEPTH_DELTA
 *   - partial depth `@depthN`: `{lastUpdateId,bids,asks}`           -> MSG_DEPTH_SNAPSHOT
 *     (no symbol inside: taken from the combined wrapper's stream name, else the default
 *     symbol set with setDefaultSymbol for a raw single-stream connection)
 *   - trade / aggTrade                                             -> MSG_TRADE (one trade)
 *   - `{"result":…,"id":N}` and `{"error":{…},"id":N}`             -> MSG_CONTROL
 *   - `{"e":"serverShutdown",…}`                                   -> MSG_SERVER_SHUTDOWN
 * Keys may come in any order. Anything else is MSG_ERROR with an ERR_* code.
 *
 * bookTicker frames in the exact layout Binance sends go through BookTickerFastPath first (same
 * results in about half the time); it hands every other frame, and every surprise, to the general
 * scan below, which alone decides errors.
 */
import { MARKET_SPOT, SIDE_BUY, SIDE_SELL } from '../../core/records.js';
import type { SymbolTable } from '../../core/symbols.js';
import { JsonCursor, ascii } from '../json-cursor.js';
import {
  ERR_BAD_LENGTH,
  ERR_MISSING_FIELD,
  ERR_TOO_DEEP,
  ERR_UNKNOWN_SYMBOL,
  ERR_UNKNOWN_TOPIC,
  ERR_WRONG_TYPE,
  MSG_CONTROL,
  MSG_DEPTH_DELTA,
  MSG_DEPTH_SNAPSHOT,
  MSG_QUOTE,
  MSG_SERVER_SHUTDOWN,
  MSG_TRADE,
  OP_OTHER,
  OP_SUBSCRIBE,
  ParsedFrame,
} from '../parsed-frame.js';
import { SymbolMatcher } from '../symbol-matcher.js';
import { BookTickerFastPath } from './bookticker-fast-path.js';

// event types (`e`)
const EV_NONE = 0;
const EV_BOOK_TICKER = 1;
const EV_DEPTH_UPDATE = 2;
const EV_TRADE = 3;
const EV_AGG_TRADE = 4;
const EV_SERVER_SHUTDOWN = 5;
const EV_OTHER = 6;

// fields seen (bit set)
const F_E = 1 << 0; // "E"
const F_T = 1 << 1; // "T"
const F_S = 1 << 2; // "s"
const F_U_LAST = 1 << 3; // "u"
const F_U_FIRST = 1 << 4; // "U"
const F_PU = 1 << 5;
const F_BID_STR = 1 << 6; // "b" as a price string (bookTicker)
const F_BID_LVL = 1 << 7; // "b" as levels (depthUpdate)
const F_ASK_STR = 1 << 8;
const F_ASK_LVL = 1 << 9;
const F_BID_SZ = 1 << 10; // "B"
const F_ASK_SZ = 1 << 11; // "A"
const F_PRICE = 1 << 12; // "p"
const F_QTY = 1 << 13; // "q"
const F_TRADE_ID = 1 << 14; // "t"
const F_MAKER = 1 << 15; // "m"
const F_LAST_UPDATE_ID = 1 << 16;
const F_BIDS = 1 << 17;
const F_ASKS = 1 << 18;
const F_RESULT = 1 << 19;
const F_ERROR = 1 << 20;
const F_AGG_ID = 1 << 21; // "a" as a number (aggTrade)

const REQ_BOOK_TICKER = F_S | F_U_LAST | F_BID_STR | F_BID_SZ | F_ASK_STR | F_ASK_SZ;
const REQ_DEPTH_UPDATE = F_E | F_S | F_U_FIRST | F_U_LAST | F_BID_LVL | F_ASK_LVL;
const REQ_TRADE = F_S | F_PRICE | F_QTY | F_T | F_MAKER | F_TRADE_ID;
const REQ_AGG_TRADE = F_S | F_PRICE | F_QTY | F_T | F_MAKER | F_AGG_ID;
const REQ_PARTIAL = F_LAST_UPDATE_ID | F_BIDS | F_ASKS;

const K_STREAM = ascii('stream');
const K_DATA = ascii('data');
const K_RESULT = ascii('result');
const K_ERROR = ascii('error');
const K_BIDS = ascii('bids');
const K_ASKS = ascii('asks');
const K_LAST_UPDATE_ID = ascii('lastUpdateId');
const K_PU = ascii('pu');
const K_ID = ascii('id');

const V_BOOK_TICKER = ascii('bookTicker');
const V_DEPTH_UPDATE = ascii('depthUpdate');
const V_TRADE = ascii('trade');
const V_AGG_TRADE = ascii('aggTrade');
const V_SERVER_SHUTDOWN = ascii('serverShutdown');

const AT = 0x40;
const DEPTH = ascii('depth');

export class BinanceFrameParser {
  readonly frame: ParsedFrame;
  private readonly c = new JsonCursor();
  private readonly symbols: SymbolMatcher;
  private readonly fast: BookTickerFastPath;
  private defaultSymbol = -1;

  // per-frame scratch, reset at the start of every parse
  private ev = EV_NONE;
  private seen = 0;
  private sSymbol = -1; // from "s"
  private streamSymbol = -1; // from the combined wrapper's "stream"
  private streamSeen = 0;
  private maker = 0;
  private tradePx = 0;
  private tradeQty = 0;

  constructor(symbols: SymbolTable, market: number = MARKET_SPOT, frame?: ParsedFrame) {
    this.symbols = new SymbolMatcher(symbols);
    this.fast = new BookTickerFastPath(this.symbols);
    this.frame = frame ?? new ParsedFrame(market);
    this.frame.market = market;
  }

  /** Symbol for raw (non-combined) partial-depth streams, which carry no symbol. -1 = none. */
  setDefaultSymbol(symbolId: number): void {
    this.defaultSymbol = symbolId;
  }

  /** Parse buf[0..len) into this.frame; returns frame.msg. Never throws. */
  parse(buf: Buffer, len: number): number {
    const f = this.frame;
    f.reset();
    if (len < 0 || len > buf.length) return f.fail(ERR_BAD_LENGTH, 0);
    // bookTicker in Binance's own layout; any other frame (or surprise) takes the general scan
    if (this.fast.parse(buf, len, f)) return MSG_QUOTE;
    const c = this.c;
    c.reset(buf, len);
    this.ev = EV_NONE;
    this.seen = 0;
    this.sSymbol = -1;
    this.streamSymbol = -1;
    this.streamSeen = 0;
    this.maker = 0;
    this.tradePx = 0;
    this.tradeQty = 0;
    if (!this.parseObject(0) || !c.atEnd()) return f.fail(c.err, c.errPos);
    return this.resolve();
  }

  /** One JSON object: the raw payload (depth 1 inside a combined wrapper) or the wrapper itself. */
  private parseObject(depth: number): boolean {
    const c = this.c;
    const f = this.frame;
    if (depth > 1) return c.fail(ERR_TOO_DEEP);
    let k = c.firstKey();
    while (k === 1) {
      const keyLen = c.strEnd - c.strStart;
      let ok: boolean;
      if (keyLen === 1 && c.strEscaped === 0) {
        ok = this.oneLetterKey(c.buf[c.strStart]);
      } else if (c.strIs(K_PU)) {
        ok = c.readUint();
        f.prevUpdateId = c.num;
        this.seen |= F_PU;
      } else if (c.strIs(K_LAST_UPDATE_ID)) {
        ok = c.readUint();
        f.updateId = c.num;
        this.seen |= F_LAST_UPDATE_ID;
      } else if (c.strIs(K_BIDS)) {
        const n = c.readLevels(f.bidsPx, f.bidsSz, f.levelCapacity);
        ok = n >= 0;
        f.nBids = n;
        this.seen |= F_BIDS;
      } else if (c.strIs(K_ASKS)) {
        const n = c.readLevels(f.asksPx, f.asksSz, f.levelCapacity);
        ok = n >= 0;
        f.nAsks = n;
        this.seen |= F_ASKS;
      } else if (depth === 0 && c.strIs(K_DATA)) {
        ok = this.parseObject(1);
      } else if (depth === 0 && c.strIs(K_STREAM)) {
        ok = c.readString() && this.parseStreamName();
      } else if (c.strIs(K_RESULT)) {
        this.seen |= F_RESULT;
        ok = c.skipValue(depth + 1);
      } else if (c.strIs(K_ERROR)) {
        this.seen |= F_ERROR;
        ok = c.skipValue(depth + 1);
      } else if (c.strIs(K_ID)) {
        const ch = c.buf[c.pos];
        if (ch >= 0x30 && ch <= 0x39) {
          ok = c.readUint();
          f.reqId = c.num;
        } else {
          ok = c.skipValue(depth + 1);
        }
      } else {
        ok = c.skipValue(depth + 1);
      }
      if (!ok) return false;
      k = c.nextKey();
    }
    return k === 0;
  }

  private oneLetterKey(key: number): boolean {
    const c = this.c;
    const f = this.frame;
    switch (key) {
      case 0x65: // e
        if (!c.readString()) return false;
        this.ev = c.strIs(V_BOOK_TICKER)
          ? EV_BOOK_TICKER
          : c.strIs(V_DEPTH_UPDATE)
            ? EV_DEPTH_UPDATE
            : c.strIs(V_TRADE)
              ? EV_TRADE
              : c.strIs(V_AGG_TRADE)
                ? EV_AGG_TRADE
                : c.strIs(V_SERVER_SHUTDOWN)
                  ? EV_SERVER_SHUTDOWN
                  : EV_OTHER;
        return true;
      case 0x45: // E
        this.seen |= F_E;
        if (!c.readUint()) return false;
        f.exchMs = c.num;
        return true;
      case 0x54: // T
        this.seen |= F_T;
        if (!c.readUint()) return false;
        f.matchMs = c.num;
        return true;
      case 0x73: // s
        this.seen |= F_S;
        if (!c.readString()) return false;
        this.sSymbol = this.symbols.match(c.buf, c.strStart, c.strEnd);
        return true;
      case 0x75: // u
        this.seen |= F_U_LAST;
        if (!c.readUint()) return false;
        f.updateId = c.num;
        return true;
      case 0x55: // U
        this.seen |= F_U_FIRST;
        if (!c.readUint()) return false;
        f.firstUpdateId = c.num;
        return true;
      case 0x62: // b: bookTicker bid price or depthUpdate bid levels
        if (c.buf[c.pos] === 0x5b) {
          this.seen = (this.seen | F_BID_LVL) & ~F_BID_STR; // a repeated key: the last one wins, as in JSON.parse
          const n = c.readLevels(f.bidsPx, f.bidsSz, f.levelCapacity);
          f.nBids = n;
          return n >= 0;
        }
        this.seen = (this.seen | F_BID_STR) & ~F_BID_LVL;
        if (!c.readPrice()) return false;
        f.bidPx = c.num;
        return true;
      case 0x61: {
        // a: ask price, ask levels, or aggTrade id
        const ch = c.buf[c.pos];
        if (ch === 0x5b) {
          this.seen = (this.seen | F_ASK_LVL) & ~(F_ASK_STR | F_AGG_ID);
          const n = c.readLevels(f.asksPx, f.asksSz, f.levelCapacity);
          f.nAsks = n;
          return n >= 0;
        }
        if (ch >= 0x30 && ch <= 0x39) {
          this.seen = (this.seen | F_AGG_ID) & ~(F_ASK_STR | F_ASK_LVL);
          if (!c.readUint()) return false;
          f.tradeId = c.num;
          return true;
        }
        this.seen = (this.seen | F_ASK_STR) & ~(F_ASK_LVL | F_AGG_ID);
        if (!c.readPrice()) return false;
        f.askPx = c.num;
        return true;
      }
      case 0x42: // B
        this.seen |= F_BID_SZ;
        if (!c.readSize()) return false;
        f.bidSz = c.num;
        return true;
      case 0x41: // A
        this.seen |= F_ASK_SZ;
        if (!c.readSize()) return false;
        f.askSz = c.num;
        return true;
      case 0x70: // p
        this.seen |= F_PRICE;
        if (!c.readPrice()) return false;
        this.tradePx = c.num;
        return true;
      case 0x71: // q
        this.seen |= F_QTY;
        if (!c.readSize()) return false;
        this.tradeQty = c.num;
        return true;
      case 0x74: // t
        this.seen |= F_TRADE_ID;
        if (!c.readUint()) return false;
        if (this.ev !== EV_AGG_TRADE) f.tradeId = c.num;
        return true;
      case 0x6d: // m
        this.seen |= F_MAKER;
        if (!c.readBool()) return false;
        this.maker = c.num;
        return true;
      default:
        return c.skipValue(2);
    }
  }

  /** "btcusdt@depth20@100ms": symbol before the first '@', depth count after "@depth". */
  private parseStreamName(): boolean {
    const c = this.c;
    const buf = c.buf;
    const start = c.strStart;
    const end = c.strEnd;
    this.streamSeen = 1;
    let at = start;
    while (at < end && buf[at] !== AT) at++;
    this.streamSymbol = this.symbols.matchFold(buf, start, at);
    let p = at + 1;
    let i = 0;
    while (i < DEPTH.length && p < end && buf[p] === DEPTH[i]) {
      p++;
      i++;
    }
    if (i === DEPTH.length) {
      let n = 0;
      while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) n = n * 10 + (buf[p++] - 0x30);
      this.frame.depthTopic = n;
    }
    return true;
  }

  /** Decide the message type from the event and the fields seen, and check requirements. */
  private resolve(): number {
    const f = this.frame;
    const seen = this.seen;
    let ev = this.ev;
    if (ev === EV_NONE) {
      if ((seen & (F_RESULT | F_ERROR)) !== 0) {
        f.msg = MSG_CONTROL;
        f.controlOk = (seen & F_ERROR) !== 0 ? 0 : 1;
        f.controlOp = (seen & F_RESULT) !== 0 && this.c.err === 0 ? OP_SUBSCRIBE : OP_OTHER;
        return MSG_CONTROL;
      }
      if ((seen & F_LAST_UPDATE_ID) !== 0) {
        if ((seen & REQ_PARTIAL) !== REQ_PARTIAL) return f.fail(ERR_MISSING_FIELD, -1);
        const sym = this.streamSeen === 1 ? this.streamSymbol : this.defaultSymbol;
        if (sym < 0) return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        f.symbolId = sym;
        f.snapshot = 1;
        f.msg = MSG_DEPTH_SNAPSHOT;
        return MSG_DEPTH_SNAPSHOT;
      }
      if ((seen & (F_BID_STR | F_ASK_STR)) !== 0) ev = EV_BOOK_TICKER; // spot bookTicker has no "e"
      else return f.fail(ERR_UNKNOWN_TOPIC, -1);
    }
    switch (ev) {
      case EV_BOOK_TICKER:
        if ((seen & REQ_BOOK_TICKER) !== REQ_BOOK_TICKER) return this.missing(REQ_BOOK_TICKER);
        if (this.sSymbol < 0) return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        f.symbolId = this.sSymbol;
        f.msg = MSG_QUOTE;
        return MSG_QUOTE;
      case EV_DEPTH_UPDATE:
        if ((seen & REQ_DEPTH_UPDATE) !== REQ_DEPTH_UPDATE) return this.missing(REQ_DEPTH_UPDATE);
        if (this.sSymbol < 0) return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        f.symbolId = this.sSymbol;
        f.msg = MSG_DEPTH_DELTA;
        return MSG_DEPTH_DELTA;
      case EV_TRADE:
      case EV_AGG_TRADE: {
        const req = ev === EV_TRADE ? REQ_TRADE : REQ_AGG_TRADE;
        if ((seen & req) !== req) return this.missing(req);
        if (this.sSymbol < 0) return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        if (this.tradePx <= 0) return f.fail(ERR_WRONG_TYPE, -1);
        f.symbolId = this.sSymbol;
        f.nTrades = 1;
        f.tradePx[0] = this.tradePx;
        f.tradeQty[0] = this.tradeQty;
        f.tradeSide[0] = this.maker === 1 ? SIDE_SELL : SIDE_BUY; // buyer is maker = taker sold
        f.tradeMs[0] = f.matchMs;
        f.msg = MSG_TRADE;
        return MSG_TRADE;
      }
      case EV_SERVER_SHUTDOWN:
        f.msg = MSG_SERVER_SHUTDOWN;
        return MSG_SERVER_SHUTDOWN;
      default:
        return f.fail(ERR_UNKNOWN_TOPIC, -1);
    }
  }

  /** A required field is absent; a field present with the other shape is a type error. */
  private missing(req: number): number {
    const seen = this.seen;
    const wrongShape =
      ((req & F_BID_STR) !== 0 && (seen & F_BID_LVL) !== 0) ||
      ((req & F_BID_LVL) !== 0 && (seen & F_BID_STR) !== 0) ||
      ((req & F_ASK_STR) !== 0 && (seen & F_ASK_LVL) !== 0) ||
      ((req & F_ASK_LVL) !== 0 && (seen & F_ASK_STR) !== 0);
    return this.frame.fail(wrongShape ? ERR_WRONG_TYPE : ERR_MISSING_FIELD, -1);
  }
}
