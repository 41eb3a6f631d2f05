/**
 * Starts the bot on the in-process simulator and sends SIGTERM at a chosen start-up step; then
 * checks the stop was orderly. Shared by the early-signal tests (one file per step, so each
 * stays within tap's per-file timeout on a loaded machine).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { readJournal } from '../../src/report/journal.js';

interface Ended { code: number | null; signal: NodeJS.Signals | null; stdout: string }

/** Starts the bot and sends SIGTERM as soon as a stdout line matches `when`. */
export function startAndSignal(runs: string, when: RegExp): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XARB_BIN, '--venues', 'sim', '--duration', '60s', '--runs-dir', runs, '--no-status'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no exit; stdout: ${out.slice(-500)}`)); }, 60_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && when.test(out)) { sent = true; child.kill('SIGTERM'); }
    });
    child.stderr.resume();
    child.on('exit', (code, signal) => { clearTimeout(guard); resolve({ code, signal, stdout: out }); });
  });
}

/** SIGTERM when stdout matches `when`: the bot exits 0 by itself and leaves no run or a complete one. */
export async function checkOrderlyStop(t: Test, when: RegExp): Promise<void> {
  const runs = mkdtempSync(path.join(tmpdir(), 'xarb-sig-'));
  t.teardown(() => rmSync(runs, { recursive: true, force: true }));
  const r = await startAndSignal(runs, when);
  t.equal(r.signal, null, 'not killed by the signal: handled');
  t.equal(r.code, 0, 'exit 0');
  const dirs = existsSync(runs) ? readdirSync(runs) : [];
  t.ok(dirs.length <= 1, 'at most one run');
  for (const d of dirs) {
    const file = path.join(runs, d, 'journal.jsonl');
    if (!existsSync(file)) { t.fail(`${d}: a run directory without a journal`); continue; }
    const j = readJournal(file);
    t.equal(j.entries[0]?.type, 'run_start');
    t.match(j.entries[j.entries.length - 1], { type: 'run_end', reason: 'signal SIGTERM' }, 'the journal is complete');
  }
}
