/**
 * The bookTicker fast path: it takes Binance's own layout, equals JSON.parse + parseFloat on
 * everything it accepts, and hands every other frame to the general scanner untouched.
 */
import t from 'tap';
import { MARKET_LINEAR, MARKET_SPOT } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BookTickerFastPath } from '../../../src/venues/binance/bookticker-fast-path.js';
import { BinanceFrameParser } from '../../../src/venues/binance/frame-parser.js';
import {
  ERR_BAD_NUMBER,
  ERR_NEGATIVE,
  ERR_NON_POSITIVE_PRICE,
  ERR_SYNTAX,
  ERR_TRUNCATED,
  ERR_UNKNOWN_SYMBOL,
  ERR_WRONG_TYPE,
  MSG_ERROR,
  MSG_NONE,
  MSG_QUOTE,
  ParsedFrame,
} from '../../../src/venues/parsed-frame.js';
import { SymbolMatcher } from '../../../src/venues/symbol-matcher.js';
import { diffFrame, fixtureLines, referenceBinance } from '../reference.js';
import { rng } from '../../helpers/rng.js';

const table = new SymbolTable(['ETHUSDT', 'BTCUSDT', '1000PEPEUSDT']);


/** Run only the fast path: true = it accepted the frame (into f). */
function fast(fp: BookTickerFastPath, f: ParsedFrame, s: string): boolean {
  const b = Buffer.from(s);
  f.reset();
  return fp.parse(b, b.length, f);
}

const SPOT = fixtureLines('binance_spot_bookTicker.jsonl');
const USDM = fixtureLines('binance_usdm_bookTicker.jsonl');

t.test('every fixture line, combined and raw, takes the fast path and equals JSON.parse', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame();
  let n = 0;
  for (const line of [...SPOT, ...USDM]) {
    for (const s of [line, JSON.stringify(JSON.parse(line).data)]) {
      t.ok(fast(fp, f, s), `accepted: ${s.slice(0, 60)}`);
      t.same(diffFrame(f, referenceBinance(s, table)), [], 'fields');
      n++;
    }
  }
  t.equal(n, 2 * (SPOT.length + USDM.length));
});

t.test('a symbol with digits, and a stream name that agrees with "s" once folded', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame();
  const s = '{"stream":"1000pepeusdt@bookTicker","data":{"u":7,"s":"1000PEPEUSDT","b":"0.01234500","B":"100","a":"0.01234600","A":"0"}}';
  t.ok(fast(fp, f, s));
  t.equal(f.symbolId, 2);
  t.equal(f.bidPx, 0.012345);
  t.equal(f.askSz, 0);
  t.equal(f.updateId, 7);
});

const line = SPOT[0];
const fut = USDM[0];

t.test('valid variants inside the layout are taken too', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame();
  const cases: [string, string][] = [
    ['stream name in upper case (it still agrees with "s")', line.replace('btcusdt@', 'BTCUSDT@')],
    ['integer price', line.replace('"61837.63000000"', '"61837"')],
    ['zero size', line.replace('"3.78826000"', '"0"')],
    ['16 digits whose mantissa is below 2^53', line.replace('"61837.63000000"', '"61837.63000000001"')],
    ['futures fields without the "e"', fut.replace('"e":"bookTicker",', '')],
  ];
  for (const [what, s] of cases) {
    t.ok(fast(fp, f, s), what);
    t.same(diffFrame(f, referenceBinance(s, table)), [], `${what}: equals JSON.parse`);
  }
});

/** In SURPRISES: the general scanner accepts the frame as a quote. */
const ACCEPTED = -1;

