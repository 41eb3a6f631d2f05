/**
 * Fuzzing both frame parsers with mutated real frames (seeded, reproducible): byte flips,
 * truncations, insertions, deletions, digit->letter swaps. For each frame: parse never throws;
 * a frame reported good has a known symbol, positive finite prices and non-negative finite
 * sizes, and equals JSON.parse + parseFloat of the same bytes; an unmutated frame is good.
 */
import t, { type Test } from 'tap';
import { MARKET_LINEAR, MARKET_SPOT } from '../../src/core/records.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { BinanceFrameParser } from '../../src/venues/binance/frame-parser.js';
import { BybitFrameParser } from '../../src/venues/bybit/frame-parser.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT, MSG_ERROR, MSG_QUOTE, MSG_TRADE, type ParsedFrame } from '../../src/venues/parsed-frame.js';
import { diffFrame, fixtureLines, referenceBinance, referenceBybit, type Expected } from './reference.js';
import { rng } from '../helpers/rng.js';

const FRAMES_PER_PARSER = 100_000;
/** Set XARB_FUZZ_SEED to explore other mutation sequences; the default run is fixed. */
const SEED_OFFSET = Number(process.env.XARB_FUZZ_SEED ?? 0);


const ALPHABET = Buffer.from('0123456789.-+eE"\\{}[],: abcxyzNaInfity\u0000\n');

function mutate(seed: Buffer, rand: () => number): Buffer {
  let b = Buffer.from(seed);
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rand() * b.length);
    const pick = rand() < 0.8 ? ALPHABET[Math.floor(rand() * ALPHABET.length)] : Math.floor(rand() * 256);
    switch (Math.floor(rand() * 6)) {
      case 0: // flip
        b[pos] = pick;
        break;
      case 1: // truncate
        b = b.subarray(0, pos);
        break;
      case 2: // insert
        b = Buffer.concat([b.subarray(0, pos), Buffer.from([pick]), b.subarray(pos)]);
        break;
      case 3: // delete
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
        break;
      case 4: {
        // digit -> letter
        for (let i = 0; i < 40; i++) {
          const p = Math.floor(rand() * b.length);
          if (b[p] >= 0x30 && b[p] <= 0x39) {
            b[p] = 0x61 + Math.floor(rand() * 26);
            break;
          }
        }
        break;
      }
      default: {
        // digit -> digit (keeps the frame valid most of the time: exercises the equality check)
        for (let i = 0; i < 40; i++) {
          const p = Math.floor(rand() * b.length);
          if (b[p] >= 0x30 && b[p] <= 0x39) {
            b[p] = 0x30 + Math.floor(rand() * 10);
            break;
          }
        }
      }
    }
    if (b.length === 0) break;
  }
  return b;
}

/** Problems with a frame the parser reported good ([] = fine). */
function invariants(f: ParsedFrame, symbols: number, zeroQuoteSideOk: boolean): string[] {
  const out: string[] = [];
  const m = f.msg;
  if (m === MSG_QUOTE || m === MSG_DEPTH_DELTA || m === MSG_DEPTH_SNAPSHOT || m === MSG_TRADE) {
    if (!(f.symbolId >= 0 && f.symbolId < symbols)) out.push(`symbol ${f.symbolId}`);
    for (let i = 0; i < f.nBids; i++) if (!(f.bidsPx[i] > 0 && Number.isFinite(f.bidsPx[i]) && f.bidsSz[i] >= 0 && Number.isFinite(f.bidsSz[i]))) out.push(`bid ${i}`);
    for (let i = 0; i < f.nAsks; i++) if (!(f.asksPx[i] > 0 && Number.isFinite(f.asksPx[i]) && f.asksSz[i] >= 0 && Number.isFinite(f.asksSz[i]))) out.push(`ask ${i}`);
    for (let i = 0; i < f.nTrades; i++) if (!(f.tradePx[i] > 0 && Number.isFinite(f.tradePx[i]) && f.tradeQty[i] >= 0 && Number.isFinite(f.tradeQty[i]))) out.push(`trade ${i}`);
  }
  if (m === MSG_QUOTE) {
    const side = (px: number, sz: number): boolean => (px > 0 && Number.isFinite(px) && sz >= 0 && Number.isFinite(sz)) || (zeroQuoteSideOk && px === 0 && sz === 0);
    if (!side(f.bidPx, f.bidSz) || !side(f.askPx, f.askSz)) out.push('quote');
  }
  return out;
}

