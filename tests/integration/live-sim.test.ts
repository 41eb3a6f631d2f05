/**
 * `xarb --mode live --venues sim`: the whole bot with the live executor, sending orders over
 * the simulator's WebSocket order APIs (Binance WS API, Bybit /v5/trade with fills from
 * /v5/private) over loopback, with an HMAC key on both venues and then an Ed25519 key on
 * Binance (session.logon). On an injected dislocation rounds happen, every intent gets a final
 * report through legal state transitions, tick_to_wire is recorded, and the journal closes
 * cleanly.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { nextStatus } from '../../src/execution/order-state.js';
import { STATUS_NAMES, ST_SENT } from '../../src/core/records.js';
import { BinanceAccountRest } from '../../src/venues/binance/account-rest.js';
import { BybitAccountRest } from '../../src/venues/bybit/account-rest.js';
import { readOrderWal } from '../../src/execution/order-wal.js';

/** Every client id in the simulator's order stores (both venues), read over its account REST with the sim keys. */
async function venueClientIds(binanceHttp: string | null, bybitHttp: string): Promise<string[]> {
  const common = { recvWindowMs: 5000, venueNowMs: Date.now, timeoutMs: 3000 };
  // (The Binance account REST signs with HMAC: with the Ed25519 key only Bybit is asked.)
  const bn = new BinanceAccountRest({ ...common, baseUrl: binanceHttp ?? 'http://127.0.0.1:1', apiKey: SIM_KEYS.binance.apiKey, secretKey: SIM_KEYS.binance.secretKey });
  const bb = new BybitAccountRest({ ...common, baseUrl: bybitHttp, apiKey: SIM_KEYS.bybit.apiKey, secretKey: SIM_KEYS.bybit.secretKey });
  try {
    const a = binanceHttp === null ? [] : await bn.allOrders('BTCUSDT');
    const b = await bb.orderHistory('BTCUSDT');
    return [...a, ...b].map((o) => `${o.venue}|${o.clientOrderId}`);
  } finally {
    await bn.close();
    await bb.close();
  }
}