// Frames the fast path must not decide. Each stays valid or invalid exactly as the general
// scanner says: `want` is the full parser's outcome (ACCEPTED or an error code).
const SURPRISES: [string, string, number][] = [
  ['space after a colon', line.replace('"u":', '"u": '), ACCEPTED],
  ['newline at the end', `${line}\n`, ACCEPTED],
  ['keys in another order', line.replace('"b":"61837.63000000","B":"3.78826000"', '"B":"3.78826000","b":"61837.63000000"'), ACCEPTED],
  ['an extra key', line.replace('"u":', '"x":1,"u":'), ACCEPTED],
  ['stream name for another symbol', line.replace('btcusdt@', 'ethusdt@'), ACCEPTED],
  ['escaped symbol', line.replace('"s":"BTCUSDT"', '"s":"BTC\\u0055SDT"'), ERR_UNKNOWN_SYMBOL],
  ['exponent', line.replace('"3.78826000"', '"3.78826e0"'), ACCEPTED],
  ['mantissa at 2^53 or more', line.replace('"61837.63000000"', '"98765.43210987654"'), ACCEPTED],
  ['23 fraction digits', line.replace('"1.54698000"', '"1.54698000000000000000000"'), ACCEPTED],
  ['u with 17 digits', line.replace('"u":50093239212', '"u":12345678901234567'), ACCEPTED],
  ['T before E missing', fut.replace(/,"T":\d+/, ''), ACCEPTED],
  ['negative size', line.replace('"3.78826000"', '"-3.78826000"'), ERR_NEGATIVE],
  ['zero price', line.replace('"61837.63000000"', '"0.00000000"'), ERR_NON_POSITIVE_PRICE],
  ['leading zero', line.replace('"61837.63000000"', '"061837.63"'), ERR_BAD_NUMBER],
  ['empty fraction', line.replace('"61837.63000000"', '"61837."'), ERR_BAD_NUMBER],
  ['u with a fraction', line.replace('"u":50093239212', '"u":50093239212.5'), ERR_WRONG_TYPE],
  ['unknown symbol', line.replace('"BTCUSDT"', '"XRPUSDT"'), ERR_UNKNOWN_SYMBOL],
  ['trailing garbage', `${line}x`, ERR_SYNTAX],
  ['truncated', line.slice(0, line.length - 1), ERR_TRUNCATED],
  ['a second object', `${line}{}`, ERR_SYNTAX],
];

t.test('anything but the exact layout falls back, leaving the frame untouched', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame();
  const full = new BinanceFrameParser(table, MARKET_SPOT);
  for (const [what, s, want] of SURPRISES) {
    t.notOk(fast(fp, f, s), `${what}: not taken`);
    t.equal(f.msg, MSG_NONE, `${what}: frame untouched`);
    t.equal(f.bidPx, 0, `${what}: no field written`);
    const b = Buffer.from(s);
    const msg = full.parse(b, b.length);
    if (want === ACCEPTED) {
      t.equal(msg, MSG_QUOTE, `${what}: the general scanner accepts it`);
      t.same(diffFrame(full.frame, referenceBinance(s, table)), [], `${what}: equals JSON.parse`);
    } else {
      t.equal(msg, MSG_ERROR, `${what}: the general scanner rejects it`);
      t.equal(full.frame.errorCode, want, `${what}: error code`);
    }
  }
});

t.test('a bad length never reaches the fast path', async (t) => {
  const p = new BinanceFrameParser(table, MARKET_SPOT);
  const b = Buffer.from(line);
  t.equal(p.parse(b, b.length + 1), MSG_ERROR);
  t.equal(p.parse(b, b.length - 1), MSG_ERROR);
  t.equal(p.parse(b, b.length), MSG_QUOTE);
});

/** A decimal as Binance writes it: 0-7 integer digits, then `frac` fraction digits. */
function decimal(rand: () => number, frac: number): string {
  const intDigits = Math.floor(rand() * 8);
  let s = intDigits === 0 ? '0' : String(1 + Math.floor(rand() * 9));
  for (let k = 1; k < intDigits; k++) s += Math.floor(rand() * 10);
  if (frac > 0) {
    s += '.';
    for (let k = 0; k < frac; k++) s += rand() < 0.25 ? '0' : Math.floor(rand() * 10);
  }
  return s;
}

