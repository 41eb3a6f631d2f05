/**
 * The per-message parse allocates nothing: a million bookTicker parses (and 200k of the 15x
 * longer depthUpdates) leave the JS heap where it was (about 100 kB of noise; one small object
 * per parse shows as tens of MB).
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MARKET_LINEAR, MARKET_SPOT } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BinanceFrameParser } from '../../../src/venues/binance/frame-parser.js';
import { MSG_DEPTH_DELTA, MSG_QUOTE } from '../../../src/venues/parsed-frame.js';
import { fixtureLines } from '../reference.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Many short chunks: a scavenge inside a chunk hides the growth of that chunk only. */
const CHUNKS = 100;
/** Growth allowed over all chunks together (reading memoryUsage allocates a little too). */
const NOISE_BYTES = 1024 * 1024;

/**
 * Heap growth while parsing, summed over chunks, plus the count of frames not of type `want`.
 * (Checked against a parse that allocates one small object: about 25 MB per million.)
 */
function growth(p: BinanceFrameParser, frames: Buffer[], want: number, parses: number): { grown: number; wrong: number } {
  let wrong = 0;
  let k = 0;
  const per = parses / CHUNKS;
  for (let i = 0; i < 50_000; i++) {
    // warm up: let the JIT settle before measuring
    const b = frames[k];
    if (p.parse(b, b.length) !== want) wrong++;
    if (++k === frames.length) k = 0;
  }
  gc();
  let grown = 0;
  for (let c = 0; c < CHUNKS; c++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < per; i++) {
      const b = frames[k];
      if (p.parse(b, b.length) !== want) wrong++;
      if (++k === frames.length) k = 0;
    }
    const after = process.memoryUsage().heapUsed;
    if (after > before) grown += after - before;
  }
  return { grown, wrong };
}

const table = new SymbolTable(['BTCUSDT', 'ETHUSDT']);
const CASES: [string, number, number, number][] = [
  ['binance_spot_bookTicker.jsonl', MARKET_SPOT, MSG_QUOTE, 1_000_000],
  ['binance_usdm_bookTicker.jsonl', MARKET_LINEAR, MSG_QUOTE, 1_000_000],
  ['binance_depthUpdate.jsonl', MARKET_SPOT, MSG_DEPTH_DELTA, 200_000],
];

for (const [file, market, msg, parses] of CASES) {
  t.test(`${parses} parses of ${file} do not grow the heap`, async (t) => {
    const p = new BinanceFrameParser(table, market);
    const frames = fixtureLines(file).map((l) => Buffer.from(l));
    const { grown, wrong } = growth(p, frames, msg, parses);
    t.equal(wrong, 0, 'every frame parsed');
    t.ok(grown < NOISE_BYTES, `heap grew ${grown} bytes over ${parses} parses`);
  });
}
