/**
 * Fast path for Binance bookTicker frames in the exact byte layout Binance sends:
 *
 *   [{"stream":"<sym>@bookTicker","data":] {["e":"bookTicker",]"u":N,"s":"SYM","b":"…","B":"…","a":"…","A":"…"[,"T":N,"E":N]} [}]
 *
 * (spot: no "e"/"T"/"E"; USD-M futures: all three; the combined wrapper is optional). No
 * whitespace, no escapes, no other keys, no other order. Anything else, and anything that would
 * be an error, returns false without touching the frame; the caller then runs the general
 * scanner (BinanceFrameParser), which decides the outcome and the error code. So this path
 * never changes what is accepted: a frame it accepts is valid JSON that the general scanner
 * parses to the same fields, and every rejection is the general scanner's.
 *
 * Why it is faster: literals are compared byte by byte against constants instead of being
 * tokenized, numbers are read in one tight loop, state lives in locals (not in a cursor
 * object), and the symbol is matched once (from "s"); the stream name is only compared with
 * those bytes, case-folded. When the two disagree the frame goes to the general scanner, which
 * goes by "s" as it always has.
 *
 * Decimal conversion: all digits (integer and fraction) go into one integer mantissa M, which
 * is divided once by 10^k (k = fraction digits). When M < 2^53 every step of the accumulation
 * was exact, and 10^k is an exact double for k <= 22, so the one correctly rounded IEEE
 * division yields the double nearest to the decimal: exactly what parseFloat returns
 * (Clinger's fast path). Otherwise the frame goes to the general scanner.
 */
import { ascii } from '../json-cursor.js';
import { MSG_QUOTE, type ParsedFrame } from '../parsed-frame.js';
import type { SymbolMatcher } from '../symbol-matcher.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const ZERO = 0x30;
const AT = 0x40;
const RBRACE = 0x7d;

/** 2^53: integers below it are exact doubles, and so is every step of building them. */
const TWO_POW_53 = 9007199254740992;
/** 10^0..10^22, all exact doubles. */
const POW10 = new Float64Array(23);
for (let i = 0, v = 1; i < 23; i++, v *= 10) POW10[i] = v;
const MAX_SCALE = 22;
// Digit tests are written `(d >>> 0) <= 9` with d = byte - '0': one unsigned comparison covers
// both d < 0 and d > 9 (measured a few percent faster than two comparisons).
/** Longer "symbols" are not symbols; stop looking for the '@' of the stream name. */
const MAX_SYMBOL_LEN = 32;

const L_STREAM = ascii('{"stream":"');
const L_STREAM_TAIL = ascii('@bookTicker","data":');
const L_OPEN_U = ascii('{"u":');
const L_OPEN_E_U = ascii('{"e":"bookTicker","u":');
const L_S = ascii(',"s":"');
/** The keys before bid price, bid size, ask price, ask size, each after a closing quote. */
const QUOTE_KEYS: readonly Uint8Array[] = [ascii('","b":"'), ascii('","B":"'), ascii('","a":"'), ascii('","A":"')];
const L_T = ascii('","T":');
const L_E = ascii(',"E":');

export class BookTickerFastPath {
  private readonly symbols: SymbolMatcher;
  /** The last number read by uint()/decimal() (a field: methods cannot return two values). */
  private num = 0;
  /** bid price, bid size, ask price, ask size of the frame being read. */
  private readonly values = new Float64Array(4);

  constructor(symbols: SymbolMatcher) {
    this.symbols = symbols;
  }

