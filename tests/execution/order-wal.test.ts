/**
 * The write-ahead order journal: a send is on disk before the call returns (a child process
 * killed with SIGKILL mid-stream loses none of the orders it announced), finals pair with
 * their sends, a line cut short is skipped and counted, and the runs folder reader tells
 * crashed runs (no run_end) from clean ones and lists their in-flight orders.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inFlight, inReservedBlock, OrderWal, readOrderWal, WAL_FILE } from '../../src/execution/order-wal.js';
import { journalEnded, readEarlierRuns } from '../../src/execution/earlier-runs.js';

const tmp = (t: { teardown(f: () => void): void }): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'xarb-wal-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};

t.test('sends and finals read back; in-flight orders are the ones without a final', async (t) => {
  const dir = tmp(t);
  const w = new OrderWal(dir);
  w.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 60001.2, qty: 0.01, timestampMs: 1000 });
  w.send({ clientOrderId: 'xabcdef01-2', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60010, qty: 0.01, timestampMs: 1001 });
  w.final('binance', 'xabcdef01-1', 'FILLED', 0.01);
  w.final('bybit', 'nobody', 'Filled', 1);
  w.close();
  const r = readOrderWal(path.join(dir, WAL_FILE));
  t.same(r.orders.map((o) => [o.clientOrderId, o.final]), [['xabcdef01-1', { status: 'FILLED', cumQty: 0.01 }], ['xabcdef01-2', null]]);
  t.equal(r.strayFinals, 1);
  t.same(inFlight(r.orders).map((o) => o.clientOrderId), ['xabcdef01-2']);
  t.same(r.orders[1], { clientOrderId: 'xabcdef01-2', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 60010, qty: 0.01, sentMs: 1001, final: null });
});

t.test('reserved id blocks are synced lines the reader returns; sends are plain writes unless asked', async (t) => {
  const dir = tmp(t);
  const w = new OrderWal(dir);
  w.reserve('xabcdef01', 1, 1024);
  w.send({ clientOrderId: 'xabcdef01-1', venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 1, qty: 1, timestampMs: 1 });
  w.close();
  const r = readOrderWal(path.join(dir, WAL_FILE));
  t.same(r.reserved, [{ tag: 'xabcdef01', from: 1, to: 1024 }]);
  t.ok(inReservedBlock(r.reserved, 'xabcdef01-1024'));
  t.notOk(inReservedBlock(r.reserved, 'xabcdef01-1025'));
  t.notOk(inReservedBlock(r.reserved, 'xother-5'));
  t.notOk(inReservedBlock(r.reserved, 'nodash'));
});

t.test('a line cut short by a crash is skipped and counted; a missing file is empty', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, WAL_FILE);
  fs.writeFileSync(file, '{"k":"send","cid":"xa-1","v":"binance","s":"BTCUSDT","side":"buy","p":1,"q":1,"ts":1}\n{"k":"send","cid":"xa-2","v":"bin');
  const r = readOrderWal(file);
  t.equal(r.orders.length, 1);
  t.equal(r.badLines, 1);
  t.same(readOrderWal(path.join(dir, 'nope.wal')), { orders: [], reserved: [], badLines: 0, strayFinals: 0 });
});

t.test('lines appended to a WAL that ends in a cut line start on a line of their own; the reader reads past the cut line', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, WAL_FILE);
  fs.writeFileSync(file, '{"k":"send","cid":"xa-1","v":"binance","s":"BTCUSDT","side":"buy","p":1,"q":1,"ts":1}\n{"k":"send","cid":"xa-2","v":"bin');
  const wal = new OrderWal(dir);
  wal.send({ clientOrderId: 'xa-3', venue: 'bybit', symbol: 'BTCUSDT', side: 'sell', price: 2, qty: 1, timestampMs: 2 });
  wal.final('bybit', 'xa-3', 'FILLED', 1);
  wal.close();
  const r = readOrderWal(file);
  t.same(r.orders.map((o) => [o.clientOrderId, o.final?.cumQty ?? null]), [['xa-1', null], ['xa-3', 1]], 'the orders before and after the cut line');
  t.equal(r.badLines, 1, 'only the cut line is bad');
  const whole = new OrderWal(dir);
  whole.close();
  t.equal(fs.readFileSync(file, 'utf8').split('\n').length, 5, 'a WAL that ends in a newline gets no empty line');
});

t.test('kill -9 while sending: every order announced as sent is in the WAL', async (t) => {
  const dir = tmp(t);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const walModule = path.resolve(here, '../../src/execution/order-wal.js');
  const script = `import { OrderWal } from ${JSON.stringify(walModule)};
const w = new OrderWal(${JSON.stringify(dir)});
for (let i = 1; i <= 100000; i++) {
  w.send({ clientOrderId: 'xk-' + i, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 1, qty: 1, timestampMs: i });
  process.stdout.write('sent ' + i + '\\n');
}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > 50 && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  const announced = out.split('\n').filter((l) => l.startsWith('sent ')).map((l) => 'xk-' + l.slice(5));
  t.ok(announced.length >= 50, `announced ${announced.length}`);
  const r = readOrderWal(path.join(dir, WAL_FILE));
  const onDisk = new Set(r.orders.map((o) => o.clientOrderId));
  t.ok(announced.every((id) => onDisk.has(id)), 'no announced order missing from the WAL');
  t.ok(r.badLines <= 1, 'at most the line being written was cut');
});

t.test('the runs folder: crashed runs (no run_end) and clean ones, the run starting now excluded', async (t) => {
  const runs = tmp(t);
  const mk = (id: string, journal: string[], wal: boolean): void => {
    fs.mkdirSync(path.join(runs, id));
    fs.writeFileSync(path.join(runs, id, 'journal.jsonl'), journal.map((l) => l + '\n').join(''));
    if (wal) {
      const w = new OrderWal(path.join(runs, id), false);
      w.send({ clientOrderId: `${id}-1`, venue: 'binance', symbol: 'BTCUSDT', side: 'buy', price: 1, qty: 1, timestampMs: 1 });
      w.close();
    }
  };
  mk('a-clean', ['{"t":1,"ns":1,"type":"run_start"}', '{"t":2,"ns":2,"type":"run_end","reason":"duration elapsed"}'], true);
  mk('b-crashed', ['{"t":1,"ns":1,"type":"run_start"}', '{"t":2,"ns":2,"type":"intent"}'], true);
  mk('c-now', ['{"t":1,"ns":1,"type":"run_start"}'], false);
  mk('d-resumed', ['{"t":1,"ns":1,"type":"run_start"}', '{"t":2,"ns":2,"type":"run_end"}', '{"t":3,"ns":3,"type":"run_resumed"}'], false);
  fs.mkdirSync(path.join(runs, 'empty'));
  const r = readEarlierRuns(runs, 'c-now');
  t.same(r.runs.map((x) => [x.runId, x.ended, x.orders.length]), [['a-clean', true, 1], ['b-crashed', false, 1], ['d-resumed', false, 0]]);
  t.notOk(journalEnded(path.join(runs, 'missing.jsonl')));
  t.same(readEarlierRuns(path.join(runs, 'nope')).runs, []);
});
