/**
 * Bybit v5 public market-data frame parser: a byte scanner from a WebSocket frame's Buffer into
 * the preallocated ParsedFrame (no JSON.parse, no strings, no allocation per frame).
 *
 *   - `orderbook.{1,50,200,500,1000}.<SYM>` snapshot / delta:
 *       orderbook.1 snapshot -> MSG_QUOTE (level 0 of each side; an empty side is px 0, sz 0)
 *       other snapshots      -> MSG_DEPTH_SNAPSHOT, deltas -> MSG_DEPTH_DELTA
 *   - `publicTrade.<SYM>`   -> MSG_TRADE (all trades of the message)
 *   - op replies (`{"success":…,"ret_msg":…,"op":…}`, trade-API style `{"retCode":…,"op":…}`)
 *                           -> MSG_CONTROL with controlOk (0 when the venue said it failed)
 * Keys are matched by name, never by position: spot puts `ts` before `type`, linear after, and
 * `data` may in principle come before `topic`.
 */
import { MARKET_SPOT, SIDE_BUY, SIDE_SELL } from '../../core/records.js';
import type { SymbolTable } from '../../core/symbols.js';
import { JsonCursor, ascii } from '../json-cursor.js';
import {
  ERR_BAD_LENGTH,
  ERR_MISSING_FIELD,
  ERR_TOO_MANY_LEVELS,
  ERR_UNKNOWN_SYMBOL,
  ERR_UNKNOWN_TOPIC,
  ERR_WRONG_TYPE,
  MSG_CONTROL,
  MSG_DEPTH_DELTA,
  MSG_DEPTH_SNAPSHOT,
  MSG_QUOTE,
  MSG_TRADE,
  OP_AUTH,
  OP_OTHER,
  OP_PONG,
  OP_SUBSCRIBE,
  OP_UNSUBSCRIBE,
  ParsedFrame,
} from '../parsed-frame.js';
import { SymbolMatcher } from '../symbol-matcher.js';

const TOPIC_NONE = 0;
const TOPIC_ORDERBOOK = 1;
const TOPIC_TRADE = 2;
const TOPIC_OTHER = 3;

const TYPE_NONE = 0;
const TYPE_SNAPSHOT = 1;
const TYPE_DELTA = 2;
const TYPE_OTHER = 3;

const DATA_NONE = 0;
const DATA_OBJECT = 1;
const DATA_ARRAY = 2;
const DATA_OTHER = 3;

// book data fields
const D_S = 1;
const D_B = 2;
const D_A = 4;
const D_U = 8;
const REQ_BOOK = D_S | D_B | D_A | D_U;
// trade fields
const TR_T = 1;
const TR_S = 2;
const TR_SIDE = 4;
const TR_V = 8;
const TR_P = 16;
const REQ_TRADE = TR_T | TR_S | TR_SIDE | TR_V | TR_P;

const K_TOPIC = ascii('topic');
const K_TYPE = ascii('type');
const K_TS = ascii('ts');
const K_CTS = ascii('cts');
const K_DATA = ascii('data');
const K_SUCCESS = ascii('success');
const K_OP = ascii('op');
const K_RET_CODE = ascii('retCode');
const K_REQ_ID = ascii('req_id');
const K_REQ_ID2 = ascii('reqId');
const K_SEQ = ascii('seq');

const V_SNAPSHOT = ascii('snapshot');
const V_DELTA = ascii('delta');
const V_BUY = ascii('Buy');
const V_SELL = ascii('Sell');
const V_SUBSCRIBE = ascii('subscribe');
const V_UNSUBSCRIBE = ascii('unsubscribe');
const V_PING = ascii('ping');
const V_PONG = ascii('pong');
const V_AUTH = ascii('auth');
const P_ORDERBOOK = ascii('orderbook.');
const P_PUBLIC_TRADE = ascii('publicTrade.');

export class BybitFrameParser {
  readonly frame: ParsedFrame;
  private readonly c = new JsonCursor();
  private readonly symbols: SymbolMatcher;

