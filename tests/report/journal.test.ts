import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ASSET_BASE, ROLE_LEG_BUY, SIDE_BUY, SIDE_SELL, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_PARTIAL, ST_REJECTED,
  ST_SENT, TIF_IOC, VENUE_BINANCE, VENUE_BYBIT,
} from '../../src/core/records.js';
import {
  Journal, JournalError, isIntentEntry, isReportEntry, isRiskEntry, journalPath, readJournal, reportType,
} from '../../src/report/journal.js';

/** The type of a subtest's `t` (tap's last test() overload takes just the callback). */
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

function tmpDir(t: TapTest): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-journal-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const fixedClock = { wallMs: () => 1_700_000_000_000, monoNs: () => 42 };

t.test('lines are {t, ns, type, ...fields} JSON, one per append, under runs/<run-id>/journal.jsonl', async (t) => {
  const dir = tmpDir(t);
  const j = Journal.forRun('run-1', dir, { clock: fixedClock, symbolNames: ['BTCUSDT'] });
  t.equal(j.path, path.join(dir, 'run-1', 'journal.jsonl'));
  j.intent(7, 3, VENUE_BINANCE, 0, SIDE_BUY, 101.5, 0.25, TIF_IOC, ROLE_LEG_BUY, 10, 20, 5);
  j.report(7, 3, VENUE_BINANCE, 0, SIDE_BUY, ST_FILLED, 101.5, 101.25, 0.25, 0.25, 0.25, 0.00025, ASSET_BASE, 0,
    ROLE_LEG_BUY, 11, 15, 5);
  j.risk('halt', { reason: 'max_drawdown', drawdown: 0.051 });
  j.append('note', { t: 'ignored', text: 'hello' }, 99, 1234);
  j.close();
  j.close();
  t.throws(() => j.append('fill'), JournalError, 'append after close is an error');

  const raw = fs.readFileSync(j.path, 'utf8').split('\n');
  t.equal(raw.length, 5, 'four lines and the final newline');
  t.match(raw[0], /^\{"t":1700000000000,"ns":42,"type":"intent",/, 't, ns, type come first');

  const { entries, partialLastLine, errors } = readJournal(j.path);
  t.equal(partialLastLine, null);
  t.same(errors, []);
  t.equal(entries.length, 4);
  const [intent, fill, risk, note] = entries;
  t.ok(isIntentEntry(intent!));
  t.match(intent, { type: 'intent', orderId: 7, pairId: 3, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 101.5, qty: 0.25, decisionNs: 10 });
  t.ok(isReportEntry(fill!));
  t.match(fill, { type: 'fill', ns: 15, status: 'filled', lastPx: 101.25, feeAsset: 'base', sentNs: 11, ackNs: 15 });
  t.ok(isRiskEntry(risk!));
  t.match(risk, { type: 'risk', event: 'halt', reason: 'max_drawdown' });
  t.match(note, { t: 1234, ns: 99, type: 'note', text: 'hello' }, 'explicit time wins; a field named t does not override it');
});

t.test('report line types follow the order status', async (t) => {
  t.same([ST_SENT, ST_ACKED, ST_PARTIAL, ST_FILLED, ST_CANCELED, ST_REJECTED, ST_EXPIRED].map(reportType),
    ['order', 'ack', 'fill', 'fill', 'cancel', 'reject', 'expire']);
  const dir = tmpDir(t);
  const j = new Journal(path.join(dir, 'j.jsonl'), { clock: fixedClock });
  j.report(1, 1, VENUE_BYBIT, 3, SIDE_SELL, ST_REJECTED, 100, 0, 0, 0, 1, 0, 1, 170131, 2, 5, 0, 1);
  j.close();
  const e = readJournal(j.path).entries[0]!;
  t.match(e, { type: 'reject', venue: 'bybit', symbol: 3, side: 'sell', errorCode: 170131, feeAsset: 'quote', ns: 42 },
    'no ackNs: the clock stamps it; unknown symbol names stay ids');
});

t.test('appends to an existing journal; non-finite numbers become null', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'deep', 'er', 'j.jsonl');
  const a = new Journal(file, { clock: fixedClock });
  a.append('x', { v: 1 });
  a.close();
  const b = new Journal(file, { clock: fixedClock });
  b.append('y', { v: NaN }, Infinity);
  b.close();
  const r = readJournal(file);
  t.same(r.entries.map((e) => [e.type, e['v'], e.ns]), [['x', 1, 42], ['y', null, null]]);
});

