/**
 * `npm run soak -- --minutes N` (or `--seconds S`): the live bot against `xarb sim` in its own
 * process, under a schedule of order-entry faults, then the venue's ledger against xarb's.
 *
 * 1. A fresh Ed25519 key pair; `xarb sim` started with a state file and a Binance account that
 *    signs with that key (Bybit: the simulator's HMAC key).
 * 2. The bot in live mode (`--venues live --confirm-live`, every URL on the simulator's
 *    loopback ports): Binance with the Ed25519 key (`--binance-key hmac` for the other variant),
 *    Bybit with HMAC.
 * 3. While it runs: a dislocation about every 0.8 s (so there is something to trade) and, in
 *    turn, the order-entry faults: 5xx (matched anyway), -1007 timeout, lost answer, slow
 *    answer, delayed visibility, private-stream disconnect, rate-limit storm with Retry-After,
 *    403 (Binance; a Bybit 403 means a 10-minute back-off, longer than a short soak).
 * 4. After the bot's orderly stop: the venues' orders and fills for xarb's client ids (the
 *    simulator's own ledger, its state file: complete, where REST history pages) and balances
 *    (account REST, signed like the bot's) against the bot's write-ahead order journal and the
 *    fills in its journal:
 *    - orders sent (WAL), orders at the venues, duplicates (one client id placed twice),
 *    - lost fills: venue fills beyond what xarb's final for that order says, or of an order
 *      xarb never journaled,
 *    - positions: per venue, the base bought − sold by the venue's fills against the journal's.
 *
 * Prints a table; writes JSON (default bench/results/soak.json; `--out FILE`). Exit 0 when
 * duplicates and lost fills are 0 and positions agree, 1 otherwise, 2 on a usage error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';
import { BinanceAccountRest } from '../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../src/venues/bybit/account-rest.js';
import { loadEd25519PrivateKey } from '../src/execution/live/signer.js';
import { readOrderWal } from '../src/execution/order-wal.js';
import { snapshotOverSpan } from '../src/venues/history-windows.js';
import { DEFAULT_CLIENT_ID_PATTERN, type VenueSnapshot } from '../src/execution/reconcile.js';
import { ED_API_KEY, REPO, SYMBOL, XARB, json, ledgerFromStateFile, lines, startSimProcess, writeLiveConfig } from './sim-process.js';


type Venue = 'binance' | 'bybit';
/** `ws`: a fault of the WebSocket order API (`POST /__sim_ws_api/fault`: drop = answer lost, swallow = never answered, error = -1007/10016). */
interface FaultStep { kind: string; venue: Venue; durationMs?: number; execute?: boolean; ws?: boolean }

/** The order-entry faults, in turn (names as `POST /__sim/fault` takes them). */
export const FAULT_ROTATION: readonly FaultStep[] = [
  { kind: 'order_5xx', venue: 'binance', execute: true },
  { kind: 'drop', venue: 'bybit', ws: true },
  { kind: 'order_timeout', venue: 'binance' },
  { kind: 'order_invisible', venue: 'bybit', durationMs: 1500 },
  { kind: 'order_lost', venue: 'binance' },
  { kind: 'error', venue: 'bybit', ws: true },
  { kind: 'order_slow', venue: 'binance', durationMs: 1500 },
  { kind: 'private_disconnect', venue: 'binance' },
  { kind: 'rate_storm', venue: 'binance', durationMs: 2000 },
  { kind: 'swallow', venue: 'bybit', ws: true },
  { kind: 'private_disconnect', venue: 'bybit' },
  { kind: 'forbidden', venue: 'binance', durationMs: 1000 },
  { kind: 'order_invisible', venue: 'binance', durationMs: 1500 },
  { kind: 'rate_storm', venue: 'bybit', durationMs: 2000 },
  // The schedule's order_* faults hit REST order entry: on a WebSocket venue, its REST fallback.
  { kind: 'order_5xx', venue: 'bybit', execute: true },
  { kind: 'order_lost', venue: 'bybit' },
  { kind: 'drop', venue: 'binance', ws: true },
  { kind: 'error', venue: 'binance', ws: true },
];