  // per-frame scratch
  private topic = TOPIC_NONE;
  private topicSymbol = -1;
  private type = TYPE_NONE;
  private dataKind = DATA_NONE;
  private bookSeen = 0;
  private bookSymbol = -1;
  private tsSeen = 0;
  private controlSeen = 0;
  private tradeSymbolBad = 0;
  private tradeSymbol = -1;

  constructor(symbols: SymbolTable, market: number = MARKET_SPOT, frame?: ParsedFrame) {
    this.symbols = new SymbolMatcher(symbols);
    this.frame = frame ?? new ParsedFrame(market);
    this.frame.market = market;
  }

  /** Parse buf[0..len) into this.frame; returns frame.msg. Never throws. */
  parse(buf: Buffer, len: number): number {
    const f = this.frame;
    f.reset();
    if (len < 0 || len > buf.length) return f.fail(ERR_BAD_LENGTH, 0);
    const c = this.c;
    c.reset(buf, len);
    this.topic = TOPIC_NONE;
    this.topicSymbol = -1;
    this.type = TYPE_NONE;
    this.dataKind = DATA_NONE;
    this.bookSeen = 0;
    this.bookSymbol = -1;
    this.tsSeen = 0;
    this.controlSeen = 0;
    this.tradeSymbolBad = 0;
    this.tradeSymbol = -1;
    if (!this.parseTop() || !c.atEnd()) return f.fail(c.err, c.errPos);
    return this.resolve();
  }

  private parseTop(): boolean {
    const c = this.c;
    const f = this.frame;
    let k = c.firstKey();
    while (k === 1) {
      let ok: boolean;
      if (c.strIs(K_TOPIC)) {
        ok = c.readString() && this.parseTopic();
      } else if (c.strIs(K_TYPE)) {
        ok = c.readString();
        this.type = c.strIs(V_SNAPSHOT) ? TYPE_SNAPSHOT : c.strIs(V_DELTA) ? TYPE_DELTA : TYPE_OTHER;
      } else if (c.strIs(K_TS)) {
        ok = c.readUint();
        f.exchMs = c.num;
        this.tsSeen = 1;
      } else if (c.strIs(K_CTS)) {
        ok = c.readUint();
        f.matchMs = c.num;
      } else if (c.strIs(K_DATA)) {
        const ch = c.buf[c.pos];
        if (ch === 0x7b) {
          this.dataKind = DATA_OBJECT;
          ok = this.parseBookData();
        } else if (ch === 0x5b) {
          this.dataKind = DATA_ARRAY;
          ok = this.parseTrades();
        } else {
          ok = c.skipValue(1); // pong replies carry data:["<ms>"] arrays too; other shapes: ignore
        }
      } else if (c.strIs(K_SUCCESS)) {
        ok = c.readBool();
        f.controlOk = c.num;
        this.controlSeen = 1;
      } else if (c.strIs(K_RET_CODE)) {
        ok = c.readNumber();
        f.controlOk = c.num === 0 ? 1 : 0;
        this.controlSeen = 1;
      } else if (c.strIs(K_OP)) {
        ok = c.readString();
        f.controlOp = c.strIs(V_SUBSCRIBE)
          ? OP_SUBSCRIBE
          : c.strIs(V_UNSUBSCRIBE)
            ? OP_UNSUBSCRIBE
            : c.strIs(V_PING) || c.strIs(V_PONG)
              ? OP_PONG
              : c.strIs(V_AUTH)
                ? OP_AUTH
                : OP_OTHER;
        this.controlSeen = 1;
      } else if (c.strIs(K_REQ_ID) || c.strIs(K_REQ_ID2)) {
        ok = c.readString();
        if (ok) f.reqId = digitsValue(c.buf, c.strStart, c.strEnd);
      } else {
        ok = c.skipValue(1);
      }
      if (!ok) return false;
      k = c.nextKey();
    }
    return k === 0;
  }

