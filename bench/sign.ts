/**
 * `npm run bench -- sign`: what signing one order costs on the order path, per key type, with
 * node:crypto (the implementation src/execution/live/signer.ts uses):
 *
 * - HMAC-SHA256 hex over a Binance WS API `order.place` payload (per request with HMAC keys)
 *   and over a Bybit v5 REST create (timestamp + key + recvWindow + body);
 * - Ed25519 base64 over the same Binance payload (what a REST fallback order costs with an
 *   Ed25519 key; on the WS API an Ed25519 session signs only its logon, so orders cost 0);
 * - the same HMAC with the key absorbed once (signer.ts HmacSha256: primed inner/outer hash
 *   states copied per request), what the Binance WS API session signs with;
 *
 * Baseline in the same run: building the payload string alone.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { HmacSha256, ed25519Base64, hmacHex } from '../src/execution/live/signer.js';
import { summarize, type BenchRow } from './types.js';

const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';

function payload(i: number): string {
  return 'apiKey=' + KEY + '&newClientOrderId=x1a2b3c4-' + i + '&newOrderRespType=FULL&price=60012.34&quantity=0.01234&recvWindow=5000' +
    '&side=BUY&symbol=BTCUSDT&timeInForce=IOC&timestamp=' + (1_700_000_000_000 + i) + '&type=LIMIT';
}

function time(n: number, f: (i: number) => string): Float64Array {
  const out = new Float64Array(n);
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    sink += f(i).length;
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  if (sink === 0) throw new Error('nothing signed');
  return out;
}

export async function runSignBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const n = opts.quick ? 20_000 : 200_000;
  const { privateKey } = generateKeyPairSync('ed25519');
  const keyed = new HmacSha256(SECRET);
  if (keyed.hex(payload(0)) !== hmacHex(SECRET, payload(0))) throw new Error('HmacSha256 differs from createHmac');
  const cases: Array<[string, (i: number) => string]> = [
    ['baseline: build the payload only', (i) => payload(i)],
    ['HMAC-SHA256 hex, Binance order.place payload (createHmac per request)', (i) => hmacHex(SECRET, payload(i))],
    ['HMAC-SHA256 hex, same payload, key absorbed once (HmacSha256, the WS API path)', (i) => keyed.hex(payload(i))],
    ['HMAC-SHA256 hex, Bybit REST create', (i) => createHmac('sha256', SECRET).update(String(1_700_000_000_000 + i) + KEY + '5000' +
      '{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.01234","price":"60012.3","timeInForce":"IOC","orderLinkId":"x1-' + i + '","isLeverage":0}').digest('hex')],
    ['Ed25519 base64, Binance payload (REST fallback)', (i) => ed25519Base64(privateKey, payload(i))],
    ['Ed25519 logged-on WS API order: no signature', (i) => payload(i)],
  ];
  const rows: BenchRow[] = [];
  let base = NaN;
  for (const [name, f] of cases) {
    time(Math.min(n, 5000), f); // warm-up
    const t0 = performance.now();
    const lat = time(n, f);
    const secs = (performance.now() - t0) / 1000;
    const row = summarize(name, lat, n / secs);
    if (Number.isNaN(base)) base = row.p50_ns;
    row.p50_over_baseline = Math.round((row.p50_ns / base) * 100) / 100;
    rows.push(row);
  }
  return rows;
}
