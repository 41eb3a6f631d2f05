import t from 'tap';
import { MARKET_LINEAR, MARKET_SPOT, SIDE_BUY, SIDE_SELL } from '../../../src/core/records.js';
import { SymbolTable } from '../../../src/core/symbols.js';
import { BybitFrameParser } from '../../../src/venues/bybit/frame-parser.js';
import {
  ERR_MISSING_FIELD,
  ERR_NEGATIVE,
  ERR_TRUNCATED,
  ERR_UNKNOWN_SYMBOL,
  ERR_UNKNOWN_TOPIC,
  ERR_TOO_MANY_LEVELS,
  MSG_CONTROL,
  MSG_DEPTH_DELTA,
  MSG_DEPTH_SNAPSHOT,
  MSG_ERROR,
  MSG_QUOTE,
  MSG_TRADE,
  OP_PONG,
  OP_SUBSCRIBE,
  ParsedFrame,
} from '../../../src/venues/parsed-frame.js';
import { diffFrame, fixtureLines, referenceBybit } from '../reference.js';

const table = new SymbolTable(['BTCUSDT', 'XRPUSDT']);

function parse(p: BybitFrameParser, s: string): number {
  const b = Buffer.from(s);
  return p.parse(b, b.length);
}

t.test('every fixture line equals JSON.parse + parseFloat', async (t) => {
  const files: [string, number][] = [
    ['bybit_orderbook_snapshot.json', MARKET_LINEAR],
    ['bybit_orderbook_delta.jsonl', MARKET_LINEAR],
    ['bybit_spot_orderbook_samples.jsonl', MARKET_SPOT],
    ['bybit_spot_publicTrade.jsonl', MARKET_SPOT],
    ['bybit_ws_subscribe_ack_real.jsonl', MARKET_SPOT],
  ];
  let n = 0;
  for (const [file, market] of files) {
    const p = new BybitFrameParser(table, market);
    for (const [i, line] of fixtureLines(file).entries()) {
      const want = referenceBybit(line, table);
      t.equal(parse(p, line), want.msg, `${file}:${i + 1} type`);
      t.same(diffFrame(p.frame, want), [], `${file}:${i + 1} fields`);
      n++;
    }
  }
  t.equal(n, 1 + 49 + 2 + 2 + 1);
});

t.test('ob500 snapshot fills 500 levels a side; deltas keep their zeros', async (t) => {
  const p = new BybitFrameParser(table, MARKET_LINEAR);
  t.equal(parse(p, fixtureLines('bybit_orderbook_snapshot.json')[0]), MSG_DEPTH_SNAPSHOT);
  t.equal(p.frame.nBids, 500);
  t.equal(p.frame.nAsks, 500);
  t.equal(p.frame.depthTopic, 500);
  t.equal(p.frame.updateId, 20254869);
  t.equal(p.frame.crossSeq, 130020238981);
  t.equal(p.frame.exchMs, 1733011200691);
  t.equal(p.frame.matchMs, 1733011200589);
  t.equal(p.frame.symbolId, 1);
  let zeros = 0;
  for (const line of fixtureLines('bybit_orderbook_delta.jsonl')) {
    t.equal(parse(p, line), MSG_DEPTH_DELTA);
    for (let i = 0; i < p.frame.nBids; i++) if (p.frame.bidsSz[i] === 0) zeros++;
    for (let i = 0; i < p.frame.nAsks; i++) if (p.frame.asksSz[i] === 0) zeros++;
  }
  t.equal(zeros, 18, 'SOURCES.md: 18 levels with size "0"');
});

t.test('key order does not matter (spot ts before type; data before topic)', async (t) => {
  const p = new BybitFrameParser(table);
  const spot = fixtureLines('bybit_spot_orderbook_samples.jsonl')[1];
  t.equal(parse(p, spot), MSG_DEPTH_DELTA);
  const o = JSON.parse(spot);
  const reordered = JSON.stringify({ cts: o.cts, data: o.data, type: o.type, ts: o.ts, topic: o.topic });
  t.equal(parse(p, reordered), MSG_DEPTH_DELTA);
  t.same(diffFrame(p.frame, referenceBybit(spot, table)), []);
});