  /** "orderbook.50.BTCUSDT" / "publicTrade.BTCUSDT". */
  private parseTopic(): boolean {
    const c = this.c;
    const buf = c.buf;
    const end = c.strEnd;
    if (c.strEscaped === 0 && startsWith(buf, c.strStart, end, P_ORDERBOOK)) {
      let p = c.strStart + P_ORDERBOOK.length;
      let depth = 0;
      const digits = p;
      while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39 && p - digits < 5) depth = depth * 10 + (buf[p++] - 0x30);
      if (p === digits || p >= end || buf[p] !== 0x2e) {
        this.topic = TOPIC_OTHER;
        return true;
      }
      this.topic = TOPIC_ORDERBOOK;
      this.frame.depthTopic = depth;
      this.topicSymbol = this.symbols.match(buf, p + 1, end);
      return true;
    }
    if (c.strEscaped === 0 && startsWith(buf, c.strStart, end, P_PUBLIC_TRADE)) {
      this.topic = TOPIC_TRADE;
      this.topicSymbol = this.symbols.match(buf, c.strStart + P_PUBLIC_TRADE.length, end);
      return true;
    }
    this.topic = TOPIC_OTHER;
    return true;
  }

  /** `{"s":…,"b":[…],"a":[…],"u":…,"seq":…}` */
  private parseBookData(): boolean {
    const c = this.c;
    const f = this.frame;
    let k = c.firstKey();
    while (k === 1) {
      let ok: boolean;
      if (c.strEnd - c.strStart === 1 && c.strEscaped === 0) {
        switch (c.buf[c.strStart]) {
          case 0x73: // s
            ok = c.readString();
            this.bookSymbol = this.symbols.match(c.buf, c.strStart, c.strEnd);
            this.bookSeen |= D_S;
            break;
          case 0x62: {
            // b
            const n = c.readLevels(f.bidsPx, f.bidsSz, f.levelCapacity);
            ok = n >= 0;
            f.nBids = n;
            this.bookSeen |= D_B;
            break;
          }
          case 0x61: {
            // a
            const n = c.readLevels(f.asksPx, f.asksSz, f.levelCapacity);
            ok = n >= 0;
            f.nAsks = n;
            this.bookSeen |= D_A;
            break;
          }
          case 0x75: // u
            ok = c.readUint();
            f.updateId = c.num;
            this.bookSeen |= D_U;
            break;
          default:
            ok = c.skipValue(2);
        }
      } else if (c.strIs(K_SEQ)) {
        ok = c.readUint();
        f.crossSeq = c.num;
      } else {
        ok = c.skipValue(2);
      }
      if (!ok) return false;
      k = c.nextKey();
    }
    return k === 0;
  }

  /** `[{"T":…,"s":…,"S":"Buy","v":"…","p":"…",…},…]` */
  private parseTrades(): boolean {
    const c = this.c;
    const f = this.frame;
    let n = 0;
    let e = c.firstElem();
    if (e === 1 && c.buf[c.pos] !== 0x7b) {
      // not trades (e.g. the trade API's pong carries data:["<ms>"]): skip it
      this.dataKind = DATA_OTHER;
      while (e === 1) {
        if (!c.skipValue(2)) return false;
        e = c.nextElem();
      }
      return e === 0;
    }
    while (e === 1) {
      if (n >= f.tradeCapacity) return c.fail(ERR_TOO_MANY_LEVELS);
      let seen = 0;
      let k = c.firstKey();
      while (k === 1) {
        let ok: boolean;
        if (c.strEnd - c.strStart === 1 && c.strEscaped === 0) {
          switch (c.buf[c.strStart]) {
            case 0x54: // T
              ok = c.readUint();
              f.tradeMs[n] = c.num;
              seen |= TR_T;
              break;
            case 0x73: {
              // s
              ok = c.readString();
              const id = this.symbols.match(c.buf, c.strStart, c.strEnd);
              if (id < 0 || (this.tradeSymbol >= 0 && id !== this.tradeSymbol)) this.tradeSymbolBad = 1;
              this.tradeSymbol = id;
              seen |= TR_S;
              break;
            }
            case 0x53: // S
              ok = c.readString();
              if (c.strIs(V_BUY)) f.tradeSide[n] = SIDE_BUY;
              else if (c.strIs(V_SELL)) f.tradeSide[n] = SIDE_SELL;
              else return c.fail(ERR_WRONG_TYPE);
              seen |= TR_SIDE;
              break;
            case 0x76: // v
              ok = c.readSize();
              f.tradeQty[n] = c.num;
              seen |= TR_V;
              break;
            case 0x70: // p
              ok = c.readPrice();
              f.tradePx[n] = c.num;
              seen |= TR_P;
              break;
            default:
              ok = c.skipValue(3);
          }
        } else {
          ok = c.skipValue(3);
        }
        if (!ok) return false;
        k = c.nextKey();
      }
      if (k < 0) return false;
      if (seen !== REQ_TRADE) return c.fail(ERR_MISSING_FIELD);
      n++;
      e = c.nextElem();
    }
    f.nTrades = n;
    return e === 0;
  }

  private resolve(): number {
    const f = this.frame;
    switch (this.topic) {
      case TOPIC_ORDERBOOK: {
        if (this.dataKind !== DATA_OBJECT) return f.fail(this.dataKind === DATA_NONE ? ERR_MISSING_FIELD : ERR_WRONG_TYPE, -1);
        if ((this.bookSeen & REQ_BOOK) !== REQ_BOOK || this.type === TYPE_NONE || this.tsSeen === 0) return f.fail(ERR_MISSING_FIELD, -1);
        if (this.type === TYPE_OTHER) return f.fail(ERR_UNKNOWN_TOPIC, -1);
        if (this.topicSymbol < 0 || this.bookSymbol !== this.topicSymbol) return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        f.symbolId = this.topicSymbol;
        if (this.type === TYPE_SNAPSHOT) {
          f.snapshot = 1;
          if (f.depthTopic === 1) {
            if (f.nBids > 0) {
              f.bidPx = f.bidsPx[0];
              f.bidSz = f.bidsSz[0];
            }
            if (f.nAsks > 0) {
              f.askPx = f.asksPx[0];
              f.askSz = f.asksSz[0];
            }
            f.msg = MSG_QUOTE;
            return MSG_QUOTE;
          }
          f.msg = MSG_DEPTH_SNAPSHOT;
          return MSG_DEPTH_SNAPSHOT;
        }
        f.msg = MSG_DEPTH_DELTA;
        return MSG_DEPTH_DELTA;
      }
      case TOPIC_TRADE:
        if (this.dataKind !== DATA_ARRAY) return f.fail(this.dataKind === DATA_NONE ? ERR_MISSING_FIELD : ERR_WRONG_TYPE, -1);
        if (this.tsSeen === 0) return f.fail(ERR_MISSING_FIELD, -1);
        if (this.topicSymbol < 0 || this.tradeSymbolBad === 1 || (f.nTrades > 0 && this.tradeSymbol !== this.topicSymbol)) {
          return f.fail(ERR_UNKNOWN_SYMBOL, -1);
        }
        f.symbolId = this.topicSymbol;
        f.msg = MSG_TRADE;
        return MSG_TRADE;
      case TOPIC_NONE:
        if (this.controlSeen === 1) {
          f.msg = MSG_CONTROL;
          return MSG_CONTROL;
        }
        return f.fail(ERR_UNKNOWN_TOPIC, -1);
      default:
        return f.fail(ERR_UNKNOWN_TOPIC, -1);
    }
  }
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Uint8Array): boolean {
  const n = prefix.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** A request id string made only of digits (at most 15) as a number, else -1. */
function digitsValue(buf: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let p = start; p < end; p++) {
    const d = buf[p] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
