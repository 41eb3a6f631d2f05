/**
 * The ccxt.pro contender of `npm run bench -- peer`, written as an experienced ccxt user would:
 * `watchBidsAsks` on Binance (bookTicker) and `watchOrderBook(symbol, 1)` on Bybit, the rate
 * limiter off, and on a spread beyond the threshold both legs at once with `Promise.all`
 * (`createOrder`, or `createOrderWs` with `--ws`): LIMIT IOC at the touch, a clientOrderId per
 * leg. ccxt is pointed at the loopback venue process through its `urls` (every API origin
 * rewritten); markets load from the venue's exchangeInfo / instruments-info.
 *
 *   node dist/bench/peer-ccxt.js <binancePort> <bybitPort> <rest|ws> <tag> <thresholdBps>
 *
 * Prints "ready" on stdout once both streams deliver, and runs until killed (SIGTERM).
 */
import ccxt from 'ccxt';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';

const [bnPort, byPort, mode, tag, thText] = process.argv.slice(2);
const threshold = Number(thText ?? '30') / 1e4;
const SYMBOL = 'BTC/USDT';
const QTY = 0.001;

type Ex = InstanceType<typeof ccxt.pro.binance>;

/** Every URL under exchange.urls.api points at the local venue (http→http, wss→ws). */
function rewrite(node: unknown, port: string): unknown {
  if (typeof node === 'string') {
    return node.replace(/^(https?|wss?):\/\/[^/]+/, (_m, scheme: string) => `${scheme.startsWith('ws') ? 'ws' : 'http'}://127.0.0.1:${port}`);
  }
  if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = rewrite(v, port);
  }
  return node;
}

function make(venue: 'binance' | 'bybit', port: string): Ex {
  const common = { apiKey: SIM_KEYS[venue].apiKey, secret: SIM_KEYS[venue].secretKey, enableRateLimit: false };
  const ex = venue === 'binance'
    ? new ccxt.pro.binance({ ...common, options: { defaultType: 'spot', fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: ['spot'] } } })
    : new ccxt.pro.bybit({ ...common, options: { defaultType: 'spot', enableUnifiedAccount: true, enableUnifiedMargin: false, fetchMarkets: { types: ['spot'] } } }) as unknown as Ex;
  (ex.has as Record<string, unknown>)['fetchCurrencies'] = false;
  ex.urls['api'] = rewrite(ex.urls['api'], port) as typeof ex.urls['api'];
  return ex;
}

const bn = make('binance', bnPort!);
const by = make('bybit', byPort!);
// ccxt asks for this before it opens plain ws:// (loopback) connections.
await Promise.all([bn.loadHttpProxyAgent(), by.loadHttpProxyAgent()]);
await Promise.all([bn.loadMarkets(), by.loadMarkets()]);

const q = { bnBid: 0, bnAsk: 0, byBid: 0, byAsk: 0 };
let busy = false;
let quietUntil = 0;
let seq = 0;
let ready = 0;

function place(ex: Ex, side: 'buy' | 'sell', price: number, id: string): Promise<unknown> {
  const params = { timeInForce: 'IOC', clientOrderId: id };
  return mode === 'ws' ? ex.createOrderWs(SYMBOL, 'limit', side, QTY, price, params) : ex.createOrder(SYMBOL, 'limit', side, QTY, price, params);
}

function check(): void {
  if (busy || q.bnBid === 0 || q.byBid === 0) return;
  const now = Date.now();
  if (now < quietUntil) return;
  let sellEx: Ex;
  let buyEx: Ex;
  let sellPx: number;
  let buyPx: number;
  if (q.bnBid > q.byAsk * (1 + threshold)) {
    [sellEx, sellPx, buyEx, buyPx] = [bn, q.bnBid, by, q.byAsk];
  } else if (q.byBid > q.bnAsk * (1 + threshold)) {
    [sellEx, sellPx, buyEx, buyPx] = [by, q.byBid, bn, q.bnAsk];
  } else {
    return;
  }
  busy = true;
  const n = ++seq;
  void Promise.all([place(sellEx, 'sell', sellPx, `${tag}s${n}`), place(buyEx, 'buy', buyPx, `${tag}b${n}`)])
    .catch((e: Error) => process.stderr.write(`ccxt order failed: ${e.message.slice(0, 200)}\n`))
    .finally(() => {
      busy = false;
      quietUntil = Date.now() + 100;
    });
}

function isReady(): void {
  if (++ready === 2) process.stdout.write('ready\n');
}

async function binanceLoop(): Promise<void> {
  let first = true;
  for (;;) {
    const t = await bn.watchBidsAsks([SYMBOL]);
    const x = t[SYMBOL];
    if (x?.bid && x.ask) {
      q.bnBid = x.bid;
      q.bnAsk = x.ask;
      if (first) {
        first = false;
        isReady();
      }
      check();
    }
  }
}

async function bybitLoop(): Promise<void> {
  let first = true;
  for (;;) {
    const ob = await by.watchOrderBook(SYMBOL, 1);
    const b = ob.bids[0]?.[0];
    const a = ob.asks[0]?.[0];
    if (b && a) {
      q.byBid = b;
      q.byAsk = a;
      if (first) {
        first = false;
        isReady();
      }
      check();
    }
  }
}

process.on('SIGTERM', () => {
  void Promise.allSettled([bn.close(), by.close()]).finally(() => process.exit(0));
});
await Promise.all([binanceLoop(), bybitLoop()]);
