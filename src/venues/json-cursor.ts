/**
 * A strict JSON scanner over the bytes of one WebSocket frame, for the venue frame parsers.
 *
 * It never builds strings or objects: strings are reported as byte ranges (strStart..strEnd),
 * numbers as a float64 in `num`. Every method returns false (or -1) after recording the first
 * error in `err`/`errPos`; callers stop at the first failure, so no method throws and nothing
 * is half reported as good.
 *
 * The grammar is JSON's (RFC 8259): strings reject raw control bytes and bad escapes, numbers
 * reject leading zeros, "1.", ".5", NaN and Infinity, literals are true/false/null. A frame the
 * cursor accepts is therefore one JSON.parse accepts too.
 *
 * Decimal conversion equals parseFloat exactly: digits are accumulated into an integer mantissa
 * while it has at most 15 significant digits (so it is exact, < 2^53) and divided once by an
 * exact power of ten (10^0..10^22 are exact doubles). One correctly rounded division of two
 * exact values is the correctly rounded result (Clinger's fast path). Longer mantissas,
 * exponents and scales beyond 10^22 fall back to parseFloat on the slice (rare; allocates).
 *
 * The common shapes get a cheaper first try that records nothing when it declines: decimal
 * strings in plain digits[.digits] form (fastDecimal) and compact depth levels `["px","sz"]`
 * (compactLevel, used by readLevels). Anything else, including every error, is re-read by the
 * general code from the same position, so results, error codes and error positions are the
 * general code's.
 *
 * Deliberately typed for Buffer only: one generic byte accessor shared with strings made both
 * paths 2-3x slower (DESIGN.md section 9).
 */
import {
  ERR_BAD_NUMBER,
  ERR_NEGATIVE,
  ERR_NON_POSITIVE_PRICE,
  ERR_NOT_FINITE,
  ERR_SYNTAX,
  ERR_TOO_DEEP,
  ERR_TOO_MANY_LEVELS,
  ERR_TRUNCATED,
  ERR_WRONG_TYPE,
} from './parsed-frame.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Exact powers of ten representable as doubles. */
const POW10 = new Float64Array(23);
for (let i = 0, v = 1; i < 23; i++, v *= 10) POW10[i] = v;

const MAX_FAST_DIGITS = 15;
/** 2^53: integers below it are exact doubles, and so is every step of building them. */
const TWO_POW_53 = 9007199254740992;
const MAX_FAST_SCALE = 22;
/** No venue message nests deeper than a handful of levels. */
export const MAX_JSON_DEPTH = 16;