/** config/ copied to a temp folder, Binance switched to an Ed25519 key in a PEM file. */
function ed25519Config(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-ed-'));
  for (const f of ['arbitrage.toml', 'binance.toml', 'bybit.toml']) copyFileSync(path.join(REPO_ROOT, 'config', f), path.join(dir, f));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(path.join(dir, 'binance-ed25519.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  const bn = readFileSync(path.join(dir, 'binance.toml'), 'utf8').replace(/\[auth\][\s\S]*$/,
    '[auth]\napi_key = "${BINANCE_API_KEY}"\nkey_type = "ed25519"\nprivate_key_path = "binance-ed25519.pem"\n');
  writeFileSync(path.join(dir, 'binance.toml'), bn);
  return path.join(dir, 'arbitrage.toml');
}

for (const keys of ['hmac', 'ed25519'] as const) {
t.test(`live mode against the simulator (${keys} key on Binance): WS API orders, every intent resolved, journal consistent`, async (t) => {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-live-'));
  const config = keys === 'hmac' ? 'config/arbitrage.toml' : ed25519Config();
  const env = {
    ...process.env,
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const child = spawn(process.execPath, [XARB_BIN, '--mode', 'live', '--config', config, '--venues', 'sim',
    '--duration', '120s', '--runs-dir', runs, '--run-id', 'x', '--monitor-port', '0', '--no-status', '--dislocation-every-ms', '0'],
  { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let buf = '';
  let fired = false;
  let base = '';
  let bybitBase = '';
  let venueIds: Promise<string[] | Error> = Promise.resolve(new Error('venue never queried'));
  const timers: NodeJS.Timeout[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.includes('venue simulator started')) {
        const l = JSON.parse(line) as { binance: string; bybit: string };
        base = l.binance.replace('ws://', 'http://');
        bybitBase = new URL(l.bybit.replace('ws://', 'http://')).origin;
      }
      // Dislocate once the executor is up (its sessions are logged on by then).
      if (fired || base === '' || !line.includes('live executor ready')) continue;
      fired = true;
      for (const delay of [1500, 3000, 4500]) {
        timers.push(setTimeout(() => {
          void fetch(`${base}/__sim/fault`, {
            method: 'POST', body: JSON.stringify({ kind: 'dislocate', venue: 'binance', symbol: 'BTCUSDT', bps: 60, durationMs: 800 }),
          }).catch(() => undefined);
        }, delay));
      }
      // The venues' order stores once the dislocations' orders are settled (IOC), before the stop.
      timers.push(setTimeout(() => { venueIds = venueClientIds(keys === 'hmac' ? new URL(base).origin : null, bybitBase).catch((e: Error) => e); }, 6300));
      // An orderly stop once the dislocations are over (start-up time varies with the machine's load).
      timers.push(setTimeout(() => child.kill('SIGTERM'), 7000));
    }
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  for (const tm of timers) clearTimeout(tm);

  t.equal(code, 0, `exit code 0 (stderr: ${stderr.slice(-500)})`);
  t.match(stdout, /"can_trade":true[^\n]*live start-up: reconciliation verdict/, 'the start-up checks passed on the fresh simulator');
  t.match(stdout, /live executor ready/, 'the live executor ran');
  t.notMatch(stdout, /live venue not configured/, 'both venues had credentials');
  t.ok(stdout.includes(`"venue":"binance","order_entry":"ws","key_type":"${keys}","path":"websocket"`), 'binance orders go over the WS API');
  t.match(stdout, /"venue":"bybit","order_entry":"ws","key_type":"hmac","path":"websocket"/, 'bybit orders go over /v5/trade');
  t.match(stdout, /bybit private stream: session ready/, 'the Bybit private stream is up for fills');
  t.match(stdout, /binance user data: session ready/, 'Binance user data subscribed over the WS API');
  t.match(stdout, /binance private stream gap-fill done/, 'the Binance stream\'s gap-fill ran on connect');
  t.match(stdout, /bybit private stream gap-fill done/, 'the Bybit stream\'s gap-fill ran on connect');
  t.notMatch(stdout, /session lost|logon refused/, 'no session lost or refused');
  const hlog = readFileSync(path.join(runs, 'x', 'latency.hlog'), 'utf8');
  t.match(hlog, /Tag=tick_to_wire,/, 'tick_to_wire recorded');
  t.match(hlog, /Tag=intent_to_wire,/, 'intent_to_wire recorded');
  t.match(hlog, /Tag=leg_gap,/, 'leg_gap recorded (both legs of a pair written in one step)');
  t.notOk(stdout.includes(SIM_KEYS.binance.secretKey) || stdout.includes(SIM_KEYS.bybit.secretKey), 'no secret in the log');
  const text = readFileSync(path.join(runs, 'x', 'journal.jsonl'), 'utf8');
  t.notOk(text.includes(SIM_KEYS.binance.secretKey) || text.includes(SIM_KEYS.bybit.secretKey), 'no secret in the journal');
  const entries = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  t.equal(entries[0]!.type, 'run_start');
  t.equal(entries[0]!.mode, 'live');
  t.equal(entries.at(-1)!.type, 'run_end');
  const opened = entries.filter((e) => e.type === 'round_opened');
  const closed = entries.filter((e) => e.type === 'round_closed');
  t.ok(opened.length > 0, `rounds opened on the dislocation (${opened.length})`);
  t.equal(closed.length, opened.length, 'every round closed');
  const intents = entries.filter((e) => e.type === 'intent');
  t.ok(intents.length >= 2, `intents sent (${intents.length})`);
  const reports = entries.filter((e) => e.type === 'report');
  // A fill is reported by whichever comes first, the order answer or the private stream: the
  // final report may carry nothing new, but every order's fills add up to its cumulative once.
  t.ok(reports.some((r) => (r.status === 'filled' || r.status === 'partial') && r.last_qty > 0), 'orders filled at the simulated venue');
  for (const i of intents) {
    const mine = reports.filter((r) => r.order_id === i.order_id);
    const sum = mine.reduce((a, r) => a + (r.last_qty as number), 0);
    const cum = mine.length === 0 ? 0 : (mine.at(-1)!.cum_qty as number);
    if (Math.abs(sum - cum) > 1e-9) t.fail(`order ${i.order_id}: fills ${sum} reported vs cumulative ${cum}`);
  }
  for (const i of intents) {
    const mine = reports.filter((r) => r.order_id === i.order_id).map((r) => STATUS_NAMES.indexOf(r.status));
    let st = ST_SENT;
    let legal = true;
    for (const s of mine) {
      const next = nextStatus(st, s); // local refusals (never sent) are REJECTED, also legal from SENT
      if (next < 0) legal = false;
      else st = next;
    }
    t.ok(legal && ['filled', 'canceled', 'rejected'].includes(STATUS_NAMES[st]!), `order ${i.order_id}: ${mine.map((s) => STATUS_NAMES[s]).join(' → ')}`);
  }
  t.equal(entries.filter((e) => e.type === 'risk' && e.rule === 'shutdown').length, 0, 'no open orders or exposure left at shutdown');

  // The write-ahead order journal knows every order the venues have, each with its end.
  const ids = await venueIds;
  if (ids instanceof Error) throw ids;
  const wal = readOrderWal(path.join(runs, 'x', 'orders.wal'));
  t.equal(wal.badLines, 0, 'orders.wal reads cleanly');
  t.ok(wal.reserved.length >= 1, 'client ids come from a reserved block');
  const journaled = new Set(wal.orders.map((o) => `${o.venue}|${o.clientOrderId}`));
  t.ok(ids.length > 0, `the venues hold orders (${ids.length})`);
  t.same(ids.filter((id) => !journaled.has(id)), [], 'every client id at the venues is in orders.wal');
  t.equal(journaled.size, wal.orders.length, 'no client id journaled twice');
  t.same(wal.orders.filter((o) => o.final === null).map((o) => o.clientOrderId), [], 'every journaled order has its final line after an orderly stop');
});
}
