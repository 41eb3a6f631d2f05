import t from 'tap';
import { MARKET_LINEAR, MARKET_SPOT, SIDE_BUY, SIDE_SELL } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BinanceFrameParser } from '../../../src/venues/binance/frame-parser.js';
import {
  ERR_MISSING_FIELD,
  ERR_NEGATIVE,
  ERR_TRUNCATED,
  ERR_UNKNOWN_SYMBOL,
  ERR_UNKNOWN_TOPIC,
  ERR_WRONG_TYPE,
  ERR_BAD_NUMBER,
  MSG_CONTROL,
  MSG_DEPTH_DELTA,
  MSG_DEPTH_SNAPSHOT,
  MSG_ERROR,
  MSG_QUOTE,
  MSG_SERVER_SHUTDOWN,
  MSG_TRADE,
  OP_SUBSCRIBE,
} from '../../../src/venues/parsed-frame.js';
import { diffFrame, fixtureLines, referenceBinance } from '../reference.js';

const table = new SymbolTable(['ETHUSDT', 'BTCUSDT']);

function parse(p: BinanceFrameParser, s: string): number {
  const b = Buffer.from(s);
  return p.parse(b, b.length);
}

const FIXTURES: [string, number, number][] = [
  ['binance_spot_bookTicker.jsonl', MARKET_SPOT, MSG_QUOTE],
  ['binance_depthUpdate.jsonl', MARKET_SPOT, MSG_DEPTH_DELTA],
  ['binance_spot_trade.jsonl', MARKET_SPOT, MSG_TRADE],
  ['binance_usdm_bookTicker.jsonl', MARKET_LINEAR, MSG_QUOTE],
  ['binance_usdm_depthUpdate.jsonl', MARKET_LINEAR, MSG_DEPTH_DELTA],
  ['binance_usdm_trade.jsonl', MARKET_LINEAR, MSG_TRADE],
];

for (const [file, market, msg] of FIXTURES) {
  t.test(`every line of ${file} equals JSON.parse + parseFloat`, async (t) => {
    const p = new BinanceFrameParser(table, market);
    const lines = fixtureLines(file);
    t.ok(lines.length >= 30);
    for (const [i, line] of lines.entries()) {
      t.equal(parse(p, line), msg, `line ${i + 1} type`);
      t.same(diffFrame(p.frame, referenceBinance(line, table)), [], `line ${i + 1} fields`);
      t.equal(p.frame.market, market);
      t.equal(p.frame.symbolId, 1, 'BTCUSDT');
      // the raw (non-combined) form of the same payload parses identically
      const raw = JSON.stringify(JSON.parse(line).data);
      t.equal(parse(p, raw), msg, `line ${i + 1} raw form`);
      t.same(diffFrame(p.frame, referenceBinance(raw, table)), [], `line ${i + 1} raw fields`);
    }
  });
}

t.test('spot bookTicker has no exchange time; futures carries E and T', async (t) => {
  const p = new BinanceFrameParser(table, MARKET_SPOT);
  parse(p, fixtureLines('binance_spot_bookTicker.jsonl')[0]);
  t.equal(p.frame.exchMs, 0);
  t.equal(p.frame.bidPx, 61837.63);
  t.equal(p.frame.askSz, 1.54698);
  parse(p, fixtureLines('binance_usdm_bookTicker.jsonl')[0]);
  t.equal(p.frame.exchMs, 1723161256313);
  t.equal(p.frame.matchMs, 1723161256313);
  t.equal(p.frame.updateId, 5123107839020);
});

t.test('depthUpdate: spot has no pu; futures does', async (t) => {
  const p = new BinanceFrameParser(table, MARKET_SPOT);
  parse(p, fixtureLines('binance_depthUpdate.jsonl')[0]);
  t.equal(p.frame.prevUpdateId, -1);
  t.equal(p.frame.firstUpdateId, 50093239189);
  t.equal(p.frame.updateId, 50093239202);
  t.equal(p.frame.nBids, 3);
  t.equal(p.frame.nAsks, 9);
  parse(p, fixtureLines('binance_usdm_depthUpdate.jsonl')[0]);
  t.equal(p.frame.prevUpdateId, 5123107831937);
});

