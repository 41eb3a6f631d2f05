/**
 * The dashboard in a real headless browser (Debian's chromium via playwright-core), served by a
 * running bot trading against the simulator: the page's charts receive live data (read from
 * the page's own data, not pixels), the frame rate is bounded, a halt from the page's control
 * halts the bot and `xarb ctl resume` resumes it; /metrics of the running bot parses strictly.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { startRunningBot, waitFor } from '../helpers/running-bot.js';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';
import { parseExposition, valueOf } from './exposition-parser.js';

t.setTimeout(400_000);

interface PageData {
  frames: number;
  points: number;
  spreadPoints: number;
  finiteSpreads: number;
  equityPoints: number;
  chartPoints: number;
  posPoints: number;
  hops: string[];
  feeds: string[];
  state: string;
}

/** What the test reads from the page (the project has no DOM typings: the browser's globals, loosely). */
function readPage(): PageData {
  const g = globalThis as unknown as {
    xarb: { frames: number; t: number[]; spreads: Record<string, { bnToBy: Array<number | null> }>; equity: Array<number | null>; lat: { hops: string[] };
      last: { feeds: Array<{ venue: string; state: string }> }; charts: { spread: Record<string, { data: unknown[][] }>; pos: { data: unknown[][] } } };
    document: { getElementById(id: string): { textContent: string | null } | null };
  };
  const x = g.xarb;
  const sp = x.spreads['BTCUSDT']!.bnToBy;
  return {
    frames: x.frames, points: x.t.length, spreadPoints: sp.length, finiteSpreads: sp.filter((v) => v !== null && Number.isFinite(v)).length,
    equityPoints: x.equity.filter((v) => v !== null).length, chartPoints: x.charts.spread['BTCUSDT']!.data[0]!.length,
    posPoints: x.charts.pos.data[1]!.length, hops: x.lat.hops, feeds: x.last.feeds.map((f) => `${f.venue}:${f.state}`),
    state: g.document.getElementById('state')?.textContent ?? '',
  };
}