t.test('3 million random decimals (mostly 8 fraction digits) equal parseFloat exactly', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame(MARKET_LINEAR);
  const rand = rng(20240808);
  const FRAMES = 750_000;
  let taken = 0;
  let wrong = 0;
  const examples: string[] = [];
  for (let i = 0; i < FRAMES; i++) {
    // nine decimals in ten carry Binance's 8 fraction digits, the rest 0..12 (futures style)
    const frac = (): number => (rand() < 0.9 ? 8 : Math.floor(rand() * 13));
    const b = decimal(rand, frac());
    const bq = decimal(rand, frac());
    const a = decimal(rand, frac());
    const aq = decimal(rand, frac());
    const s = `{"stream":"btcusdt@bookTicker","data":{"u":${i + 1},"s":"BTCUSDT","b":"${b}","B":"${bq}","a":"${a}","A":"${aq}"}}`;
    if (!fast(fp, f, s)) {
      // refusing is only allowed for a zero price or more than 15 significant digits
      const digits = (x: string): number => x.replace('.', '').replace(/^0+/, '').length;
      const exactFits = digits(b) <= 15 && digits(bq) <= 15 && digits(a) <= 15 && digits(aq) <= 15;
      if (parseFloat(b) > 0 && parseFloat(a) > 0 && exactFits) {
        wrong++;
        if (examples.length < 5) examples.push(`refused ${s}`);
      }
      continue;
    }
    taken++;
    if (f.bidPx !== parseFloat(b) || f.bidSz !== parseFloat(bq) || f.askPx !== parseFloat(a) || f.askSz !== parseFloat(aq)) {
      wrong++;
      if (examples.length < 5) examples.push(s);
    }
  }
  t.same(examples, [], 'no decimal differs from parseFloat, none within 15 digits refused');
  t.equal(wrong, 0);
  t.ok(taken > FRAMES * 0.9, `the fast path took ${taken} of ${FRAMES} frames`);
});

t.test('randomly mutated bookTickers: accepted means equal to JSON.parse, else the general outcome', async (t) => {
  const fp = new BookTickerFastPath(new SymbolMatcher(table));
  const f = new ParsedFrame();
  const full = new BinanceFrameParser(table, MARKET_SPOT);
  const rand = rng(77);
  const seeds = [...SPOT, ...USDM].map((s) => Buffer.from(s));
  const alphabet = Buffer.from('0123456789.-+eE"\\{}[],: @bkTBUSDtcusdAa\u0000');
  let accepted = 0;
  const problems: string[] = [];
  for (let i = 0; i < 200_000 && problems.length < 5; i++) {
    const b = Buffer.from(seeds[Math.floor(rand() * seeds.length)]);
    const pos = Math.floor(rand() * b.length);
    const byte = alphabet[Math.floor(rand() * alphabet.length)];
    let m: Buffer;
    const op = rand();
    if (op < 0.5) {
      b[pos] = byte;
      m = b;
    } else if (op < 0.75) {
      m = Buffer.concat([b.subarray(0, pos), Buffer.from([byte]), b.subarray(pos)]);
    } else {
      m = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
    }
    f.reset();
    if (!fp.parse(m, m.length, f)) {
      if (f.msg !== MSG_NONE || f.bidPx !== 0 || f.symbolId !== -1) problems.push(`fallback wrote the frame: ${m.toString('latin1')}`);
      continue;
    }
    accepted++;
    const text = m.toString('utf8');
    let want;
    try {
      want = referenceBinance(text, table);
    } catch (e) {
      problems.push(`accepted but JSON.parse fails (${(e as Error).message}): ${text}`);
      continue;
    }
    const d = diffFrame(f, want);
    if (d.length) problems.push(`differs from JSON.parse: ${d.join('; ')} on ${text}`);
    if (full.parse(m, m.length) !== MSG_QUOTE) problems.push(`the full parser disagrees on ${text}`);
  }
  t.same(problems, []);
  t.ok(accepted > 10_000, `the fast path accepted ${accepted} mutants (digit changes mostly)`);
});
