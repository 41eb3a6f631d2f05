/**
 * `xarb sim` in a process of its own and a config set whose every URL points at it, as an
 * operator runs the bot against a venue it does not start itself (`--venues live
 * --confirm-live`): for the soak (soak.ts) and the restart tests. The simulator keeps its
 * accounts, orders and trades in a state file, and has a Binance account that signs with a
 * fresh Ed25519 key (the private half is written beside it, mode 0600).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';
import type { VenueFillView, VenueOrderView, VenueSnapshot } from '../src/execution/reconcile.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
export const XARB = path.join(REPO, 'bin', 'xarb.js');
export const SYMBOL = 'BTCUSDT';
export const ED_API_KEY = 'xarbSoakEd25519Key000000000000000000000000000000000000000000000';

export interface SimUrls { binance: { ws: string; rest: string }; bybit: { ws: string; rest: string } }
export interface SimProcess { urls: SimUrls; privPem: string; child: ChildProcess; stateFile: string }

export function lines(child: ChildProcess, onLine: (l: string) => void): void {
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

export function json(l: string): Record<string, unknown> | null {
  if (!l.startsWith('{')) return null;
  try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; }
}

/** Starts `xarb sim` (state file and keys in `dir`); the child is pushed to `children` for the caller to stop. */
export async function startSimProcess(dir: string, children: ChildProcess[], extraArgs: readonly string[] = []): Promise<SimProcess> {
  const privPem = path.join(dir, 'binance-ed25519.pem');
  const pubPem = path.join(dir, 'binance-ed25519.pub.pem');
  if (!fs.existsSync(privPem)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(privPem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(pubPem, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const stateFile = path.join(dir, 'sim-state.jsonl');
  const child = spawn(process.execPath, [XARB, 'sim', '--binance-port', '0', '--bybit-port', '0', '--rate', '300', '--symbols', SYMBOL,
    '--state', stateFile, '--ed25519-account', `${ED_API_KEY}=${pubPem}`, '--json', ...extraArgs],
  { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr!.resume();
  const urls = await new Promise<SimUrls>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('xarb sim did not start within 30 s')), 30_000);
    lines(child, (l) => {
      const m = json(l);
      if (m?.['type'] === 'sim_started') {
        clearTimeout(timer);
        resolve(m as never);
      }
    });
    child.on('exit', (c) => reject(new Error(`xarb sim exited (${c})`)));
  });
  return { urls, privPem, child, stateFile };
}

export interface LiveConfigOptions {
  binanceKey: 'ed25519' | 'hmac';
  orderEntry: Record<'binance' | 'bybit', 'ws' | 'rest'>;
  /** TOML appended to the shipped arbitrage.toml (e.g. an [execution.live] table). */
  arbitrageExtra?: string;
}

/** The shipped config set with every URL on the simulator and its keys; returns arbitrage.toml's path. */
export function writeLiveConfig(dir: string, sim: Pick<SimProcess, 'urls' | 'privPem'>, o: LiveConfigOptions): string {
  const { urls } = sim;
  fs.mkdirSync(dir, { recursive: true });
  const arb = fs.readFileSync(path.join(REPO, 'config', 'arbitrage.toml'), 'utf8') + '\n' + (o.arbitrageExtra ?? '');
  fs.writeFileSync(path.join(dir, 'arbitrage.toml'), arb);
  fs.writeFileSync(path.join(dir, 'binance.toml'), [
    '[connection]', `websocket_url = "${urls.binance.ws}/ws"`, `rest_api_url = "${urls.binance.rest}"`, `ws_api_url = "${urls.binance.ws}/ws-api/v3"`,
    'market = "spot"', 'recv_window_ms = 1000', 'reconnect_min_ms = 100', 'reconnect_max_ms = 2000', `order_entry = "${o.orderEntry.binance}"`, '[auth]',
    ...(o.binanceKey === 'ed25519'
      ? ['key_type = "ed25519"', `api_key = "${ED_API_KEY}"`, `private_key_path = ${JSON.stringify(sim.privPem)}`]
      : [`api_key = "${SIM_KEYS.binance.apiKey}"`, `secret_key = "${SIM_KEYS.binance.secretKey}"`]), ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'bybit.toml'), [
    '[connection]', `websocket_url = "${urls.bybit.ws}/v5/public/spot"`, `rest_api_url = "${urls.bybit.rest}"`, `ws_api_url = "${urls.bybit.ws}/v5/trade"`,
    'market = "spot"', 'recv_window_ms = 1000', 'reconnect_min_ms = 100', 'reconnect_max_ms = 2000', `order_entry = "${o.orderEntry.bybit}"`, '[auth]',
    `api_key = "${SIM_KEYS.bybit.apiKey}"`, `secret_key = "${SIM_KEYS.bybit.secretKey}"`, ''].join('\n'));
  return path.join(dir, 'arbitrage.toml');
}

/**
 * The simulator's own ledger of one account, from its state file (every order with its
 * trades, as the simulator recorded them): complete, where the venues' REST history pages
 * (Bybit's order history gives 50 rows, its execution list 100). Balances are not in it:
 * the caller takes them from the account endpoint.
 */
export function ledgerFromStateFile(file: string, venue: 'binance' | 'bybit', apiKey: string): Pick<VenueSnapshot, 'history' | 'fills'> {
  const orders = new Map<string, VenueOrderView>();
  const fills = new Map<string, VenueFillView>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = json(line);
    if (m?.['k'] !== 'order' || m['v'] !== venue) continue;
    const o = m['o'] as Record<string, unknown>;
    if (o['apiKey'] !== apiKey) continue;
    const side = o['isBuy'] === true ? 'buy' : 'sell';
    const cid = String(o['clientOrderId']);
    const trades = (m['trades'] as Array<Record<string, unknown>> | undefined) ?? [];
    for (const tr of trades) {
      fills.set(String(tr['tradeId']), {
        venue, symbol: String(o['symbol']), tradeId: String(tr['tradeId']), orderId: String(o['orderId']), clientOrderId: cid, side,
        qty: Number(tr['qty']), price: Number(tr['price']), timeMs: Number(tr['time']),
      });
    }
    const cum = [...fills.values()].filter((f) => f.orderId === String(o['orderId'])).reduce((a, f) => a + f.qty, 0);
    orders.set(String(o['orderId']), {
      venue, symbol: String(o['symbol']), orderId: String(o['orderId']), clientOrderId: cid, side, price: Number(o['priceText']),
      qty: Number(o['qtyText']), cumQty: cum, status: String(o['status']), open: false, timeMs: Number(o['createdMs']),
    });
  }
  return { history: [...orders.values()], fills: [...fills.values()] };
}