t.test('dashboard against a running bot', { timeout: 380_000, skip: existsSync(CHROMIUM_PATH) ? false : `no browser at ${CHROMIUM_PATH} (apt-get install chromium; .ci/run installs it)` }, async (t) => {
  const bot = await startRunningBot({ args: ['--duration', '0', '--dislocation-every-ms', '2000'] });
  t.teardown(() => bot.stop());
  const chrome = await launchChromium();
  t.teardown(() => chrome.close());
  const status = async () => (await (await fetch(`${bot.monitorUrl}/status`)).json()) as Record<string, any>;

  const page = await chrome.newPage({ width: 1440, height: 900 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${bot.monitorUrl}/`);
  await page.waitForFunction(() => (globalThis as unknown as { xarb?: { frames: number } }).xarb?.frames !== undefined
    && (globalThis as unknown as { xarb: { frames: number } }).xarb.frames >= 8, undefined, { timeout: 60_000 });
  const a = await page.evaluate(readPage);
  const t0 = Date.now();
  // Live data: the series keep growing while the page is open, with real spreads from both books.
  // The strategy thread reports its positions and equity once its warm-up is over, which on a
  // loaded 2-core host can be 15 s after the feeds' spreads are on the chart: wait for both.
  const b = await waitFor('spreads from both venues, positions and equity on the charts', async () => {
    const d = await page.evaluate(readPage);
    return d.finiteSpreads >= 8 && d.frames >= a.frames + 8 && d.posPoints > 0 && d.equityPoints > 0 ? d : undefined;
  }, 120_000);
  const elapsed = Date.now() - t0;
  t.ok(b.points > a.points, `the series grew (${a.points} -> ${b.points} points)`);
  t.ok(b.chartPoints >= b.points - 1, 'the spread chart holds the series');
  t.ok(b.posPoints > 0 && b.equityPoints > 0, 'positions and equity are plotted');
  t.ok(b.frames - a.frames <= Math.ceil(elapsed / 250) + 4, `frames are bounded at 4 Hz (${b.frames - a.frames} in ${elapsed} ms)`);
  t.ok(b.hops.length > 0, `latency hops from the data: ${b.hops.join(', ')}`);
  t.same(b.feeds.sort(), ['binance:ok', 'bybit:ok']);
  t.equal(b.state, 'TRADING');
  // The page's control halts the bot.
  await page.fill('#reason', 'browser test halt');
  await page.click('button[data-action="halt"]');
  const halted = await waitFor('the bot halted', async () => { const s = await status(); return s['halted'] === true ? s : undefined; });
  t.match(halted['halt_reason'], /browser test halt/);
  await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } | null } })
    .document.getElementById('state')?.textContent === 'HALTED', undefined, { timeout: 15_000 });
  const alerts = await waitFor('the halted alert', async () => { const s = await status(); return (s['alerts'] as Array<{ kind: string }>).some((x) => x.kind === 'halted') ? true : undefined; });
  t.ok(alerts, 'the halt is an alert');
  // Resume needs a reason; `xarb ctl` gives it.
  await page.fill('#reason', '');
  await page.click('button[data-action="resume"]');
  await page.waitForFunction(() => (globalThis as unknown as { xarb: { control: Array<{ action: string; status: number }> } }).xarb.control.some((c) => c.action === 'resume'), undefined, { timeout: 10_000 });
  t.same(await page.evaluate(() => (globalThis as unknown as { xarb: { control: unknown[] } }).xarb.control), [{ action: 'halt', status: 200, ok: true }, { action: 'resume', status: 400, ok: false }]);
  const ctl = spawnSync(process.execPath, [XARB_BIN, 'ctl', 'resume', '--reason', 'test over', '--url', bot.monitorUrl], { cwd: REPO_ROOT, encoding: 'utf8' });
  t.equal(ctl.status, 0, ctl.stderr);
  await waitFor('the bot resumed', async () => ((await status())['halted'] === false ? true : undefined));
  const st = spawnSync(process.execPath, [XARB_BIN, 'ctl', 'status', '--url', bot.monitorUrl], { cwd: REPO_ROOT, encoding: 'utf8' });
  t.equal(st.status, 0);
  t.match(JSON.parse(st.stdout), { type: 'status', halted: false }, 'piped: the status as a JSON line');
  t.match(st.stderr, /trading/, 'and the text on stderr');
  t.match(st.stderr, /BTCUSDT: spread bn>by/);

  // /metrics of the running bot, strictly parsed.
  const metrics = parseExposition(await (await fetch(`${bot.monitorUrl}/metrics`)).text());
  t.equal(valueOf(metrics, 'xarb_feed_connected', { venue: 'binance' }), 1);
  t.equal(metrics.get('xarb_feed_frames_total')?.type, 'counter');
  t.equal(metrics.get('xarb_ring_dropped_total')?.type, 'counter');
  t.equal(valueOf(metrics, 'xarb_halted'), 0);
  t.ok(metrics.has('xarb_latency_seconds') && metrics.has('xarb_latency_window_seconds'), 'latency histogram and window summary');
  t.ok(metrics.has('process_cpu_seconds_total') && metrics.has('nodejs_eventloop_lag_p99_seconds'), 'process metrics');

  t.same(pageErrors, [], 'no script error in the page');
  t.equal(await bot.stop(), 0, `orderly exit (${bot.stderr().slice(-300)})`);
  const journal = readFileSync(path.join(bot.runDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(journal.filter((e) => e['type'] === 'risk' && e['rule'] === 'operator').map((e) => [e['action'], e['detail']]),
    [['halt', 'browser test halt'], ['resume', 'test over']], 'operator actions journaled with their reasons');
  t.ok(journal.some((e) => e['type'] === 'alert' && e['kind'] === 'halted' && e['state'] === 'firing'), 'the halted alert journaled');
});
