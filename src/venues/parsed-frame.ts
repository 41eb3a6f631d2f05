/**
 * The result of parsing one market-data frame: a single preallocated, monomorphic object that
 * a venue frame parser refills on every call. The feed worker reads it right after `parse()`
 * returns and before the next frame arrives, so nothing here is ever allocated per message.
 *
 * Every field is set in the constructor and only ever holds a number (or a typed array made
 * once), so V8 keeps one hidden class for it.
 *
 * Fields that do not apply to a message keep their reset values (see `reset()`): 0 for prices,
 * sizes and times, -1 for ids that a venue may omit.
 */
import { MARKET_SPOT } from '../core/records.js';

// ---- message types --------------------------------------------------------------------------
export const MSG_NONE = 0;
/** Top of book: Binance bookTicker, Bybit orderbook.1. Quote fields (and level 0) are set. */
export const MSG_QUOTE = 1;
/** Incremental depth update: Binance depthUpdate, Bybit orderbook.N delta. */
export const MSG_DEPTH_DELTA = 2;
/** Full depth image: Bybit orderbook.N snapshot, Binance partial depth (@depth5/10/20). */
export const MSG_DEPTH_SNAPSHOT = 3;
/** One or more trades (Binance: exactly one; Bybit publicTrade: up to 1024). */
export const MSG_TRADE = 4;
/** Subscribe ack, pong, `{"result":null,"id":N}`, op replies (see controlOk / controlOp). */
export const MSG_CONTROL = 5;
/** Binance `serverShutdown`: the connection will close soon; reconnect now. */
export const MSG_SERVER_SHUTDOWN = 6;
/** The frame is malformed or unusable; see errorCode. Nothing else in the frame is valid. */
export const MSG_ERROR = 7;
export const MSG_NAMES: readonly string[] = ['none', 'quote', 'depth-delta', 'depth-snapshot', 'trade', 'control', 'server-shutdown', 'error'];

// ---- error codes (errorCode when msg === MSG_ERROR) ------------------------------------------
export const ERR_NONE = 0;
export const ERR_TRUNCATED = 1; // frame ended inside a value
export const ERR_SYNTAX = 2; // not valid JSON at this byte
export const ERR_BAD_NUMBER = 3; // not a decimal number (letters, NaN, Infinity, empty, "1.")
export const ERR_NOT_FINITE = 4; // a number overflowed to Infinity
export const ERR_NEGATIVE = 5; // a negative price or size
export const ERR_NON_POSITIVE_PRICE = 6; // price 0
export const ERR_UNKNOWN_SYMBOL = 7; // symbol not in the subscribed symbol table
export const ERR_UNKNOWN_TOPIC = 8; // event / topic this parser does not handle
export const ERR_WRONG_TYPE = 9; // a field has the wrong JSON type
export const ERR_MISSING_FIELD = 10; // a required field is absent
export const ERR_TOO_MANY_LEVELS = 11; // more depth levels (or trades) than the frame's capacity
export const ERR_TOO_DEEP = 12; // nesting deeper than any venue message
export const ERR_BAD_LENGTH = 13; // len out of the buffer's range
export const ERR_NAMES: readonly string[] = [
  'none',
  'truncated',
  'syntax',
  'bad number',
  'not finite',
  'negative',
  'non-positive price',
  'unknown symbol',
  'unknown topic',
  'wrong type',
  'missing field',
  'too many levels',
  'too deep',
  'bad length',
];
/** Alias the brief asked for. */
export const ERROR_NAMES = ERR_NAMES;

// ---- control operations (controlOp when msg === MSG_CONTROL) --------------------------------
export const OP_OTHER = 0;
export const OP_SUBSCRIBE = 1; // subscribe ack (Binance `{"result":null,"id":N}` too)
export const OP_UNSUBSCRIBE = 2;
export const OP_PONG = 3; // reply to our ping
export const OP_AUTH = 4;
export const OP_NAMES: readonly string[] = ['other', 'subscribe', 'unsubscribe', 'pong', 'auth'];

/** Default per-side level capacity: a Bybit ob500 / ob1000 snapshot fits. */
export const FRAME_LEVEL_CAPACITY = 1000;
/** Bybit sends up to 1024 trades per publicTrade message. */
export const FRAME_TRADE_CAPACITY = 1024;

