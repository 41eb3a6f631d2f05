/**
 * Paper/backtest agreement end to end: the bot trades a simulated session with --record, then
 * a backtest replays that recording as the session ran (--compare: the session's executor
 * latency and seed, fills on the received book, its strategy's start; src/backtest/session-replay.ts)
 * and scores its round_opened decisions against the session's. The exact reproduction without
 * host delay is tests/backtest/session-replay.test.ts; here the host's scheduler is in the loop.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function xarb(args: string[], timeoutMs: number): Promise<Ran> {
  const child = spawn(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

// The replay follows the session's strategy trace (its reads, orders and reports at the times
// its host allowed), so the host's delay is replayed; what it cannot replay (a board written
// later than its frame was stamped) is listed as a divergence and parts the session's state
// from the replay's for a while (cause host_lag). Measured: 100 % under load average 26-31
// (docs/backtest.md). The test asserts a floor that a starved host still clears and reports the
// figure; no timing is asserted.
const SHARE_FLOOR = 0.5;
/** Below this many session rounds the share says little (a starved host may barely trade). */
const MIN_ROUNDS_FOR_FLOOR = 5;

t.test('a backtest over a recorded paper session reproduces its rounds and reports the share matched', async (t) => {
  const runs = mkdtempSync(path.join(os.tmpdir(), 'xarb-agree-'));
  // The shipped config but for the feed-lag gate: on a loaded 2-core host (the suite runs two
  // files at once) the recorded receive times lag the exchange times by more than the 500 ms
  // default, and the backtest would (rightly) refuse every book; that gate has its own tests.
  const cfgDir = mkdtempSync(path.join(os.tmpdir(), 'xarb-agree-cfg-'));
  for (const f of ['arbitrage.toml', 'binance.toml', 'bybit.toml']) {
    let text = readFileSync(path.join(REPO_ROOT, 'config', f), 'utf8');
    if (f === 'arbitrage.toml') text = text.replace(/^\[risk\]$/m, '[risk]\nmax_feed_lag_ms = 60000');
    writeFileSync(path.join(cfgDir, f), text);
  }
  const cfgFile = path.join(cfgDir, 'arbitrage.toml');
  const paper = await xarb(['--mode', 'dry-run', '--config', cfgFile, '--venues', 'sim', '--duration', '15s', '--record',
    '--runs-dir', runs, '--run-id', 'paper', '--monitor-port', '0', '--no-status', '--dislocation-every-ms', '500'], 90_000);
  t.equal(paper.code, 0, `paper run exits 0 (stderr: ${paper.stderr.slice(-400)})`);
  const paperDir = path.join(runs, 'paper');
  const data = path.join(paperDir, 'data');
  // The recording is the store layout the backtest reads: one day file per venue and symbol.
  const days = new Set<string>();
  for (const venue of ['binance', 'bybit']) {
    const dir = path.join(data, venue, 'spot', 'BTCUSDT');
    t.ok(existsSync(dir), `${venue} recorded`);
    for (const f of existsSync(dir) ? readdirSync(dir) : []) days.add(f.slice(0, 10));
  }
  t.ok(days.size >= 1, `recorded day files: ${[...days].join(', ')}`);
  const sorted = [...days].sort();
  const opened = readFileSync(path.join(paperDir, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"round_opened"')).length;
  // A starved host can keep the strategy thread in its warm-up for seconds (seen: 8.5 s of an
  // 8 s session): then there is nothing to score, which is reported, not failed.
  if (opened === 0) t.comment('the session opened no round: its strategy thread barely ran (see publish_to_strategy above)');

  const bt = await xarb(['--mode', 'dry-run', '--config', cfgFile, '--start-date', sorted[0]!, '--end-date', sorted[sorted.length - 1]!,
    '--data', data, '--compare', path.join(paperDir, 'journal.jsonl'),
    '--runs-dir', runs, '--run-id', 'replay', '--no-progress'], 90_000);
  t.equal(bt.code, 0, `backtest exits 0 (stderr: ${bt.stderr.slice(-400)})`);
  // stdout is a pipe: the report is a JSON line there, the text on stderr.
  t.match(bt.stderr, /paper\/backtest agreement/, 'the agreement is printed after the backtest report');
  t.match(bt.stderr, opened > 0 ? /share of session rounds: \d+\.\d %/ : /share of session rounds: n\/a/);
  const file = path.join(runs, 'replay', 'agreement.json');
  t.ok(existsSync(file), 'agreement.json in the backtest run dir');
  const a = JSON.parse(readFileSync(file, 'utf8'));
  t.equal(a.session_rounds, opened, 'every session round is scored');
  t.equal(a.matched + a.missed_session_rounds, a.session_rounds);
  t.equal(a.matched + a.extra_backtest_rounds, a.backtest_rounds);
  t.ok(a.tolerance_ms > 0 && /latency\.hlog/.test(a.tolerance_source), `tolerance ${a.tolerance_ms} ms from the session's latency log`);
  t.equal(a.replay, 'session', 'replayed as the session ran');
  // --record wrote what the strategy thread read and when: the replay follows it and scores strictly
  t.ok(existsSync(path.join(data, 'strategy-trace.bin')), 'the recording holds the strategy trace');
  t.ok(a.replay_trace !== null && a.replay_trace.readsMatched > 0, 'the replay used the session\'s strategy trace');
  t.match(a.criterion, /^strict/, 'strict criterion: the same quote, at the same time, the same qty');
  t.same(a.config_differences, [], 'the same config on both sides');
  t.match(bt.stderr, /latency: the session's dry-run executor: entry constant 1 ms, response constant 1 ms, seed \d+ \(run_start\)/);
  t.comment(`agreement: ${a.matched}/${a.session_rounds} session rounds matched (${(a.share_matched * 100).toFixed(1)} %, ` +
    `${a.matched_same_trigger} on the same quote), ${a.extra_backtest_rounds} extra in the backtest; causes missed ${JSON.stringify(a.causes.missed)} ` +
    `extra ${JSON.stringify(a.causes.extra)}; divergences ${a.replay_trace?.divergence_count}; session decision lag p50 ${a.session_decision_lag_ms?.p50} ms max ${a.session_decision_lag_ms?.max} ms`);
  if (opened > 0 && a.matched < a.session_rounds) {
    // Not every round reproduced: say why in the log (the run dirs are kept under the tmp dir).
    t.comment(`not reproduced: ${JSON.stringify({ runs, backtest_rounds: a.backtest_rounds, outside_window: a.backtest_rounds_outside_window,
      window: a.window, replay_trace: a.replay_trace, missed: a.missed?.slice(0, 3), extra: a.extra?.slice(0, 3) })}`);
  }
  if (opened > 0) t.ok(a.matched > 0, 'rounds are reproduced');
  if (a.session_rounds >= MIN_ROUNDS_FOR_FLOOR) t.ok(a.share_matched >= SHARE_FLOOR, `share matched ${a.share_matched} >= ${SHARE_FLOOR}`);
});
