/**
 * Depth levels through the shared cursor (compact `["px","sz"]` levels take its fast reader,
 * anything else the general one): random depthUpdates, compact and not, mixed inside one array,
 * equal JSON.parse + parseFloat, and bad levels keep their error codes.
 */
import t from 'tap';
import { MARKET_SPOT } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BinanceFrameParser } from '../../../src/venues/binance/frame-parser.js';
import {
  ERR_BAD_NUMBER,
  ERR_NEGATIVE,
  ERR_NON_POSITIVE_PRICE,
  ERR_SYNTAX,
  ERR_TOO_MANY_LEVELS,
  ERR_TRUNCATED,
  ERR_WRONG_TYPE,
  MSG_DEPTH_DELTA,
  MSG_ERROR,
  ParsedFrame,
} from '../../../src/venues/parsed-frame.js';
import { diffFrame, referenceBinance } from '../reference.js';
import { rng } from '../../helpers/rng.js';

const table = new SymbolTable(['BTCUSDT']);


function decimal(rand: () => number, positive: boolean): string {
  const r = rand();
  if (r < 0.03) return positive ? '1e-8' : '0'; // not the fast form / a zero size
  if (r < 0.05) return '1.5E+2';
  const intDigits = Math.floor(rand() * 9);
  let s = intDigits === 0 ? '0' : String(1 + Math.floor(rand() * 9));
  for (let k = 1; k < intDigits; k++) s += Math.floor(rand() * 10);
  const frac = rand() < 0.8 ? 8 : Math.floor(rand() * 16);
  if (frac > 0) {
    s += '.';
    for (let k = 0; k < frac; k++) s += rand() < 0.25 ? '0' : Math.floor(rand() * 10);
  }
  if (positive && parseFloat(s) === 0) s = '1';
  return s;
}

function level(rand: () => number): string {
  const px = decimal(rand, true);
  const sz = decimal(rand, false);
  // one level in ten is spaced out, which only the general reader takes
  return rand() < 0.1 ? `[ "${px}" , "${sz}" ]` : `["${px}","${sz}"]`;
}

function side(rand: () => number): string {
  const n = Math.floor(rand() * 12);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(level(rand));
  return `[${out.join(rand() < 0.1 ? ', ' : ',')}]`;
}

t.test('100k random depthUpdates equal JSON.parse + parseFloat', async (t) => {
  const p = new BinanceFrameParser(table, MARKET_SPOT);
  const rand = rng(99);
  const problems: string[] = [];
  for (let i = 0; i < 100_000 && problems.length < 5; i++) {
    const s = `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":${i},"u":${i + 1},"b":${side(rand)},"a":${side(rand)}}}`;
    const b = Buffer.from(s);
    if (p.parse(b, b.length) !== MSG_DEPTH_DELTA) {
      problems.push(`rejected (${p.frame.errorCode}): ${s}`);
      continue;
    }
    const d = diffFrame(p.frame, referenceBinance(s, table));
    if (d.length) problems.push(`${d.slice(0, 3).join('; ')}: ${s}`);
  }
  t.same(problems, []);
});

t.test('bad levels are errors with the same codes, compact or not', async (t) => {
  const p = new BinanceFrameParser(table, MARKET_SPOT);
  const frame = (bids: string): string => `{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":${bids},"a":[]}`;
  const cases: [string, number][] = [
    ['[["1.5","2"],["0.00000000","1"]]', ERR_NON_POSITIVE_PRICE],
    ['[["1.5","2"],["-1.5","1"]]', ERR_NEGATIVE],
    ['[["1.5","-2"]]', ERR_NEGATIVE],
    ['[["1.5"]]', ERR_WRONG_TYPE],
    ['[["1.5","2","3"]]', ERR_WRONG_TYPE],
    ['[["01.5","2"]]', ERR_BAD_NUMBER],
    ['[["1.","2"]]', ERR_BAD_NUMBER],
    ['[["1.5","2"],]', ERR_WRONG_TYPE],
    ['[["1.5","2"]["1","1"]]', ERR_SYNTAX],
    ['[["1.5","2"],["1.4","2,"a":[]}', ERR_BAD_NUMBER],
  ];
  for (const [bids, code] of cases) {
    const b = Buffer.from(frame(bids));
    t.equal(p.parse(b, b.length), MSG_ERROR, bids);
    t.equal(p.frame.errorCode, code, `code for ${bids}`);
  }
  const cut = frame('[["1.5","2"],["1.4","2"]]');
  for (let n = cut.indexOf('[['); n < cut.length; n += 3) {
    const b = Buffer.from(cut.slice(0, n));
    t.equal(p.parse(b, b.length), MSG_ERROR, `cut at ${n}`);
    t.equal(p.frame.errorCode, ERR_TRUNCATED, `cut at ${n} is a truncation`);
  }
  const small = new BinanceFrameParser(table, MARKET_SPOT, new ParsedFrame(MARKET_SPOT, 2, 1));
  const b = Buffer.from(frame('[["3","1"],["2","1"],["1","1"]]'));
  t.equal(small.parse(b, b.length), MSG_ERROR);
  t.equal(small.frame.errorCode, ERR_TOO_MANY_LEVELS, 'capacity still bounds compact levels');
});