const EMPTY = Buffer.alloc(0);

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export class JsonCursor {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  err = 0;
  errPos = -1;
  /** Last string read: content bytes [strStart, strEnd), strEscaped = 1 if it had a backslash. */
  strStart = 0;
  strEnd = 0;
  strEscaped = 0;
  /** Last number read. numInt = 1 when it had no fraction and no exponent. */
  num = 0;
  numNeg = 0;
  numInt = 0;
  /** Set by fastDecimal: its value, and 1 when it had no fraction. */
  private fastNum = 0;
  private fastInt = 0;
  /** Set by compactLevel. */
  private levelPx = 0;
  private levelSz = 0;

  reset(buf: Buffer, len: number): void {
    this.buf = buf;
    this.pos = 0;
    this.end = len;
    this.err = 0;
    this.errPos = -1;
  }

  /** Record an error (the first one wins) and return false. */
  fail(code: number): boolean {
    if (this.err === 0) {
      this.err = code;
      this.errPos = this.pos;
    }
    return false;
  }

  /** Skip whitespace; returns the byte at pos, or -1 at the end. */
  skipWs(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    while (p < end) {
      const c = buf[p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = p;
        return c;
      }
      p++;
    }
    this.pos = p;
    return -1;
  }

  /** Fail with TRUNCATED at the end of input, SYNTAX otherwise. */
  unexpected(): boolean {
    return this.fail(this.pos >= this.end ? ERR_TRUNCATED : ERR_SYNTAX);
  }

  /** Consume `{` and position at the first key. 1 = a key was read, 0 = empty object, -1 = error. */
  firstKey(): number {
    if (this.skipWs() !== LBRACE) {
      this.fail(this.pos >= this.end ? ERR_TRUNCATED : ERR_WRONG_TYPE);
      return -1;
    }
    this.pos++;
    const c = this.skipWs();
    if (c === RBRACE) {
      this.pos++;
      return 0;
    }
    return this.readKey();
  }

  /** After a member's value: 1 = next key read, 0 = object closed, -1 = error. */
  nextKey(): number {
    const c = this.skipWs();
    if (c === COMMA) {
      this.pos++;
      this.skipWs();
      return this.readKey();
    }
    if (c === RBRACE) {
      this.pos++;
      return 0;
    }
    this.unexpected();
    return -1;
  }

  private readKey(): number {
    if (this.pos >= this.end || this.buf[this.pos] !== QUOTE) {
      this.unexpected();
      return -1;
    }
    if (!this.readString()) return -1;
    if (this.skipWs() !== COLON) {
      this.unexpected();
      return -1;
    }
    this.pos++;
    this.skipWs();
    return 1;
  }

  /** Consume `[`: 1 = positioned at the first element, 0 = empty array, -1 = error. */
  firstElem(): number {
    if (this.skipWs() !== LBRACKET) {
      this.fail(this.pos >= this.end ? ERR_TRUNCATED : ERR_WRONG_TYPE);
      return -1;
    }
    this.pos++;
    if (this.skipWs() === RBRACKET) {
      this.pos++;
      return 0;
    }
    return 1;
  }

  /** After an element: 1 = positioned at the next element, 0 = array closed, -1 = error. */
  nextElem(): number {
    const c = this.skipWs();
    if (c === COMMA) {
      this.pos++;
      this.skipWs();
      return 1;
    }
    if (c === RBRACKET) {
      this.pos++;
      return 0;
    }
    this.unexpected();
    return -1;
  }

  /** Key (or string) equality with a precomputed ASCII byte array. */
  strIs(lit: Uint8Array): boolean {
    const s = this.strStart;
    const n = lit.length;
    if (this.strEnd - s !== n) return false;
    const buf = this.buf;
    for (let i = 0; i < n; i++) if (buf[s + i] !== lit[i]) return false;
    return true;
  }

  /** Read a JSON string at pos (which must be `"`); its content range goes to strStart/strEnd. */
  readString(): boolean {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p >= end) return this.fail(ERR_TRUNCATED);
    if (buf[p] !== QUOTE) return this.fail(ERR_WRONG_TYPE);
    p++;
    const start = p;
    let escaped = 0;
    while (p < end) {
      const c = buf[p];
      if (c === QUOTE) {
        this.strStart = start;
        this.strEnd = p;
        this.strEscaped = escaped;
        this.pos = p + 1;
        return true;
      }
      if (c < 0x20) {
        this.pos = p;
        return this.fail(ERR_SYNTAX);
      }
      if (c === BACKSLASH) {
        escaped = 1;
        p++;
        if (p >= end) break;
        const e = buf[p];
        if (e === 0x75) {
          // \uXXXX
          if (p + 4 >= end) break;
          if (!isHex(buf[p + 1]) || !isHex(buf[p + 2]) || !isHex(buf[p + 3]) || !isHex(buf[p + 4])) {
            this.pos = p;
            return this.fail(ERR_SYNTAX);
          }
          p += 4;
        } else if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) {
          this.pos = p;
          return this.fail(ERR_SYNTAX);
        }
      }
      p++;
    }
    this.pos = end;
    return this.fail(ERR_TRUNCATED);
  }

  /**
   * Scan a number per the JSON grammar starting at p, set num/numNeg/numInt, return the end
   * position, or -1 after recording ERR_BAD_NUMBER / ERR_TRUNCATED / ERR_NOT_FINITE.
   * `closing` is the byte that must follow (a quote for decimal strings) or -1 for none.
   */
  private scanNumber(p: number, closing: number): number {
    const buf = this.buf;
    const end = this.end;
    const start = p;
    let neg = 0;
    if (p < end && buf[p] === MINUS) {
      neg = 1;
      p++;
    }
    let mant = 0;
    let sig = 0;
    let scale = 0;
    let slow = false;
    let isInt = 1;
    let c = p < end ? buf[p] : -1;
    if (c === ZERO) {
      p++;
      c = p < end ? buf[p] : -1;
    } else if (c > ZERO && c <= NINE) {
      while (c >= ZERO && c <= NINE) {
        mant = mant * 10 + (c - ZERO);
        sig++;
        p++;
        c = p < end ? buf[p] : -1;
      }
      if (sig > MAX_FAST_DIGITS) slow = true;
    } else {
      this.pos = p;
      this.fail(c < 0 ? ERR_TRUNCATED : ERR_BAD_NUMBER);
      return -1;
    }
    if (c === DOT) {
      isInt = 0;
      p++;
      c = p < end ? buf[p] : -1;
      if (c < ZERO || c > NINE) {
        this.pos = p;
        this.fail(c < 0 ? ERR_TRUNCATED : ERR_BAD_NUMBER);
        return -1;
      }
      let zeros = 0; // fraction zeros not yet folded into the mantissa (trailing ones never are)
      while (c >= ZERO && c <= NINE) {
        if (c === ZERO) {
          zeros++;
        } else if (!slow) {
          if (zeros > 0) {
            if (scale + zeros >= MAX_FAST_SCALE || (mant !== 0 && sig + zeros >= MAX_FAST_DIGITS)) {
              slow = true;
            } else {
              if (mant !== 0) {
                mant *= POW10[zeros];
                sig += zeros;
              }
              scale += zeros;
              zeros = 0;
            }
          }
          if (!slow) {
            mant = mant * 10 + (c - ZERO);
            sig++;
            scale++;
            if (sig > MAX_FAST_DIGITS || scale > MAX_FAST_SCALE) slow = true;
          }
        }
        p++;
        c = p < end ? buf[p] : -1;
      }
    }
    if (c === 0x65 || c === 0x45) {
      isInt = 0;
      slow = true;
      p++;
      c = p < end ? buf[p] : -1;
      if (c === PLUS || c === MINUS) {
        p++;
        c = p < end ? buf[p] : -1;
      }
      if (c < ZERO || c > NINE) {
        this.pos = p;
        this.fail(c < 0 ? ERR_TRUNCATED : ERR_BAD_NUMBER);
        return -1;
      }
      while (c >= ZERO && c <= NINE) {
        p++;
        c = p < end ? buf[p] : -1;
      }
    }
    if (closing >= 0 && c !== closing) {
      this.pos = p;
      this.fail(c < 0 ? ERR_TRUNCATED : ERR_BAD_NUMBER);
      return -1;
    }
    let v: number;
    if (slow) {
      v = parseFloat(buf.toString('latin1', start, p));
      if (v !== v || v === Infinity || v === -Infinity) {
        this.pos = start;
        this.fail(ERR_NOT_FINITE);
        return -1;
      }
    } else {
      v = scale === 0 ? mant : mant / POW10[scale];
      if (neg === 1) v = -v;
    }
    this.num = v;
    this.numNeg = neg;
    this.numInt = isInt;
    return p;
  }

  /**
   * The common decimal string content, unsigned digits[.digits] in JSON number form, from p to
   * its closing quote, whose position it returns (value in fastNum). -1 for anything else (a
   * sign, an exponent, a leading zero, a bad byte, the end) and when the conversion below would
   * not be exact: then scanNumber re-reads it and decides. It never records an error.
   *
   * All digits go into one integer mantissa m, divided once by 10^k (k fraction digits). While
   * m < 2^53 every accumulation step was exact, and 10^k is exact for k <= 22, so the single
   * correctly rounded division is the double nearest the decimal, i.e. parseFloat's result.
   */
  private fastDecimal(p: number): number {
    const buf = this.buf;
    const end = this.end;
    if (p >= end) return -1;
    let d = buf[p] - ZERO;
    let m = 0;
    if (d === 0) {
      p++;
    } else if (d >= 1 && d <= 9) {
      for (;;) {
        m = m * 10 + d;
        if (++p >= end) return -1;
        d = buf[p] - ZERO;
        if (d >>> 0 > 9) break; // also d < 0 (unsigned wrap)
      }
    } else {
      return -1;
    }
    if (p >= end) return -1;
    let c = buf[p];
    let scale = 0;
    if (c === DOT) {
      const first = ++p;
      while (p < end) {
        d = buf[p] - ZERO;
        if (d >>> 0 > 9) break; // also d < 0 (unsigned wrap)
        m = m * 10 + d;
        p++;
      }
      scale = p - first;
      if (scale === 0 || scale > MAX_FAST_SCALE || p >= end) return -1;
      c = buf[p];
    }
    if (c !== QUOTE || m >= TWO_POW_53) return -1;
    this.fastNum = scale === 0 ? m : m / POW10[scale];
    this.fastInt = scale === 0 ? 1 : 0;
    return p;
  }

  /**
   * A depth level in its compact form `["price","size"]` at p, both in fastDecimal's form and
   * the price > 0: the position after `]` (values in levelPx/levelSz), else -1 with nothing
   * recorded, and readLevels reads the level again the general way.
   */
  private compactLevel(p: number): number {
    const buf = this.buf;
    const end = this.end;
    if (p + 2 >= end || buf[p] !== LBRACKET || buf[p + 1] !== QUOTE) return -1;
    let q = this.fastDecimal(p + 2);
    if (q < 0) return -1;
    const px = this.fastNum;
    if (!(px > 0) || q + 3 >= end || buf[q + 1] !== COMMA || buf[q + 2] !== QUOTE) return -1;
    q = this.fastDecimal(q + 3);
    if (q < 0 || q + 1 >= end || buf[q + 1] !== RBRACKET) return -1;
    this.levelPx = px;
    this.levelSz = this.fastNum;
    // leave the number state as the general path would after reading the size
    this.num = this.fastNum;
    this.numNeg = 0;
    this.numInt = this.fastInt;
    return q + 2;
  }

  /** A bare JSON number at pos. */
  readNumber(): boolean {
    const p = this.scanNumber(this.pos, -1);
    if (p < 0) return false;
    this.pos = p;
    return true;
  }

  /** A non-negative integer JSON number (update ids, times, sequence numbers). */
  readUint(): boolean {
    const p = this.pos;
    if (p < this.end) {
      const c = this.buf[p];
      if (c !== MINUS && (c < ZERO || c > NINE)) return this.fail(ERR_WRONG_TYPE);
    }
    if (!this.readNumber()) return false;
    if (this.numInt === 0 || this.numNeg === 1) {
      this.pos = p;
      return this.fail(ERR_WRONG_TYPE);
    }
    return true;
  }

  /** A decimal number written as a JSON string, e.g. "61837.63000000". */
  readDecimalString(): boolean {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) return this.fail(ERR_TRUNCATED);
    if (buf[p] !== QUOTE) return this.fail(ERR_WRONG_TYPE);
    const f = this.fastDecimal(p + 1);
    if (f >= 0) {
      this.num = this.fastNum;
      this.numNeg = 0;
      this.numInt = this.fastInt;
      this.pos = f + 1;
      return true;
    }
    const q = this.scanNumber(p + 1, QUOTE);
    if (q < 0) return false;
    this.pos = q + 1;
    return true;
  }

  /** A price string: finite and > 0. */
  readPrice(): boolean {
    const p = this.pos;
    if (!this.readDecimalString()) return false;
    if (this.numNeg === 1) {
      this.pos = p;
      return this.fail(ERR_NEGATIVE);
    }
    if (this.num === 0) {
      this.pos = p;
      return this.fail(ERR_NON_POSITIVE_PRICE);
    }
    return true;
  }

  /** A size string: finite and >= 0. */
  readSize(): boolean {
    const p = this.pos;
    if (!this.readDecimalString()) return false;
    if (this.numNeg === 1) {
      this.pos = p;
      return this.fail(ERR_NEGATIVE);
    }
    return true;
  }

  /** true / false at pos; result in num (1 / 0). */
  readBool(): boolean {
    const buf = this.buf;
    const p = this.pos;
    const end = this.end;
    if (p + 4 <= end && buf[p] === 0x74 && buf[p + 1] === 0x72 && buf[p + 2] === 0x75 && buf[p + 3] === 0x65) {
      this.num = 1;
      this.pos = p + 4;
      return true;
    }
    if (p + 5 <= end && buf[p] === 0x66 && buf[p + 1] === 0x61 && buf[p + 2] === 0x6c && buf[p + 3] === 0x73 && buf[p + 4] === 0x65) {
      this.num = 0;
      this.pos = p + 5;
      return true;
    }
    if (p < end && buf[p] !== 0x74 && buf[p] !== 0x66) return this.fail(ERR_WRONG_TYPE);
    return this.unexpected();
  }

  /** `null` at pos? (does not fail when it is something else) */
  isNull(): boolean {
    const buf = this.buf;
    const p = this.pos;
    return p + 4 <= this.end && buf[p] === 0x6e && buf[p + 1] === 0x75 && buf[p + 2] === 0x6c && buf[p + 3] === 0x6c;
  }

  private literal(a: number, b: number, c: number, d: number, e: number, len: number): boolean {
    const buf = this.buf;
    const p = this.pos;
    if (p + len > this.end) {
      // a prefix of the literal that ran out of bytes is a truncation, anything else a syntax error
      for (let i = p; i < this.end; i++) {
        const want = i - p === 0 ? a : i - p === 1 ? b : i - p === 2 ? c : i - p === 3 ? d : e;
        if (buf[i] !== want) return this.fail(ERR_SYNTAX);
      }
      this.pos = this.end;
      return this.fail(ERR_TRUNCATED);
    }
    if (buf[p] !== a || buf[p + 1] !== b || buf[p + 2] !== c || buf[p + 3] !== d || (len === 5 && buf[p + 4] !== e)) {
      return this.fail(ERR_SYNTAX);
    }
    this.pos = p + len;
    return true;
  }

  /** Skip any JSON value at pos (unknown keys). */
  skipValue(depth: number): boolean {
    if (depth > MAX_JSON_DEPTH) return this.fail(ERR_TOO_DEEP);
    const c = this.skipWs();
    switch (c) {
      case QUOTE:
        return this.readString();
      case LBRACE: {
        let k = this.firstKey();
        while (k === 1) {
          if (!this.skipValue(depth + 1)) return false;
          k = this.nextKey();
        }
        return k === 0;
      }
      case LBRACKET: {
        let k = this.firstElem();
        while (k === 1) {
          if (!this.skipValue(depth + 1)) return false;
          k = this.nextElem();
        }
        return k === 0;
      }
      case 0x74:
        return this.literal(0x74, 0x72, 0x75, 0x65, 0, 4);
      case 0x66:
        return this.literal(0x66, 0x61, 0x6c, 0x73, 0x65, 5);
      case 0x6e:
        return this.literal(0x6e, 0x75, 0x6c, 0x6c, 0, 4);
      case -1:
        return this.fail(ERR_TRUNCATED);
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.readNumber();
        return this.fail(ERR_SYNTAX);
    }
  }

  /**
   * Read an array of [price, size] string pairs into the given arrays (up to `capacity`).
   * Returns the number of levels, or -1 on error. Prices must be > 0, sizes >= 0.
   */
  readLevels(pxOut: Float64Array, szOut: Float64Array, capacity: number): number {
    let n = 0;
    let k = this.firstElem();
    while (k === 1) {
      if (n >= capacity) {
        this.fail(ERR_TOO_MANY_LEVELS);
        return -1;
      }
      const q = this.compactLevel(this.pos);
      if (q >= 0) {
        pxOut[n] = this.levelPx;
        szOut[n] = this.levelSz;
        n++;
        // `,[` straight after: the next level, without the general separator handling
        if (q + 1 < this.end && this.buf[q] === COMMA && this.buf[q + 1] === LBRACKET) {
          this.pos = q + 1;
          continue;
        }
        this.pos = q;
        k = this.nextElem();
        continue;
      }
      if (this.firstElem() !== 1) {
        if (this.err === 0) this.fail(ERR_WRONG_TYPE);
        return -1;
      }
      if (!this.readPrice()) return -1;
      pxOut[n] = this.num;
      if (this.nextElem() !== 1) {
        if (this.err === 0) this.fail(ERR_WRONG_TYPE);
        return -1;
      }
      if (!this.readSize()) return -1;
      szOut[n] = this.num;
      const closed = this.nextElem();
      if (closed !== 0) {
        if (this.err === 0) this.fail(ERR_WRONG_TYPE);
        return -1;
      }
      n++;
      k = this.nextElem();
    }
    return k === 0 ? n : -1;
  }

  /** After the top-level value only whitespace may remain. */
  atEnd(): boolean {
    if (this.skipWs() === -1) return true;
    return this.fail(ERR_SYNTAX);
  }
}

/** ASCII string to bytes, for key and enum constants built at start-up. */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