function run(
  t: Test,
  seeds: Buffer[],
  weights: number[],
  parse: (b: Buffer) => number,
  frame: ParsedFrame,
  reference: (s: string) => Expected,
  symbols: number,
  zeroQuoteSideOk: boolean,
  seed: number,
): void {
  const rand = rng(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  let good = 0;
  let bad = 0;
  const problems: string[] = [];
  for (let i = 0; i < FRAMES_PER_PARSER && problems.length < 10; i++) {
    let r = rand() * total;
    let s = 0;
    while (s < seeds.length - 1 && r >= weights[s]) r -= weights[s++];
    const src = seeds[s];
    const b = mutate(src, rand);
    let msg: number;
    try {
      msg = parse(b);
    } catch (e) {
      problems.push(`threw ${(e as Error).message} on ${b.toString('latin1').slice(0, 120)}`);
      continue;
    }
    const same = b.equals(src);
    if (msg === MSG_ERROR) {
      bad++;
      if (same) problems.push(`unmutated frame rejected: ${src.toString().slice(0, 120)}`);
      continue;
    }
    good++;
    const inv = invariants(frame, symbols, zeroQuoteSideOk);
    if (inv.length) problems.push(`invariants ${inv.join(',')} on ${b.toString('latin1').slice(0, 160)}`);
    let want: Expected;
    try {
      want = reference(b.toString('utf8'));
    } catch (e) {
      problems.push(`accepted, but JSON.parse/reference fails (${(e as Error).message}): ${b.toString('latin1').slice(0, 160)}`);
      continue;
    }
    const d = diffFrame(frame, want);
    if (d.length) problems.push(`differs from JSON.parse: ${d.slice(0, 3).join('; ')} on ${b.toString('latin1').slice(0, 160)}`);
  }
  t.same(problems, [], 'no throw, no bad frame reported good, good frames equal JSON.parse');
  t.ok(good > 1000 && bad > 1000, `both outcomes exercised (good ${good}, bad ${bad})`);
}

t.test(`Binance parser survives ${FRAMES_PER_PARSER} mutated frames`, async (t) => {
  const table = new SymbolTable(['BTCUSDT', 'ETHUSDT']);
  const spot = new BinanceFrameParser(table, MARKET_SPOT);
  spot.setDefaultSymbol(0);
  const seeds = [
    ...fixtureLines('binance_spot_bookTicker.jsonl'),
    ...fixtureLines('binance_usdm_bookTicker.jsonl'),
    // raw (single-stream) bookTickers: the fast path's other accepted layout
    ...fixtureLines('binance_spot_bookTicker.jsonl').slice(0, 5).map((l) => JSON.stringify(JSON.parse(l).data)),
    ...fixtureLines('binance_usdm_bookTicker.jsonl').slice(0, 5).map((l) => JSON.stringify(JSON.parse(l).data)),
    ...fixtureLines('binance_depthUpdate.jsonl'),
    ...fixtureLines('binance_usdm_depthUpdate.jsonl'),
    ...fixtureLines('binance_spot_trade.jsonl'),
    ...fixtureLines('binance_usdm_trade.jsonl'),
    '{"result":null,"id":1}',
    '{"e":"serverShutdown","E":1723161255208}',
    '{"stream":"btcusdt@depth5@100ms","data":{"lastUpdateId":160,"bids":[["0.0024","10"],["0.0023","5"]],"asks":[["0.0026","100"]]}}',
    '{"lastUpdateId":161,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}',
  ].map((s) => Buffer.from(s));
  const weights = seeds.map(() => 1);
  run(t, seeds, weights, (b) => spot.parse(b, b.length), spot.frame, (s) => referenceBinance(s, table, 0), table.size, false, 1234 + SEED_OFFSET);
});

t.test(`Bybit parser survives ${FRAMES_PER_PARSER} mutated frames`, async (t) => {
  const table = new SymbolTable(['BTCUSDT', 'XRPUSDT']);
  const p = new BybitFrameParser(table, MARKET_LINEAR);
  const seeds = [
    ...fixtureLines('bybit_orderbook_snapshot.json'),
    ...fixtureLines('bybit_orderbook_delta.jsonl'),
    ...fixtureLines('bybit_spot_orderbook_samples.jsonl'),
    ...fixtureLines('bybit_spot_publicTrade.jsonl'),
    ...fixtureLines('bybit_ws_subscribe_ack_real.jsonl'),
    '{"success":true,"ret_msg":"pong","conn_id":"abc","op":"ping"}',
    '{"success":false,"ret_msg":"error:handler not found","conn_id":"c","req_id":"7","op":"subscribe"}',
    '{"topic":"orderbook.1.BTCUSDT","ts":1703430557696,"type":"snapshot","data":{"s":"BTCUSDT","b":[["43732.01","0.049391"]],"a":[["43732.02","1.5"]],"u":5179079,"seq":19967460822},"cts":1703430557664}',
  ].map((s) => Buffer.from(s));
  // the 18 kB ob500 snapshot and the 9 kB spot snapshot are seeds less often to keep the run short
  const weights = seeds.map((b) => (b.length > 8000 ? 0.2 : 1));
  run(t, seeds, weights, (b) => p.parse(b, b.length), p.frame, (s) => referenceBybit(s, table), table.size, true, 5678 + SEED_OFFSET);
});
