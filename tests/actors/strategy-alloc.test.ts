/**
 * The strategy thread's per-quote path allocates nothing of its own: the strategy agent, the
 * strategy's decision (no pair: quotes inside the fees) and the dry-run executor sharing the
 * thread, driven by a synthetic feed through the real rings (bench/strategy-alloc.ts).
 *
 * What remains is the clock: one read per quote (the quote's read time: staleness, the
 * decision and publish_to_strategy latencies), and Node 20's performance.now() returns a fresh
 * 16-byte HeapNumber on every call. The bound is that read plus the per-second stats and
 * histogram posts spread over the quotes; before this guard the path made ~100 B per quote
 * (doubles boxed as arguments of calls V8 does not inline, a second clock read per quote).
 * Bytes, not time: the figure does not depend on the machine's load.
 *
 * What V8 makes of the code is not fully determined by the code: which functions its
 * background compiler inlines depends on when the type feedback is read, and about one process
 * in ten ends up with one more boxed double per quote (~33 B) for its whole life. So each
 * measurement runs in a fresh process (strategy-alloc-probe.ts), and the path passes when one of
 * up to three processes shows the bound. A path that allocates shows it in every process.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One HeapNumber (the clock read) and a little for the per-second posts. */
const MAX_BYTES_PER_QUOTE = 24;
const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'strategy-alloc-probe.js');

interface Probe { best: number; seen: string[]; pairsSent: number; quotes: number }

function probe(): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [PROBE, String(MAX_BYTES_PER_QUOTE)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
    let out = '';
    let err = '';
    c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    c.on('error', reject);
    c.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) { reject(new Error(`probe exited ${code}: ${err || out}`)); return; }
      resolve(JSON.parse(line) as Probe);
    });
  });
}

t.test('a quote that trades nothing allocates at most the clock read', async (t) => {
  const seen: string[] = [];
  let best = Infinity;
  for (let p = 0; p < 3 && best > MAX_BYTES_PER_QUOTE; p++) {
    const r = await probe();
    t.equal(r.pairsSent, 0, 'no pair: the per-quote path only');
    t.ok(r.quotes >= 60_000 + 31 * 2000, 'every quote reached the strategy');
    seen.push(`process ${p + 1}: ${r.seen.join(', ')}`);
    best = Math.min(best, r.best);
  }
  t.ok(best <= MAX_BYTES_PER_QUOTE, `B per quote by round: ${seen.join('; ')}; bound ${MAX_BYTES_PER_QUOTE}`);
});
