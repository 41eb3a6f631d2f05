import t from 'tap';
import { isDepthFrame, isDepthLine } from '../../src/backtest/frame-kind.js';
import { SymbolTable } from '../../src/core/symbols.js';
import { BinanceFrameParser } from '../../src/venues/binance/frame-parser.js';
import { BybitFrameParser } from '../../src/venues/bybit/frame-parser.js';
import { MSG_DEPTH_DELTA, MSG_DEPTH_SNAPSHOT } from '../../src/venues/parsed-frame.js';

const BIN = 0;
const BYB = 1;
const b = (s: string): Buffer => Buffer.from(s);

// Frames as the venues send them (and the store records them)
const frames: [venue: number, text: string][] = [
  [BIN, '{"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}}'],
  [BIN, '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1704067200100,"s":"BTCUSDT","U":1,"u":2,"b":[["1.0","2.0"]],"a":[]}}'],
  [BIN, '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1704067200100,"s":"BTCUSDT","U":3,"u":4,"b":[],"a":[["2.0","1.0"]]}}'],
  [BIN, '{"e":"depthUpdate","E":1704067200100,"s":"BTCUSDT","U":5,"u":6,"b":[],"a":[]}'],
  [BIN, '{"u":400900217,"s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}'],
  [BYB, '{"topic":"orderbook.1.BTCUSDT","ts":1704067200250,"type":"snapshot","data":{"s":"BTCUSDT","b":[["59989.4","0.009843"]],"a":[["59989.5","0.02211"]],"u":2000002,"seq":19000000025},"cts":1704067200250}'],
  [BYB, '{"topic":"orderbook.50.BTCUSDT","ts":1704067200000,"type":"delta","data":{"s":"BTCUSDT","b":[["59999.9","0.025296"]],"a":[],"u":2,"seq":3},"cts":1704067200000}'],
  [BYB, '{"topic":"orderbook.200.BTCUSDT","ts":1704067200000,"type":"snapshot","data":{"s":"BTCUSDT","b":[],"a":[],"u":1,"seq":3},"cts":1704067200000}'],
  [BYB, '{"topic":"orderbook.1000.BTCUSDT","ts":1704067200000,"type":"delta","data":{"s":"BTCUSDT","b":[],"a":[],"u":2,"seq":3},"cts":1704067200000}'],
  [BYB, '{"ts":1704067200000,"topic":"orderbook.50.BTCUSDT","type":"delta","data":{"s":"BTCUSDT","b":[],"a":[],"u":2,"seq":3},"cts":1704067200000}'],
];

t.test('a frame called depth is one the venue parser reads as depth; the rest go through the full parse', (t) => {
  const syms = new SymbolTable(['BTCUSDT']);
  const parsers = [new BinanceFrameParser(syms), new BybitFrameParser(syms)];
  let depth = 0;
  for (const [venue, text] of frames) {
    const buf = b(text);
    if (!isDepthFrame(venue, buf, buf.length)) continue;
    depth++;
    const msg = parsers[venue]!.parse(buf, buf.length);
    t.ok(msg === MSG_DEPTH_DELTA || msg === MSG_DEPTH_SNAPSHOT, text);
  }
  t.equal(depth, 5, 'the combined-stream and orderbook.N (N != 1) frames in the venues\' own layout');
  t.end();
});

t.test('top of book, other layouts, short and foreign frames are not called depth', (t) => {
  for (const [venue, text] of [frames[0]!, frames[3]!, frames[4]!, frames[5]!, frames[9]!]) t.notOk(isDepthFrame(venue, b(text), text.length), text);
  t.notOk(isDepthFrame(BIN, b('{"stream":"'), 11), 'cut after the prefix');
  t.notOk(isDepthFrame(BYB, b('{"topic":"orderbook.'), 20), 'cut after the prefix');
  t.notOk(isDepthFrame(BYB, b('{"topic":"orderbook.x.BTCUSDT"}'), 31), 'no depth number');
  t.notOk(isDepthFrame(BIN, b('{"stream":"btcusdt@depth@100ms"}'), 12), 'len bounds the look, not the buffer');
  t.notOk(isDepthFrame(2, b(frames[1]![1]), frames[1]![1].length), 'unknown venue');
  t.end();
});

t.test('isDepthLine gives the same answer on the frame still escaped in its store line', (t) => {
  for (const [venue, text] of frames) {
    const line = b(`{"t":1,"f":${JSON.stringify(text)}}`);
    const from = line.indexOf('"f":"') + 5;
    t.equal(isDepthLine(venue, line, from, line.length - 1), isDepthFrame(venue, b(text), text.length), text);
  }
  t.end();
});