export interface SoakResult {
  type: 'soak';
  started: string;
  seconds: number;
  binance_key: 'ed25519' | 'hmac';
  bybit_key: 'hmac';
  order_entry: Record<Venue, 'ws' | 'rest'>;
  orders_sent: Record<Venue, number>;
  orders_at_venue: Record<Venue, number>;
  fills_at_venue: Record<Venue, number>;
  faults_injected: Record<string, number>;
  faults_hit: Record<Venue, Record<string, number>>;
  duplicates: number;
  lost_fills: number;
  unresolved_at_end: number;
  /** Orders with a settling `venue_order` journal line (the venue's final word, any source). */
  venue_finals: Record<Venue, number>;
  /** Orders settled twice by the venue's word, or whose WAL final quantity is not the one the venue stated. */
  finals_disagree: number;
  positions: Record<Venue, { venue: number; xarb: number; equal: boolean }>;
  bot_exit_code: number | null;
  ok: boolean;
  problems: string[];
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function post(url: string, body: unknown): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
    await r.text();
    return r.ok;
  } catch {
    return false;
  }
}

export interface SoakOptions {
  seconds: number;
  binanceKey: 'ed25519' | 'hmac';
  /** Order path per venue (`[connection] order_entry`). */
  orderEntry: Record<Venue, 'ws' | 'rest'>;
  out: string;
  /** Keep the working folder (runs, configs, keys) and say where it is. */
  keep: boolean;
  log: (s: string) => void;
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-soak-'));
  const children: ChildProcess[] = [];
  const result: SoakResult = {
    type: 'soak', started: new Date().toISOString(), seconds: o.seconds, binance_key: o.binanceKey, bybit_key: 'hmac', order_entry: o.orderEntry,
    orders_sent: { binance: 0, bybit: 0 }, orders_at_venue: { binance: 0, bybit: 0 }, fills_at_venue: { binance: 0, bybit: 0 },
    faults_injected: {}, faults_hit: { binance: {}, bybit: {} }, duplicates: 0, lost_fills: 0, unresolved_at_end: 0,
    venue_finals: { binance: 0, bybit: 0 }, finals_disagree: 0, positions: { binance: { venue: 0, xarb: 0, equal: true }, bybit: { venue: 0, xarb: 0, equal: true } }, bot_exit_code: null, ok: false, problems: [],
  };
  try {
    // 1. Keys and the simulator; 2. the config set on its URLs (sim-process.ts).
    const simRun = await startSimProcess(tmp, children);
    const { urls, privPem } = simRun;
    o.log(`xarb sim: binance ${urls.binance.rest}, bybit ${urls.bybit.rest}`);
    const edBinance = o.binanceKey === 'ed25519';
    const cfgFile = writeLiveConfig(path.join(tmp, 'config'), simRun, { binanceKey: o.binanceKey, orderEntry: o.orderEntry, arbitrageExtra: '[execution.live]\nbalance_check_s = 5\n' });

    // The venues' ledger is read with the bot's own keys and signatures.
    const common = { recvWindowMs: 5000, venueNowMs: Date.now, timeoutMs: 5000 };
    const bn = new BinanceAccountRest(edBinance
      ? { baseUrl: urls.binance.rest, apiKey: ED_API_KEY, secretKey: '', ed25519Key: loadEd25519PrivateKey(fs.readFileSync(privPem, 'utf8'), 'soak key'), ...common }
      : { baseUrl: urls.binance.rest, ...SIM_KEYS.binance, ...common });
    const bb = new BybitAccountRest({ baseUrl: urls.bybit.rest, ...SIM_KEYS.bybit, ...common });
    const baseAsset = 'BTC';
    const startBase = { binance: (await bn.account()).balances.get(baseAsset) ?? 0, bybit: (await bb.walletBalance()).get(baseAsset) ?? 0 };

    // 3. The bot, and the schedule while it runs.
    const runs = path.join(tmp, 'runs');
    const bot = spawn(process.execPath, [XARB, '--mode', 'live', '--venues', 'live', '--confirm-live', '--config', cfgFile,
      '--runs-dir', runs, '--run-id', 'soak', '--monitor-port', '0', '--no-status', '--duration', `${o.seconds}s`],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(bot);
    let botErr = '';
    bot.stderr!.on('data', (d: Buffer) => { botErr += d.toString(); if (botErr.length > 20_000) botErr = botErr.slice(-10_000); });
    let trading = false;
    const errors: string[] = [];
    lines(bot, (l) => {
      const m = json(l);
      if (m === null) return;
      if (m['msg'] === 'bot starting' || String(m['msg'] ?? '').startsWith('monitor listening')) trading = true;
      if (typeof m['level'] === 'number' && m['level'] >= 50 && errors.length < 20) errors.push(String(m['msg']));
    });
    const exited = new Promise<number | null>((r) => bot.on('exit', (c) => r(c)));
    let done = false;
    void exited.then(() => { done = true; });
    const until = Date.now() + 60_000;
    while (!trading && !done && Date.now() < until) await sleep(100);
    const faultUrl = `${urls.binance.rest}/__sim/fault`;
    const stopFaultsAt = Date.now() + Math.max(0, o.seconds * 1000 - 4000);
    let k = 0;
    let n = 0;
    while (!done && Date.now() < stopFaultsAt) {
      const venue: Venue = n % 2 === 0 ? 'binance' : 'bybit';
      await post(faultUrl, { kind: 'dislocate', venue, symbol: SYMBOL, bps: 80, durationMs: 500 });
      {
        const f = FAULT_ROTATION[k++ % FAULT_ROTATION.length]!;
        const sent = f.ws === true
          ? await post(`${urls[f.venue].rest}/__sim_ws_api/fault`, { kind: f.kind })
          : await post(faultUrl, { kind: f.kind, venue: f.venue, ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
            ...(f.execute !== undefined ? { execute: f.execute } : {}) });
        if (sent) {
          const key = `${f.ws === true ? 'ws_' : ''}${f.kind}@${f.venue}`;
          result.faults_injected[key] = (result.faults_injected[key] ?? 0) + 1;
        }
      }
      n++;
      await sleep(800);
    }
    const watchdog = setTimeout(() => bot.kill('SIGKILL'), o.seconds * 1000 + 90_000);
    result.bot_exit_code = await exited;
    clearTimeout(watchdog);
    if (result.bot_exit_code !== 0) result.problems.push(`bot exit code ${result.bot_exit_code}: ${errors.slice(0, 3).join(' | ')} ${botErr.slice(-300)}`);
    const stats = (await (await fetch(`${urls.binance.rest}/__sim/stats`)).json()) as {
      orderFaults?: Record<Venue, { byKind: Record<string, number> }>; wsApiFaults?: Record<Venue, Record<string, number>>;
    };
    for (const v of ['binance', 'bybit'] as const) {
      result.faults_hit[v] = { ...stats.orderFaults?.[v]?.byKind ?? {} };
      for (const [k, n] of Object.entries(stats.wsApiFaults?.[v] ?? {})) if (n > 0) result.faults_hit[v][`ws_${k}`] = n;
    }

    // 4. Venue against xarb.
    // Orders and fills from the simulator's own ledger (its state file: complete, where the REST
    // history pages); balances from the account endpoints, signed like the bot's requests.
    const snaps: Record<Venue, VenueSnapshot> = {
      binance: { venue: 'binance', balances: (await bn.account()).balances, openOrders: [], ...ledgerFromStateFile(simRun.stateFile, 'binance', edBinance ? ED_API_KEY : SIM_KEYS.binance.apiKey) },
      bybit: { venue: 'bybit', balances: await bb.walletBalance(), openOrders: [], ...ledgerFromStateFile(simRun.stateFile, 'bybit', SIM_KEYS.bybit.apiKey) },
    };
    await bn.close();
    await bb.close();
    const endBase = { binance: snaps.binance.balances.get(baseAsset) ?? 0, bybit: snaps.bybit.balances.get(baseAsset) ?? 0 };
    compareLedger(result, path.join(runs, 'soak'), snaps, [SYMBOL], { start: startBase, end: endBase, asset: baseAsset });
    result.ok = result.duplicates === 0 && result.lost_fills === 0 && result.finals_disagree === 0 && result.positions.binance.equal && result.positions.bybit.equal &&
      result.bot_exit_code === 0;
    if (o.keep) o.log(`working folder kept: ${tmp}`);
    return result;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    for (const c of children) if (c.exitCode === null) await new Promise((r) => { const t = setTimeout(() => { c.kill('SIGKILL'); r(null); }, 5000); c.once('exit', () => { clearTimeout(t); r(null); }); });
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}


/**
 * The venue's ledger against a run's: its WAL (orders sent, finals) and journal (fills), and
 * the venues' order history and fills for xarb client ids. Positions: with `balances` (the
 * simulator, whose accounts only xarb uses) the venue's base balance moves against the
 * journal's fills net of base fees; without, the venue's xarb fills against the journal's.
 */
export function compareLedger(result: SoakResult, runDir: string, snaps: Record<Venue, VenueSnapshot>, symbols: readonly string[],
  balances: { start: Record<Venue, number>; end: Record<Venue, number>; asset: string } | null): void {
  const wal = readOrderWal(path.join(runDir, 'orders.wal'));
  const sentKeys = new Map<string, number>();
  const finalCum = new Map<string, number>();
  for (const w of wal.orders) {
    result.orders_sent[w.venue]++;
    const key = `${w.venue}|${w.clientOrderId}`;
    sentKeys.set(key, (sentKeys.get(key) ?? 0) + 1);
    if (w.final !== null) finalCum.set(key, w.final.cumQty);
    else result.unresolved_at_end++;
  }
  // A client id journaled twice is a second send of the same id.
  for (const c of sentKeys.values()) if (c > 1) result.duplicates += c - 1;
  const journal = fs.readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8').split('\n').map(json).filter((e) => e !== null);
  // The venue's final word per order, whichever path brought it (docs/report.md `venue_order`):
  // one settling line per order, stating the quantity the WAL's final line holds.
  const venueFinal = new Map<string, number>();
  for (const e of journal) {
    if (e['type'] !== 'venue_order' || e['settled'] !== true) continue;
    const key = `${String(e['venue'])}|${String(e['client_order_id'])}`;
    const cum = Number(e['cum_qty']);
    if (venueFinal.has(key)) {
      result.finals_disagree++;
      result.problems.push(`${key}: settled twice by the venue's word`);
      continue;
    }
    venueFinal.set(key, cum);
    if (e['venue'] === 'binance' || e['venue'] === 'bybit') result.venue_finals[e['venue']]++;
    const wal_ = finalCum.get(key);
    if (wal_ !== undefined && !(Math.abs(wal_ - cum) <= 1e-9 * Math.max(1, cum))) {
      result.finals_disagree++;
      result.problems.push(`${key}: the venue stated ${cum} filled (${String(e['source'])}), xarb's final says ${wal_}`);
    }
  }
  const xarbBase: Record<Venue, number> = { binance: 0, bybit: 0 };
  for (const e of journal) {
    if (e['type'] !== 'report' || !symbols.includes(String(e['symbol']))) continue;
    const q = Number(e['last_qty']);
    if (!(q > 0)) continue;
    // A fee charged in the base asset (a buy's, on these venues) leaves the account too.
    const fee = balances !== null && e['fee_asset'] === 'base' ? Number(e['fee']) || 0 : 0;
    xarbBase[e['venue'] as Venue] += (e['side'] === 'buy' ? q : -q) - fee;
  }
  for (const v of ['binance', 'bybit'] as const) {
    const s = snaps[v];
    const mine = s.history.filter((h) => DEFAULT_CLIENT_ID_PATTERN.test(h.clientOrderId));
    result.orders_at_venue[v] = mine.length;
    const seen = new Map<string, number>();
    for (const h of mine) seen.set(h.clientOrderId, (seen.get(h.clientOrderId) ?? 0) + 1);
    for (const c of seen.values()) if (c > 1) result.duplicates += c - 1;
    const fills = s.fills.filter((f) => DEFAULT_CLIENT_ID_PATTERN.test(f.clientOrderId));
    result.fills_at_venue[v] = fills.length;
    const byCid = new Map<string, typeof fills>();
    for (const f of fills) byCid.set(f.clientOrderId, [...(byCid.get(f.clientOrderId) ?? []), f]);
    for (const [cid, fs_] of byCid) {
      const covered = finalCum.get(`${v}|${cid}`);
      if (!sentKeys.has(`${v}|${cid}`)) {
        result.lost_fills += fs_.length;
        result.problems.push(`${v} ${cid}: ${fs_.length} venue fill(s) of an order xarb never journaled`);
        continue;
      }
      if (covered === undefined) continue; // unresolved at the end: counted apart, and in positions
      let acc = 0;
      for (const f of fs_.sort((a, b) => a.timeMs - b.timeMs)) {
        acc += f.qty;
        if (acc > covered + 1e-9) {
          result.lost_fills++;
          result.problems.push(`${v} ${cid}: venue fill ${f.tradeId} (${f.qty}) beyond xarb's final cum ${covered}`);
        }
      }
    }
    const moved = balances !== null ? balances.end[v] - balances.start[v] : fills.reduce((a, f) => a + (f.side === 'buy' ? f.qty : -f.qty), 0);
    // Equal on the unrounded figures (sums of decimals carry float noise); shown rounded.
    result.positions[v] = { venue: Math.round(moved * 1e6) / 1e6, xarb: Math.round(xarbBase[v] * 1e6) / 1e6, equal: Math.abs(moved - xarbBase[v]) < 1e-9 };
    if (!result.positions[v].equal) result.problems.push(`${v}: venue ${balances !== null ? 'base balance moved' : 'fills net'} ${moved}, xarb's fills say ${xarbBase[v]}`);
  }
  if (result.duplicates > 0) result.problems.push(`${result.duplicates} duplicate order(s)`);
}

/**
 * `--check-run RUN_DIR`: a run that already happened (a testnet soak, a mainnet day) against
 * the venues it traded on, read with the config's keys: orders, duplicates, lost fills and
 * positions (xarb fills by client id), as in the soak. No faults were injected by xarb then;
 * the venues' own are in the run's counters. The look-back starts a minute before the run's
 * first journal line and covers the whole run: read in windows of 23 h (Binance serves at
 * most 24 h of trades per query), each window page by page (history-windows.ts).
 */
export async function checkRun(runDir: string, configFile: string, testnet: boolean): Promise<SoakResult> {
  const { loadConfig } = await import('../src/config/index.js');
  const cfg = loadConfig(configFile, { mode: 'live', testnet });
  const first = json(fs.readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8').split('\n')[0] ?? '');
  const startMs = typeof first?.['t'] === 'number' ? first['t'] : Date.now() - 23 * 3600_000;
  const sinceMs = startMs - 60_000;
  const bnAuth = cfg.venues.binance.auth;
  const common = { recvWindowMs: 5000, venueNowMs: Date.now, timeoutMs: 10_000 };
  const bn = new BinanceAccountRest({ baseUrl: cfg.venues.binance.connection.rest_api_url, apiKey: bnAuth.api_key, secretKey: bnAuth.secret_key, ...common,
    ...(bnAuth.key_type === 'ed25519' ? { ed25519Key: loadEd25519PrivateKey(bnAuth.private_key !== '' ? bnAuth.private_key : fs.readFileSync(bnAuth.private_key_path, 'utf8'), 'binance auth.private_key') } : {}) });
  const bb = new BybitAccountRest({ baseUrl: cfg.venues.bybit.connection.rest_api_url, apiKey: cfg.venues.bybit.auth.api_key, secretKey: cfg.venues.bybit.auth.secret_key, ...common });
  const result: SoakResult = {
    type: 'soak', started: new Date(startMs).toISOString(), seconds: Math.round((Date.now() - startMs) / 1000), binance_key: bnAuth.key_type, bybit_key: 'hmac',
    order_entry: { binance: cfg.venues.binance.connection.order_entry, bybit: cfg.venues.bybit.connection.order_entry },
    orders_sent: { binance: 0, bybit: 0 }, orders_at_venue: { binance: 0, bybit: 0 }, fills_at_venue: { binance: 0, bybit: 0 },
    faults_injected: {}, faults_hit: { binance: {}, bybit: {} }, duplicates: 0, lost_fills: 0, unresolved_at_end: 0,
    venue_finals: { binance: 0, bybit: 0 }, finals_disagree: 0, positions: { binance: { venue: 0, xarb: 0, equal: true }, bybit: { venue: 0, xarb: 0, equal: true } }, bot_exit_code: null, ok: false, problems: [],
  };
  try {
    const symbols = cfg.strategy.symbols;
    const now = Date.now();
    const snaps = { binance: await snapshotOverSpan((w) => bn.snapshot(symbols, w), sinceMs, now), bybit: await snapshotOverSpan((w) => bb.snapshot(symbols, w), sinceMs, now) };
    compareLedger(result, runDir, snaps, symbols, null);
  } finally {
    await bn.close();
    await bb.close();
  }
  result.ok = result.duplicates === 0 && result.lost_fills === 0 && result.finals_disagree === 0 && result.positions.binance.equal && result.positions.bybit.equal;
  return result;
}

export function soakTable(r: SoakResult): string {
  const row = (a: string, b: string | number, c: string | number = ''): string => `  ${a.padEnd(38)}${String(b).padStart(12)}${String(c).padStart(12)}\n`;
  let s = `soak: ${r.seconds} s; binance: ${r.binance_key} key, ${r.order_entry.binance} orders; bybit: ${r.bybit_key} key, ${r.order_entry.bybit} orders\n`;
  s += row('', 'binance', 'bybit');
  s += row('orders sent (xarb WAL)', r.orders_sent.binance, r.orders_sent.bybit);
  s += row('orders at the venue (xarb ids)', r.orders_at_venue.binance, r.orders_at_venue.bybit);
  s += row('fills at the venue', r.fills_at_venue.binance, r.fills_at_venue.bybit);
  s += row('base position: venue', r.positions.binance.venue, r.positions.bybit.venue);
  s += row('base position: xarb journal', r.positions.binance.xarb, r.positions.bybit.xarb);
  s += 'faults injected (kind@venue: count)\n';
  for (const [k, n] of Object.entries(r.faults_injected).sort()) s += row(`  ${k}`, n);
  s += 'faults that hit an order or a request, per the simulator\n';
  const kinds = new Set([...Object.keys(r.faults_hit.binance), ...Object.keys(r.faults_hit.bybit)]);
  for (const k of [...kinds].sort()) s += row(`  ${k}`, r.faults_hit.binance[k] ?? 0, r.faults_hit.bybit[k] ?? 0);
  s += row('duplicates (one client id twice)', r.duplicates);
  s += row('lost fills (venue fill not in xarb)', r.lost_fills);
  s += row('orders unresolved at the end', r.unresolved_at_end);
  s += row('orders settled by a venue final (journal)', r.venue_finals.binance, r.venue_finals.bybit);
  s += row('finals disagreeing (venue vs xarb WAL)', r.finals_disagree);
  s += `result: ${r.ok ? 'OK' : 'FAILED'}${r.problems.length > 0 ? '\n  ' + r.problems.slice(0, 10).join('\n  ') : ''}\n`;
  return s;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: {
      minutes: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string' }, 'binance-key': { type: 'string' }, 'order-entry': { type: 'string' },
      keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      'check-run': { type: 'string' }, config: { type: 'string' }, testnet: { type: 'boolean' },
    }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    process.stderr.write(`soak: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.help === true) {
    process.stdout.write('usage: npm run soak -- [--minutes N | --seconds S] [--binance-key ed25519|hmac] [--order-entry mixed|ws|rest] [--out FILE] [--keep]\n' +
      '  --minutes N      how long the bot trades (default 1)\n  --seconds S      the same in seconds (for short runs)\n' +
      '  --binance-key    the Binance key type (default ed25519; Bybit is HMAC)\n' +
      '  --order-entry    mixed (default: Binance REST, Bybit WebSocket), ws or rest\n  --out FILE       JSON result (default bench/results/soak.json)\n' +
      '  --keep           keep the working folder (runs, configs, keys)\n' +
      'or: npm run soak -- --check-run RUN_DIR [--config FILE] [--testnet] [--out FILE]\n' +
      '  the same figures for a run that already happened (e.g. a testnet soak): its WAL and journal against the\n' +
      '  venues\' order history and fills, read with the keys of the config (default config/arbitrage.toml)\n');
    return 0;
  }
  if (args['check-run'] !== undefined) {
    const out = path.resolve(args.out ?? path.join(REPO, 'bench', 'results', 'soak-check.json'));
    const r = await checkRun(path.resolve(args['check-run']), path.resolve(args.config ?? path.join(REPO, 'config', 'arbitrage.toml')), args.testnet === true);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(r, null, 2) + '\n');
    process.stdout.write(soakTable(r) + `JSON: ${path.relative(process.cwd(), out)}\n`);
    return r.ok ? 0 : 1;
  }
  const seconds = args.seconds !== undefined ? Number(args.seconds) : Number(args.minutes ?? '1') * 60;
  if (!Number.isFinite(seconds) || seconds < 10) {
    process.stderr.write('soak: the run must last at least 10 s\n');
    return 2;
  }
  const key = args['binance-key'] ?? 'ed25519';
  if (key !== 'ed25519' && key !== 'hmac') {
    process.stderr.write('soak: --binance-key takes ed25519 or hmac\n');
    return 2;
  }
  const oe = args['order-entry'] ?? 'mixed';
  if (oe !== 'mixed' && oe !== 'ws' && oe !== 'rest') {
    process.stderr.write('soak: --order-entry takes mixed, ws or rest\n');
    return 2;
  }
  const orderEntry: Record<Venue, 'ws' | 'rest'> = oe === 'mixed' ? { binance: 'rest', bybit: 'ws' } : { binance: oe, bybit: oe };
  const out = path.resolve(args.out ?? path.join(REPO, 'bench', 'results', 'soak.json'));
  const r = await soak({ seconds, binanceKey: key, orderEntry, out, keep: args.keep === true, log: (s) => process.stderr.write(`soak: ${s}\n`) });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(r, null, 2) + '\n');
  process.stdout.write(soakTable(r) + `JSON: ${path.relative(process.cwd(), out)}\n`);
  return r.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then((c) => { process.exitCode = c; }, (e: unknown) => { process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`); process.exitCode = 1; });
}
