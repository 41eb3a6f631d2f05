/**
 * A depth frame told apart from a top-of-book frame by its first bytes, without parsing it:
 * a backtest with top-of-book fills (`--book top`) never reads depth, so it need not scan the
 * half of the recorded frames that are depth diffs (docs/backtest.md, Performance).
 *
 * Only the exact wrappers the venues send (and the store records) are recognised; anything
 * else answers false and goes through the venue's full parser as before.
 *   Binance combined stream  {"stream":"<symbol>@depth…            (bookTicker is <symbol>@bookTicker)
 *   Bybit v5 public          {"topic":"orderbook.<N>.…  with N != 1 (orderbook.1 is the top of book)
 * isDepthLine looks at the same bytes still escaped inside a store line (`"f":"{\"stream\":…`),
 * so the reader need not even unescape a frame the engine would not read.
 */
import { VENUE_BINANCE, VENUE_BYBIT } from '../core/records.js';

const BINANCE_PREFIX = Buffer.from('{"stream":"');
const BYBIT_PREFIX = Buffer.from('{"topic":"orderbook.');
const DEPTH = Buffer.from('@depth');
const BINANCE_PREFIX_ESC = Buffer.from('{\\"stream\\":\\"');
const BYBIT_PREFIX_ESC = Buffer.from('{\\"topic\\":\\"orderbook.');
const BS = 0x5c;
const QUOTE = 0x22;
const AT = 0x40;
const DOT = 0x2e;
const ONE = 0x31;

function startsWith(buf: Buffer, len: number, prefix: Buffer, at: number): boolean {
  // len: the end of the bytes that may be read (exclusive)
  const n = prefix.length;
  if (at + n > len) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** True when buf[0, len) is certainly a depth frame of `venue` (a quick look, no parse). */
export function isDepthFrame(venue: number, buf: Buffer, len: number): boolean {
  if (venue === VENUE_BINANCE) {
    if (!startsWith(buf, len, BINANCE_PREFIX, 0)) return false;
    // the stream name: <symbol>@<kind>[@<speed>]"
    const end = len < 48 ? len : 48;
    for (let p = BINANCE_PREFIX.length; p < end; p++) {
      const c = buf[p]!;
      if (c === AT) return startsWith(buf, len, DEPTH, p);
      if (c === QUOTE) return false;
    }
    return false;
  }
  if (venue === VENUE_BYBIT) {
    if (!startsWith(buf, len, BYBIT_PREFIX, 0)) return false;
    const p = BYBIT_PREFIX.length;
    if (p + 1 >= len) return false;
    const d = buf[p]!;
    if (d < 0x30 || d > 0x39) return false;
    // orderbook.1.<symbol> is the top of book; orderbook.50, .200, .1000 are depth
    return !(d === ONE && buf[p + 1] === DOT);
  }
  return false;
}

/**
 * isDepthFrame on a frame still escaped in a store line: buf[from, end) is the text after
 * `"f":"` (quotes inside appear as \"). The prefixes are the escaped ones; what follows them
 * (a stream name, a depth number) holds no quote.
 */
export function isDepthLine(venue: number, buf: Buffer, from: number, end: number): boolean {
  if (venue === VENUE_BINANCE) {
    if (!startsWith(buf, end, BINANCE_PREFIX_ESC, from)) return false;
    const stop = end < from + 56 ? end : from + 56;
    for (let p = from + BINANCE_PREFIX_ESC.length; p < stop; p++) {
      const c = buf[p]!;
      if (c === AT) return startsWith(buf, end, DEPTH, p);
      if (c === BS || c === QUOTE) return false;
    }
    return false;
  }
  if (venue === VENUE_BYBIT) {
    if (!startsWith(buf, end, BYBIT_PREFIX_ESC, from)) return false;
    const p = from + BYBIT_PREFIX_ESC.length;
    if (p + 1 >= end) return false;
    const d = buf[p]!;
    if (d < 0x30 || d > 0x39) return false;
    return !(d === ONE && buf[p + 1] === DOT);
  }
  return false;
}