t.test('orderbook.1 snapshot is a quote', async (t) => {
  const p = new BybitFrameParser(table);
  const s = '{"topic":"orderbook.1.BTCUSDT","ts":1703430557696,"type":"snapshot","data":{"s":"BTCUSDT","b":[["43732.01","0.049391"]],"a":[["43732.02","1.5"]],"u":5179079,"seq":19967460822},"cts":1703430557664}';
  t.equal(parse(p, s), MSG_QUOTE);
  t.equal(p.frame.bidPx, 43732.01);
  t.equal(p.frame.bidSz, 0.049391);
  t.equal(p.frame.askPx, 43732.02);
  t.equal(p.frame.askSz, 1.5);
  t.equal(p.frame.depthTopic, 1);
  t.equal(parse(p, s.replace('[["43732.02","1.5"]]', '[]')), MSG_QUOTE, 'an empty side');
  t.equal(p.frame.askPx, 0);
  t.equal(p.frame.askSz, 0);
});

t.test('publicTrade: every trade, taker side, time', async (t) => {
  const p = new BybitFrameParser(table);
  const line = fixtureLines('bybit_spot_publicTrade.jsonl')[0];
  t.equal(parse(p, line), MSG_TRADE);
  t.equal(p.frame.nTrades, 1);
  t.equal(p.frame.tradeSide[0], SIDE_SELL);
  t.equal(p.frame.tradePx[0], 43774);
  const two = '{"topic":"publicTrade.BTCUSDT","ts":5,"type":"snapshot","data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"0.1","p":"10","i":"x","BT":false},{"T":2,"s":"BTCUSDT","S":"Sell","v":"0.2","p":"11","L":"PlusTick","i":"y","BT":false}]}';
  t.equal(parse(p, two), MSG_TRADE);
  t.equal(p.frame.nTrades, 2);
  t.same([p.frame.tradeSide[0], p.frame.tradeSide[1]], [SIDE_BUY, SIDE_SELL]);
  t.same([p.frame.tradeMs[0], p.frame.tradeMs[1]], [1, 2]);
  t.equal(parse(p, two.replace('"s":"BTCUSDT","S":"Sell"', '"s":"XRPUSDT","S":"Sell"')), MSG_ERROR, 'trade for another symbol');
});

t.test('op replies are control frames', async (t) => {
  const p = new BybitFrameParser(table);
  t.equal(parse(p, fixtureLines('bybit_ws_subscribe_ack_real.jsonl')[0]), MSG_CONTROL);
  t.equal(p.frame.controlOp, OP_SUBSCRIBE);
  t.equal(p.frame.controlOk, 1);
  t.equal(parse(p, '{"success":true,"ret_msg":"pong","conn_id":"abc","op":"ping"}'), MSG_CONTROL);
  t.equal(p.frame.controlOp, OP_PONG);
  t.equal(parse(p, '{"success":false,"ret_msg":"error:handler not found","conn_id":"c","req_id":"7","op":"subscribe"}'), MSG_CONTROL);
  t.equal(p.frame.controlOk, 0, 'a failure reply is flagged');
  t.equal(p.frame.reqId, 7);
  t.equal(parse(p, '{"retCode":0,"retMsg":"OK","op":"pong","data":["1675418560633"],"connId":"x"}'), MSG_CONTROL);
  t.equal(p.frame.controlOp, OP_PONG);
});

t.test('bad frames are errors with a code', async (t) => {
  const p = new BybitFrameParser(table);
  const line = fixtureLines('bybit_spot_orderbook_samples.jsonl')[1];
  const cases: [string, number][] = [
    [line.slice(0, 200), ERR_TRUNCATED],
    [line.replace(/BTCUSDT/g, 'ETHUSDT'), ERR_UNKNOWN_SYMBOL],
    [line.replace('"topic":"orderbook.200.BTCUSDT"', '"topic":"tickers.BTCUSDT"'), ERR_UNKNOWN_TOPIC],
    [line.replace('"u":5179080,', ''), ERR_MISSING_FIELD],
    [line.replace('["43728.19","0.5"]', '["43728.19","-0.5"]'), ERR_NEGATIVE],
  ];
  for (const [s, code] of cases) {
    t.equal(parse(p, s), MSG_ERROR);
    t.equal(p.frame.errorCode, code, `code ${code}`);
  }
  const small = new BybitFrameParser(table, MARKET_LINEAR, new ParsedFrame(MARKET_LINEAR, 100));
  t.equal(parse(small, fixtureLines('bybit_orderbook_snapshot.json')[0]), MSG_ERROR, '500 levels into a 100-level frame');
  t.equal(small.frame.errorCode, ERR_TOO_MANY_LEVELS);
});
