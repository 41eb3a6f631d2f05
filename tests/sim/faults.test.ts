import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startSimulator, parseFaultSpec, FaultSpecError } from '../../src/sim/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { TestClient } from './ws-client.js';

interface DiffEvent { U: number; u: number }

t.test('faults', async (t) => {
  const sim = await startSimulator({ seed: 31, symbols: ['BTCUSDT'], ratePerVenue: 4000, dislocationEveryMs: 0 });
  const clients: TestClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await sim.stop();
  });
  const open = async (url: string): Promise<TestClient> => {
    const c = new TestClient(url);
    clients.push(c);
    await c.opened();
    return c;
  };

  t.test('disconnect closes every connection of the venue, and only that venue', async (t) => {
    const bn = await open(sim.binanceUrl.ws + '/ws/btcusdt@bookTicker');
    const bb = await open(sim.bybitUrl.ws + '/v5/public/spot');
    sim.faults.inject({ kind: 'disconnect', venue: 'binance' });
    await bn.waitClosed();
    t.ok(bn.closed);
    t.notOk(bb.closed);
  });

  t.test('skip_seq on Binance makes U jump past the previous u + 1', async (t) => {
    const c = await open(sim.binanceUrl.ws + '/stream?streams=btcusdt@depth@100ms');
    await c.take(() => true, 1);
    const seen = c.frames.length;
    sim.faults.inject({ kind: 'skip_seq', venue: 'binance', symbol: 'BTCUSDT', gap: 500 });
    const events = (await c.take(() => true, seen + 3)).map((f) => (JSON.parse(f) as { data: DiffEvent }).data);
    const gaps = events.slice(1).filter((e, i) => e.U !== events[i]!.u + 1);
    t.equal(gaps.length, 1, 'exactly one gap');
    t.ok(gaps[0]!.U > 500, 'and it skips ids');
  });

  t.test('skip_seq on Bybit makes u jump by more than one', async (t) => {
    const c = await open(sim.bybitUrl.ws + '/v5/public/spot');
    c.send({ op: 'subscribe', args: ['orderbook.50.BTCUSDT'] });
    await c.take((f) => f.startsWith('{"topic"'), 2);
    const before = c.frames.length;
    sim.faults.inject({ kind: 'skip_seq', venue: 'bybit', gap: 100 });
    await c.take((f) => f.startsWith('{"topic"'), before + 3);
    const us = c.frames.filter((f) => f.startsWith('{"topic"')).map((f) => (JSON.parse(f) as { data: { u: number } }).data.u);
    const jumps = us.slice(1).filter((u, i) => u - us[i]! > 1);
    t.ok(c.frames.length > before);
    t.equal(jumps.length, 1, 'one jump in u');
  });

  t.test('malformed frames arrive on both venues, over the HTTP control API too', async (t) => {
    const bn = await open(sim.binanceUrl.ws + '/ws/btcusdt@bookTicker');
    const bb = await open(sim.bybitUrl.ws + '/v5/public/spot');
    const res = await fetch(sim.binanceUrl.rest + '/__sim/fault', { method: 'POST', body: JSON.stringify({ kind: 'malformed', venue: 'binance' }) });
    t.equal(res.status, 200);
    sim.faults.inject({ kind: 'malformed', venue: 'bybit', variant: 'nan' });
    const unparsable = (f: string): boolean => {
      try { JSON.parse(f); return false; } catch { return true; }
    };
    const [trunc] = await bn.take(unparsable, 1);
    t.ok(trunc!.length > 0, 'a truncated JSON frame');
    const [nan] = await bb.take((f) => f.includes('"NaN"'), 1);
    t.ok(nan);
    const bad = await fetch(sim.bybitUrl.rest + '/__sim/fault', { method: 'POST', body: '{"kind":"explode","venue":"bybit"}' });
    t.equal(bad.status, 400);
  });

  t.test('duplicate re-sends the last frame; stall stops a stream without a sequence gap', async (t) => {
    const c = await open(sim.binanceUrl.ws + '/stream?streams=btcusdt@depth@100ms');
    await c.take(() => true, 1);
    sim.faults.inject({ kind: 'duplicate', venue: 'binance' });
    sim.faults.inject({ kind: 'stall', venue: 'binance', durationMs: 300 });
    const frames = await c.take(() => true, 6);
    const events = frames.map((f) => (JSON.parse(f) as { data: DiffEvent }).data);
    t.ok(frames.some((f, i) => i > 0 && f === frames[i - 1]), 'a frame arrives twice');
    const unique = events.filter((e, i) => i === 0 || e.u !== events[i - 1]!.u);
    for (let i = 1; i < unique.length; i++) t.equal(unique[i]!.U, unique[i - 1]!.u + 1, 'contiguous across the stall');
  });

  t.test('fault descriptions are checked', async (t) => {
    t.throws(() => parseFaultSpec({ kind: 'stall', venue: 'binance' }), FaultSpecError);
    t.throws(() => parseFaultSpec({ kind: 'disconnect', venue: 'kraken' }), FaultSpecError);
    t.throws(() => sim.faults.inject({ kind: 'dislocate', venue: 'bybit', symbol: 'DOGEUSDT', bps: 20 }), FaultSpecError);
    t.match(parseFaultSpec({ kind: 'dislocate', venue: 'bybit', symbol: 'btcusdt', bps: 20 }), { symbol: 'BTCUSDT', bps: 20 });
  });
});

t.test('a scheduled fault fires at its simulated time', async (t) => {
  const sim = await startSimulator({ seed: 2, symbols: ['BTCUSDT'], ratePerVenue: 500, faults: [{ atMs: 100, kind: 'disconnect', venue: 'bybit' }] });
  const c = new TestClient(sim.bybitUrl.ws + '/v5/public/spot');
  t.teardown(async () => {
    c.close();
    await sim.stop();
  });
  await c.waitClosed();
  t.equal(sim.faults.log.length, 1);
  t.equal(sim.faults.log[0]!.spec.kind, 'disconnect');
});

t.test('stop() leaves nothing open: a process that starts, uses and stops the simulator exits', async (t) => {
  const script = `
    import { startSimulator } from ${JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', 'sim', 'index.js'))};
    import WebSocket from 'ws';
    const sim = await startSimulator({ ratePerVenue: 1000 });
    const ws = new WebSocket(sim.bybitUrl.ws + '/v5/public/spot');
    await new Promise((r) => ws.once('open', r));
    await fetch(sim.binanceUrl.rest + '/api/v3/depth?symbol=BTCUSDT');
    await sim.stop();
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 8000, encoding: 'utf8' });
  t.equal(r.error, undefined, 'did not hit the 8 s bound');
  t.equal(r.status, 0, r.stderr);
});
