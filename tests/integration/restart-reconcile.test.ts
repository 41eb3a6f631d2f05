/**
 * kill -9 with a round open, then restart, against `xarb sim` in its own process:
 *
 * A bot process journals each order in its WAL before sending it to the simulator, trades
 * three hedged pairs (Binance buy, Bybit sell), then sends the first leg of a fourth pair
 * whose answer is lost (the simulator's order_lost fault) and is killed with SIGKILL before
 * the second leg. The restart reads the runs folder and both venues' accounts and
 * reconciles: the lost-answer order is found by client id (it filled), no xarb order at the
 * venues is unknown to the journal, no client id was used twice, and the one unhedged leg
 * is the exposure, with the IOC order that flattens it.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { readEarlierRuns } from '../../src/execution/earlier-runs.js';
import { reconcileAtStart } from '../../src/execution/reconcile.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';

const DIST = path.join(REPO_ROOT, 'dist', 'src');

function waitFor(child: ChildProcess, pattern: RegExp, limitMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${limitMs} ms; got: ${buf.slice(-400)}`)), limitMs);
    const on = (d: Buffer): void => {
      buf += d.toString();
      const m = buf.match(pattern);
      if (m !== null) {
        clearTimeout(timer);
        child.stdout!.off('data', on);
        resolve(m);
      }
    };
    child.stdout!.on('data', on);
    child.on('exit', () => reject(new Error(`exited before ${pattern}; got: ${buf.slice(-400)}`)));
  });
}

// The crashing bot: plain order requests, each journaled in the WAL before it leaves.
const BOT = `
import fs from 'node:fs';
import path from 'node:path';
import { OrderWal } from ${JSON.stringify(path.join(DIST, 'execution', 'order-wal.js'))};
import { binanceSignedQuery } from ${JSON.stringify(path.join(DIST, 'venues', 'binance', 'sign.js'))};
import { bybitRestHeaders } from ${JSON.stringify(path.join(DIST, 'venues', 'bybit', 'sign.js'))};
const [binanceUrl, bybitUrl, runDir, keys] = process.argv.slice(1);
const K = JSON.parse(keys);
fs.mkdirSync(runDir, { recursive: true });
fs.writeFileSync(path.join(runDir, 'journal.jsonl'), JSON.stringify({ t: Date.now(), ns: 0, type: 'run_start' }) + '\\n');
const wal = new OrderWal(runDir);
const tag = 'x0badcafe';
wal.reserve(tag, 1, 1024);
let n = 0;
const touch = async () => {
  const d = await (await fetch(binanceUrl + '/api/v3/depth?symbol=BTCUSDT&limit=5')).json();
  const b = await (await fetch(bybitUrl + '/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=5')).json();
  return { ask: Number(d.asks[0][0]), bid: Number(b.result.b[0][0]) };
};
async function buyBinance(cid, price) {
  wal.send({ clientOrderId: cid, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price, qty: 0.01, timestampMs: Date.now() });
  const q = binanceSignedQuery(K.binance.secretKey, { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: '0.01',
    price: price.toFixed(2), newClientOrderId: cid, recvWindow: 1000, timestamp: Date.now() });
  const r = await (await fetch(binanceUrl + '/api/v3/order?' + q, { method: 'POST', headers: { 'X-MBX-APIKEY': K.binance.apiKey } })).json();
  wal.final('binance', cid, r.status, Number(r.executedQty));
}
async function sellBybit(cid, price) {
  wal.send({ clientOrderId: cid, venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price, qty: 0.01, timestampMs: Date.now() });
  const body = JSON.stringify({ category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', price: price.toFixed(1),
    timeInForce: 'IOC', orderLinkId: cid });
  await fetch(bybitUrl + '/v5/order/create', { method: 'POST', body, headers: bybitRestHeaders(K.bybit.secretKey, K.bybit.apiKey, Date.now(), 1000, body) });
  // A Bybit create answer is only an ack: the order stays "in flight" in the WAL until a stream says more.
}
for (let pair = 0; pair < 3; pair++) {
  const { ask, bid } = await touch();
  await buyBinance(tag + '-' + (++n), ask * 1.01);
  await sellBybit(tag + '-' + (++n), bid * 0.99);
}
await fetch(binanceUrl + '/__sim/fault', { method: 'POST', body: JSON.stringify({ kind: 'order_lost', venue: 'binance' }) });
const { ask } = await touch();
try {
  await buyBinance(tag + '-' + (++n), ask * 1.01);
} catch {
  process.stdout.write('LEGGED\\n');
}
setInterval(() => undefined, 1000); // waits for the kill
`;

t.test('kill -9 with a leg open and an answer lost: the restart finds everything by client id, no duplicate, the exposure to flatten', async (t) => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-restart-'));
  const stateFile = path.join(runs, 'sim-state.jsonl');
  const sim = spawn(process.execPath, [XARB_BIN, 'sim', '--binance-port', '0', '--bybit-port', '0', '--rate', '200', '--symbols', 'BTCUSDT',
    '--state', stateFile], { cwd: REPO_ROOT, env: { ...process.env, XARB_STDOUT_TTY: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let bot: ChildProcess | null = null;
  const clients: Array<{ close(): Promise<void> }> = [];
  t.teardown(async () => {
    bot?.kill('SIGKILL');
    for (const c of clients) await c.close();
    sim.kill('SIGTERM');
    await new Promise((r) => (sim.exitCode !== null ? r(null) : sim.once('exit', r)));
    fs.rmSync(runs, { recursive: true, force: true });
  });
  const m = await waitFor(sim, /binance\s+ws (ws:\/\/[\d.]+:\d+)[\s\S]*bybit\s+ws (ws:\/\/[\d.]+:\d+)/, 20_000);
  const binanceUrl = m[1]!.replace('ws://', 'http://');
  const bybitUrl = m[2]!.replace('ws://', 'http://');

  const runDir = path.join(runs, 'r1');
  bot = spawn(process.execPath, ['--input-type=module', '-e', BOT, binanceUrl, bybitUrl, runDir, JSON.stringify(SIM_KEYS)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitFor(bot, /LEGGED/, 30_000);
  bot.kill('SIGKILL');
  await new Promise((r) => bot!.once('exit', r));

  // The restart.
  const earlier = readEarlierRuns(runs, 'r2');
  t.same(earlier.runs.map((r) => [r.runId, r.ended, r.orders.length]), [['r1', false, 7]], 'the crashed run and its 7 journaled orders');
  const lost = earlier.runs[0]!.orders.find((o) => o.clientOrderId === 'x0badcafe-7')!;
  t.equal(lost.final, null, 'the lost-answer order is in flight in the WAL');
  const common = { recvWindowMs: 1000, venueNowMs: Date.now, timeoutMs: 3000 };
  const bn = new BinanceAccountRest({ baseUrl: binanceUrl, ...SIM_KEYS.binance, ...common });
  const bb = new BybitAccountRest({ baseUrl: bybitUrl, ...SIM_KEYS.bybit, ...common });
  clients.push(bn, bb);
  const since = Date.now() - 60_000;
  const snaps = [await bn.snapshot(['BTCUSDT'], since), await bb.snapshot(['BTCUSDT'], since)];
  const v = reconcileAtStart(snaps, earlier.runs, { exposurePolicy: 'flatten', dustQty: () => 1e-9, balanceTolerance: () => 0 });

  t.same(v.orphans, [], 'every xarb order at the venues is in the journal');
  t.same(v.unresolved, [], 'every in-flight order found at a venue');
  t.ok(v.resolved.some((r) => r.order.clientOrderId === 'x0badcafe-7' && r.cumQty === 0.01), 'the lost answer\'s order filled, found by client id');
  const ids = snaps.flatMap((s) => s.history.map((o) => `${s.venue}|${o.clientOrderId}`));
  t.equal(new Set(ids).size, ids.length, 'no client id used twice at a venue');
  t.equal(ids.length, 7, 'exactly the 7 journaled orders exist at the venues');
  t.same(v.exposure.map((e) => [e.symbol, Math.round(e.netQty * 1e8) / 1e8, e.runs]), [['BTCUSDT', 0.00999, ['r1']]],
    'the unhedged leg less its share of the buys\' base-coin fees (the simulator charges 0.1 % in the received coin; the hedged pairs\' fees are drift, not exposure)');
  t.same(v.flatten, [{ venue: 'binance', symbol: 'BTCUSDT', side: 'sell', qty: v.exposure[0]!.netQty }]);
  t.equal(v.canTrade, true, v.reasons.join('; '));
});
