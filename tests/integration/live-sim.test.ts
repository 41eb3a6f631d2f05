/**
 * `xarb --mode live --venues sim`: the whole bot with the live executor, sending signed REST
 * orders to the simulator's order entry over loopback with the simulator's test keys. On an
 * injected dislocation rounds happen, every intent gets a final report through legal state
 * transitions, and the journal closes cleanly.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { nextStatus } from '../../src/execution/order-state.js';
import { STATUS_NAMES, ST_SENT } from '../../src/core/records.js';

t.test('live mode against the simulator: signed orders, every intent resolved, journal consistent', async (t) => {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-live-'));
  const env = {
    ...process.env,
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const child = spawn(process.execPath, [XARB_BIN, '--mode', 'live', '--config', 'config/arbitrage.toml', '--venues', 'sim',
    '--duration', '8s', '--runs-dir', runs, '--run-id', 'x', '--monitor-port', '0', '--no-status', '--dislocation-every-ms', '0'],
  { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let buf = '';
  let fired = false;
  const timers: NodeJS.Timeout[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (fired || !line.includes('venue simulator started')) continue;
      fired = true;
      const base = (JSON.parse(line) as { binance: string }).binance.replace('ws://', 'http://');
      for (const delay of [2500, 4000, 5500]) {
        timers.push(setTimeout(() => {
          void fetch(`${base}/__sim/fault`, {
            method: 'POST', body: JSON.stringify({ kind: 'dislocate', venue: 'binance', symbol: 'BTCUSDT', bps: 60, durationMs: 800 }),
          }).catch(() => undefined);
        }, delay));
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  for (const tm of timers) clearTimeout(tm);

  t.equal(code, 0, `exit code 0 (stderr: ${stderr.slice(-500)})`);
  t.match(stdout, /live executor ready/, 'the live executor ran');
  t.notMatch(stdout, /live venue not configured/, 'both venues had credentials');
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
  t.ok(reports.some((r) => r.status === 'filled' && r.last_qty > 0), 'orders filled at the simulated venue');
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
});