export class ParsedFrame {
  msg = MSG_NONE;
  errorCode = ERR_NONE;
  /** Byte offset where the parser gave up (MSG_ERROR only); helps logging a bad frame. */
  errorPos = -1;
  market: number;
  symbolId = -1;
  /** Depth of the subscribed book: Bybit 1/50/200/500/1000, Binance partial depth 5/10/20; 0 otherwise. */
  depthTopic = 0;
  /** 1 when the venue marked the message as a snapshot (Bybit type "snapshot"). */
  snapshot = 0;
  /** Binance `u` / partial-depth `lastUpdateId`, Bybit `u`; -1 when absent. */
  updateId = -1;
  /** Binance `U`; -1 when absent. */
  firstUpdateId = -1;
  /** Binance futures `pu`; -1 when absent (spot). */
  prevUpdateId = -1;
  /** Bybit `seq` (cross sequence); -1 when absent. */
  crossSeq = -1;
  /** Exchange event time in ms: Binance `E`, Bybit `ts`; 0 when the venue sends none. */
  exchMs = 0;
  /** Matching-engine time in ms: Binance `T`, Bybit `cts`; 0 when absent. */
  matchMs = 0;

  // top of book (MSG_QUOTE)
  bidPx = 0;
  bidSz = 0;
  askPx = 0;
  askSz = 0;

  // depth levels (MSG_DEPTH_*, and MSG_QUOTE from Bybit orderbook.1), in the venue's order
  readonly bidsPx: Float64Array;
  readonly bidsSz: Float64Array;
  nBids = 0;
  readonly asksPx: Float64Array;
  readonly asksSz: Float64Array;
  nAsks = 0;

  // trades (MSG_TRADE)
  readonly tradePx: Float64Array;
  readonly tradeQty: Float64Array;
  /** records.ts SIDE_BUY / SIDE_SELL of the aggressor (taker). */
  readonly tradeSide: Float64Array;
  /** Trade time in ms (Binance `T`, Bybit `T`). */
  readonly tradeMs: Float64Array;
  nTrades = 0;
  /** Binance trade id `t`; -1 for Bybit (its ids are 19-digit strings). */
  tradeId = -1;

  // control replies (MSG_CONTROL)
  /** 1 = the venue reported success, 0 = it reported a failure (Bybit success:false, Binance "error"). */
  controlOk = 1;
  controlOp = OP_OTHER;
  /** Numeric request id echoed by the venue (Binance `id`, Bybit numeric `req_id`); -1 otherwise. */
  reqId = -1;

  readonly levelCapacity: number;
  readonly tradeCapacity: number;

  constructor(market: number = MARKET_SPOT, levelCapacity: number = FRAME_LEVEL_CAPACITY, tradeCapacity: number = FRAME_TRADE_CAPACITY) {
    this.market = market;
    this.levelCapacity = levelCapacity;
    this.tradeCapacity = tradeCapacity;
    this.bidsPx = new Float64Array(levelCapacity);
    this.bidsSz = new Float64Array(levelCapacity);
    this.asksPx = new Float64Array(levelCapacity);
    this.asksSz = new Float64Array(levelCapacity);
    this.tradePx = new Float64Array(tradeCapacity);
    this.tradeQty = new Float64Array(tradeCapacity);
    this.tradeSide = new Float64Array(tradeCapacity);
    this.tradeMs = new Float64Array(tradeCapacity);
  }

  /** Back to "nothing parsed" (arrays are not zeroed: nBids/nAsks/nTrades bound them). */
  reset(): void {
    this.msg = MSG_NONE;
    this.errorCode = ERR_NONE;
    this.errorPos = -1;
    this.symbolId = -1;
    this.depthTopic = 0;
    this.snapshot = 0;
    this.updateId = -1;
    this.firstUpdateId = -1;
    this.prevUpdateId = -1;
    this.crossSeq = -1;
    this.exchMs = 0;
    this.matchMs = 0;
    this.bidPx = 0;
    this.bidSz = 0;
    this.askPx = 0;
    this.askSz = 0;
    this.nBids = 0;
    this.nAsks = 0;
    this.nTrades = 0;
    this.tradeId = -1;
    this.controlOk = 1;
    this.controlOp = OP_OTHER;
    this.reqId = -1;
  }

  /** Mark the frame bad. Returns MSG_ERROR so parsers can `return frame.fail(...)`. */
  fail(code: number, pos: number): number {
    this.msg = MSG_ERROR;
    this.errorCode = code;
    this.errorPos = pos;
    return MSG_ERROR;
  }
}
