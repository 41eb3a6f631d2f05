/**
 * The whole bot (real worker threads, the real simulator on loopback) in a child process, as a
 * user runs it: rounds happen on an injected dislocation, the journal rebuilds the report, no
 * exposure is left after shutdown, and SIGTERM mid-run loses no journal line.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

interface BotRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  runDir: string;
}

function startBot(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void, timeoutMs = 60_000): Promise<BotRun> {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-bot-'));
  const runId = 'itest';
  const child = spawn(process.execPath, [XARB_BIN, '--mode', 'dry-run', '--config', 'config/arbitrage.toml', '--venues', 'sim',
    '--runs-dir', runs, '--run-id', runId, '--monitor-port', '0', '--no-status', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine?.(line, child);
    }
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, runDir: path.join(runs, runId) });
    });
  });
}

function journal(runDir: string): Array<Record<string, any>> {
  const text = readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8');
  t.ok(text.endsWith('\n'), 'journal ends with a whole line');
  return text.trim().split('\n').map((l) => JSON.parse(l));
}

/** POSTs a dislocation to the simulator once its URL appears in the bot's JSON log. */
function dislocateOnStart(bps: number) {
  let sent = false;
  return (line: string) => {
    if (sent || !line.includes('venue simulator started')) return;
    sent = true;
    const m = JSON.parse(line) as { binance: string };
    const base = m.binance.replace('ws://', 'http://');
    const fire = (delay: number) => setTimeout(() => {
      void fetch(`${base}/__sim/fault`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'dislocate', venue: 'binance', symbol: 'BTCUSDT', bps, durationMs: 800 }),
      }).catch(() => undefined);
    }, delay);
    // Spread over the run: a loaded host (the suite runs two files at once) can take seconds to start.
    for (const d of [2500, 4000, 5500, 7000, 8500, 10000]) fire(d);
  };
}

t.test('a short sim run with a dislocation trades, and the journal alone rebuilds the report', async (t) => {
  const r = await startBot(['--duration', '12s', '--dislocation-every-ms', '0'], dislocateOnStart(60));
  t.equal(r.code, 0, `exit code 0 (stderr: ${r.stderr.slice(-500)})`);
  const entries = journal(r.runDir);
  const types = new Set(entries.map((e) => e.type));
  t.ok(types.has('run_start') && types.has('run_end'), 'run_start and run_end journaled');
  const opened = entries.filter((e) => e.type === 'round_opened');
  const closed = entries.filter((e) => e.type === 'round_closed');
  t.ok(opened.length > 0, `rounds opened on the dislocation (${opened.length})`);
  t.equal(closed.length, opened.length, 'every round closed by shutdown');
  const intents = entries.filter((e) => e.type === 'intent');
  const finals = new Map<number, string>();
  for (const e of entries) if (e.type === 'report') finals.set(e.order_id, e.status);
  for (const i of intents) t.ok(['filled', 'canceled', 'rejected', 'expired'].includes(finals.get(i.order_id) ?? 'none'), `order ${i.order_id} resolved`);
  const end = entries.find((e) => e.type === 'run_end')!;
  t.equal(entries.filter((e) => e.type === 'risk' && e.rule === 'shutdown').length, 0, 'no open orders or exposure left at shutdown');
  t.ok(Number.isFinite(end.end_equity), 'end equity recorded');
  // The report rebuilt from the journal alone agrees with the journal.
  const rep = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, [XARB_BIN, 'report', r.runDir, '--json'], { cwd: REPO_ROOT });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('exit', () => resolve(out));
  });
  const perf = JSON.parse(rep);
  t.equal(perf.rounds.closed, closed.length, 'report counts the journal\'s rounds');
  const pnl = closed.reduce((a, e) => a + e.pnl + e.legging_pnl, 0);
  t.ok(Math.abs(perf.realizedPnl - pnl) < 1e-6, `report pnl ${perf.realizedPnl} = journal pnl ${pnl}`);
  t.ok(existsSync(path.join(r.runDir, 'latency.hlog')), 'latency.hlog written');
  t.ok(existsSync(path.join(r.runDir, 'report.html')), 'report.html written');
  // stdout is a pipe here: the report is its last line, as one JSON object; the text goes to stderr.
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!) as { type: string; rounds: { closed: number } };
  t.equal(last.type, 'report', 'report printed at the end, as JSON on stdout');
  t.equal(last.rounds.closed, closed.length);
  t.match(r.stderr, /strategy pnl \(USDT\)/, 'and as text on stderr');
});

t.test('with the dry-run executor on its own thread, rounds happen and every order resolves', async (t) => {
  // A config set identical to config/ but for [engine] dry_run_executor.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xarb-cfg-'));
  for (const f of ['arbitrage.toml', 'binance.toml', 'bybit.toml']) {
    let text = readFileSync(path.join(REPO_ROOT, 'config', f), 'utf8');
    if (f === 'arbitrage.toml') text = text.replace(/^dry_run_executor = .*$/m, 'dry_run_executor = "own-thread"');
    writeFileSync(path.join(dir, f), text);
  }
  const r = await startBot(['--duration', '12s', '--dislocation-every-ms', '0', '--config', path.join(dir, 'arbitrage.toml')], dislocateOnStart(60));
  t.equal(r.code, 0, `exit code 0 (stderr: ${r.stderr.slice(-500)})`);
  const entries = journal(r.runDir);
  const start = entries.find((e) => e.type === 'run_start')!;
  t.equal(start.config.engine.dry_run_executor, 'own-thread', 'the own-thread layout ran');
  t.ok(entries.filter((e) => e.type === 'round_opened').length > 0, 'rounds opened');
  const finals = new Map<number, string>();
  for (const e of entries) if (e.type === 'report') finals.set(e.order_id, e.status);
  for (const i of entries.filter((e) => e.type === 'intent')) {
    t.ok(['filled', 'canceled', 'rejected', 'expired'].includes(finals.get(i.order_id) ?? 'none'), `order ${i.order_id} resolved`);
  }
});

t.test('SIGTERM mid-run: orderly stop, no journal line lost or torn', async (t) => {
  let killed = false;
  const r = await startBot(['--dislocation-every-ms', '300'], (line, child) => {
    if (!killed && line.includes('"connected"')) {
      killed = true;
      setTimeout(() => child.kill('SIGTERM'), 3000);
    }
  });
  t.equal(r.code, 0, `clean exit after SIGTERM (stderr: ${r.stderr.slice(-300)})`);
  const entries = journal(r.runDir);
  const end = entries[entries.length - 1]!;
  t.equal(end.type, 'run_end', 'run_end is the last line');
  t.match(String(end.reason), /SIGTERM/);
  const intents = new Set(entries.filter((e) => e.type === 'intent').map((e) => e.order_id));
  const reported = new Set(entries.filter((e) => e.type === 'report').map((e) => e.order_id));
  for (const id of intents) t.ok(reported.has(id), `intent ${id} has its reports in the journal`);
});