t.test('trade side: buyer maker means the taker sold', async (t) => {
  const p = new BinanceFrameParser(table);
  parse(p, '{"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"100.5","q":"2","T":2,"m":true,"M":true}');
  t.equal(p.frame.tradeSide[0], SIDE_SELL);
  t.equal(p.frame.tradeId, 7);
  parse(p, '{"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"100.5","q":"2","T":2,"m":false,"M":true}');
  t.equal(p.frame.tradeSide[0], SIDE_BUY);
  t.equal(parse(p, '{"e":"aggTrade","E":1,"s":"BTCUSDT","a":9,"p":"100.5","q":"2","f":1,"l":2,"T":2,"m":false,"M":true}'), MSG_TRADE);
  t.equal(p.frame.tradeId, 9, 'aggTrade id');
});

t.test('partial depth takes its symbol from the stream name or the default', async (t) => {
  const p = new BinanceFrameParser(table);
  const payload = '{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"],["0.0027","1"]]}';
  t.equal(parse(p, `{"stream":"ethusdt@depth20@100ms","data":${payload}}`), MSG_DEPTH_SNAPSHOT);
  t.equal(p.frame.symbolId, 0);
  t.equal(p.frame.depthTopic, 20);
  t.equal(p.frame.updateId, 160);
  t.equal(p.frame.nAsks, 2);
  t.equal(parse(p, payload), MSG_ERROR, 'raw partial depth without a default symbol');
  t.equal(p.frame.errorCode, ERR_UNKNOWN_SYMBOL);
  p.setDefaultSymbol(1);
  t.equal(parse(p, payload), MSG_DEPTH_SNAPSHOT);
  t.equal(p.frame.symbolId, 1);
  t.equal(parse(p, `{"stream":"dogeusdt@depth5","data":${payload}}`), MSG_ERROR, 'unsubscribed stream symbol');
});

t.test('control frames and serverShutdown', async (t) => {
  const p = new BinanceFrameParser(table);
  t.equal(parse(p, '{"result":null,"id":12}'), MSG_CONTROL);
  t.equal(p.frame.reqId, 12);
  t.equal(p.frame.controlOk, 1);
  t.equal(p.frame.controlOp, OP_SUBSCRIBE);
  t.equal(parse(p, '{"error":{"code":2,"msg":"Invalid request"},"id":3}'), MSG_CONTROL);
  t.equal(p.frame.controlOk, 0);
  t.equal(parse(p, '{"e":"serverShutdown","E":1723161255208}'), MSG_SERVER_SHUTDOWN);
  t.equal(p.frame.exchMs, 1723161255208);
});

t.test('bad frames are errors with a code, never exceptions', async (t) => {
  const p = new BinanceFrameParser(table);
  const line = fixtureLines('binance_spot_bookTicker.jsonl')[0];
  const cases: [string, number][] = [
    [line.slice(0, 60), ERR_TRUNCATED],
    [line.replace('"61837.63000000"', '"NaN"'), ERR_BAD_NUMBER],
    [line.replace('"3.78826000"', '"-3.78826000"'), ERR_NEGATIVE],
    [line.replace('BTCUSDT', 'XRPUSDT'), ERR_UNKNOWN_SYMBOL],
    [line.replace('"u":', '"x":'), ERR_MISSING_FIELD],
    [line.replace('"b":"61837.63000000"', '"b":61837.63'), ERR_WRONG_TYPE],
    ['{"e":"kline","E":1,"s":"BTCUSDT"}', ERR_UNKNOWN_TOPIC],
    ['{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":"1","a":[]}', ERR_WRONG_TYPE],
    ['', ERR_TRUNCATED],
    ['[1,2]', ERR_WRONG_TYPE],
  ];
  for (const [s, code] of cases) {
    t.equal(parse(p, s), MSG_ERROR, s.slice(0, 60));
    t.equal(p.frame.errorCode, code, `code for ${s.slice(0, 40)}`);
  }
  const b = Buffer.from(line);
  t.equal(p.parse(b, b.length + 1), MSG_ERROR, 'len beyond the buffer');
  t.equal(p.parse(b, b.length - 1), MSG_ERROR, 'len shorter than the frame');
});