t.test('readJournal reports a torn last line and bad lines instead of crashing', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'torn.jsonl');
  fs.writeFileSync(file, [
    '{"t":1,"ns":1,"type":"ack","orderId":1}',
    'garbage',
    '[1,2]',
    '{"t":2,"type":"fill"}',
    '',
    '{"t":3,"ns":3,"type":"fill","orderId":1}',
    '{"t":4,"ns":4,"ty',
  ].join('\n'));
  const r = readJournal(file);
  t.same(r.entries.map((e) => e.t), [1, 3]);
  t.equal(r.partialLastLine, '{"t":4,"ns":4,"ty');
  t.same(r.errors.map((e) => e.line), [2, 3, 4]);
  t.throws(() => readJournal(path.join(dir, 'missing.jsonl')), JournalError);
  t.throws(() => journalPath('runs', '../escape'), JournalError);
});

/**
 * A child process appends journal lines as fast as it can and prints each line's number to
 * stdout after append() returned (its claim). The test kills it mid-run with a signal (no
 * handler installed: the default disposition, which runs no JavaScript) and checks that every
 * claimed line is in the file, in order, and that the file does not end in a torn line.
 */
async function killMidRun(t: TapTest, signal: NodeJS.Signals): Promise<void> {
  const dir = tmpDir(t);
  const file = path.join(dir, 'run', 'journal.jsonl');
  const journalModule = new URL('../../src/report/journal.js', import.meta.url).href;
  const child = `
    import { Journal } from ${JSON.stringify(journalModule)};
    const j = new Journal(process.argv[1]);
    const pad = 'x'.repeat(120);
    let i = 0;
    const LIMIT = 200000; // bound: the test kills long before this
    function batch() {
      for (let k = 0; k < 100 && i < LIMIT; k++, i++) {
        j.append('fill', { seq: i, orderId: i, lastPx: 101.25, lastQty: 0.5, pad });
        process.stdout.write(i + '\\n'); // synchronous for pipes on Linux
      }
      if (i < LIMIT) setImmediate(batch);
    }
    batch();
  `;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killed = false;
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, sig) => resolve({ code, sig }));
  });
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!killed && out.length > 20_000) { // a few thousand lines claimed: well into the run
      killed = true;
      proc.kill(signal);
    }
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000); // bounded even if something goes wrong
  const { code, sig } = await exited;
  clearTimeout(timer);
  t.equal(err, '', 'child wrote no errors');
  t.ok(killed, 'the test sent the signal');
  t.equal(sig, signal, `child died of ${signal} (exit code ${code})`);

  const claims = out.split('\n');
  claims.pop(); // a claim cut short by the kill is no claim
  const lastClaim = Number(claims[claims.length - 1]);
  t.ok(lastClaim > 100, `child claimed lines 0..${lastClaim}`);
  t.ok(lastClaim < 200000 - 1, 'killed before it finished');

  const r = readJournal(file);
  t.equal(r.partialLastLine, null, 'no torn last line');
  t.same(r.errors, [], 'every line parses');
  t.ok(r.entries.length >= lastClaim + 1, `all ${lastClaim + 1} claimed lines present (${r.entries.length} in the file)`);
  t.ok(r.entries.length <= lastClaim + 2, 'at most the one line being claimed when the signal landed is extra');
  let inOrder = true;
  for (let i = 0; i < r.entries.length; i++) if (r.entries[i]!['seq'] !== i) inOrder = false;
  t.ok(inOrder, 'lines 0..n, in order, none missing');
}

t.test('no claimed line is lost when the writer gets SIGTERM mid-run', (t) => killMidRun(t, 'SIGTERM'));
t.test('no claimed line is lost when the writer gets SIGINT mid-run', (t) => killMidRun(t, 'SIGINT'));

t.test('journal module path used by the child exists (compiled layout)', async (t) => {
  t.ok(fs.existsSync(fileURLToPath(new URL('../../src/report/journal.js', import.meta.url))));
});