  /**
   * Parse buf[0..len) into f (already reset by the caller) if it is a bookTicker in the
   * expected layout; true = f is a complete MSG_QUOTE. false = fall back to the general
   * scanner; f is untouched. Requires 0 <= len <= buf.length.
   */
  parse(buf: Buffer, len: number, f: ParsedFrame): boolean {
    // The last byte must close an object; digit loops below stop at any non-digit, so they
    // cannot run past len - 1 and need no bounds check of their own.
    if (len < 40 || buf[len - 1] !== RBRACE) return false;
    let p = lit(buf, 0, len, L_STREAM);
    let streamStart = -1;
    let streamEnd = -1;
    if (p >= 0) {
      streamStart = p;
      const stop = p + MAX_SYMBOL_LEN < len ? p + MAX_SYMBOL_LEN : len;
      while (p < stop && buf[p] !== AT) p++;
      if (p === stop) return false;
      streamEnd = p;
      p = lit(buf, p, len, L_STREAM_TAIL);
      if (p < 0) return false;
    } else {
      p = 0;
    }
    let q = lit(buf, p, len, L_OPEN_U);
    if (q < 0) {
      q = lit(buf, p, len, L_OPEN_E_U);
      if (q < 0) return false;
    }
    p = this.uint(buf, q, len);
    if (p < 0) return false;
    const updateId = this.num;

    p = lit(buf, p, len, L_S);
    if (p < 0) return false;
    const symStart = p;
    while (p < len) {
      const c = buf[p];
      if (c === QUOTE || c === BACKSLASH || c < 0x20) break;
      p++;
    }
    if (p >= len || buf[p] !== QUOTE) return false;
    const symEnd = p;
    const symbolId = this.symbols.match(buf, symStart, symEnd);
    if (symbolId < 0) return false;
    if (streamStart >= 0 && !sameFolded(buf, streamStart, streamEnd, symStart, symEnd)) return false;

    // b, B, a, A: one loop, so the literal check and the decimal reader are one call site each
    // and fit V8's inlining budget (four straight-line copies did not)
    const v = this.values;
    for (let k = 0; k < 4; k++) {
      p = lit(buf, p, len, QUOTE_KEYS[k]);
      if (p < 0) return false;
      p = this.decimal(buf, p, len);
      if (p < 0) return false;
      v[k] = this.num;
    }
    const bidPx = v[0];
    const bidSz = v[1];
    const askPx = v[2];
    const askSz = v[3];
    if (!(bidPx > 0) || !(askPx > 0)) return false;

    // p is at the closing quote of "A"
    let matchMs = 0;
    let exchMs = 0;
    if (p + 1 < len && buf[p + 1] === RBRACE) {
      p += 2;
    } else {
      p = lit(buf, p, len, L_T);
      if (p < 0) return false;
      p = this.uint(buf, p, len);
      if (p < 0) return false;
      matchMs = this.num;
      p = lit(buf, p, len, L_E);
      if (p < 0) return false;
      p = this.uint(buf, p, len);
      if (p < 0) return false;
      exchMs = this.num;
      if (buf[p] !== RBRACE) return false;
      p++;
    }
    if (streamStart >= 0) {
      if (p >= len || buf[p] !== RBRACE) return false;
      p++;
    }
    if (p !== len) return false;

    f.symbolId = symbolId;
    f.updateId = updateId;
    f.bidPx = bidPx;
    f.bidSz = bidSz;
    f.askPx = askPx;
    f.askSz = askSz;
    f.matchMs = matchMs;
    f.exchMs = exchMs;
    f.msg = MSG_QUOTE;
    return true;
  }

  /**
   * A JSON non-negative integer at p (no sign, fraction or exponent; the caller checks the byte
   * after it). Value in num; returns the position after it, or -1. Relies on the frame ending
   * in '}' for its bound.
   */
  private uint(buf: Buffer, p: number, len: number): number {
    if (p >= len) return -1;
    let d = buf[p] - ZERO;
    if (d === 0) {
      this.num = 0;
      return p + 1; // "0" followed by a digit is not JSON: the next literal check fails
    }
    if (d < 1 || d > 9) return -1;
    let m = 0;
    do {
      m = m * 10 + d;
      d = buf[++p] - ZERO;
    } while ((d >>> 0) <= 9);
    if (m >= TWO_POW_53) return -1;
    this.num = m;
    return p;
  }

  /**
   * The content of a decimal string, from p (after the opening quote) to the closing quote,
   * which is where it returns; value in num. -1 for anything but digits[.digits] in JSON
   * number form (no sign, exponent or leading zero), or when the fast conversion is not exact.
   */
  private decimal(buf: Buffer, p: number, len: number): number {
    if (p >= len) return -1;
    let d = buf[p] - ZERO;
    let m = 0;
    if (d === 0) {
      d = buf[++p] - ZERO;
    } else if (d >= 1 && d <= 9) {
      do {
        m = m * 10 + d;
        d = buf[++p] - ZERO;
      } while ((d >>> 0) <= 9);
    } else {
      return -1;
    }
    let scale = 0;
    if (d === DOT - ZERO) {
      const first = ++p;
      d = buf[p] - ZERO;
      while ((d >>> 0) <= 9) {
        m = m * 10 + d;
        d = buf[++p] - ZERO;
      }
      scale = p - first;
      if (scale === 0 || scale > MAX_SCALE) return -1;
    }
    if (d !== QUOTE - ZERO || m >= TWO_POW_53) return -1;
    this.num = m / POW10[scale];
    return p;
  }
}

/** buf[p..) starts with lit (and fits in len): the position after it, else -1. */
function lit(buf: Buffer, p: number, len: number, l: Uint8Array): number {
  const n = l.length;
  if (p + n > len) return -1;
  for (let i = 0; i < n; i++) if (buf[p + i] !== l[i]) return -1;
  return p + n;
}

/** The stream name's symbol [a0, a1) equals the upper-case "s" bytes [b0, b1) once folded. */
function sameFolded(buf: Buffer, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let i = 0; i < a1 - a0; i++) {
    let c = buf[a0 + i];
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== buf[b0 + i]) return false;
  }
  return true;
}
