/**
 * Alerts end to end: the bot against the simulator, the simulator's faults (disconnect, stall,
 * dislocation) and an operator halt fire the feed, book, spread and risk alerts; each is
 * delivered to a local webhook server once and then resolved once. (Every kind, system ones
 * included, is driven through the rules in alerts.test.ts.)
 *
 * The unusable book comes from the disconnect, not the stall: a silent feed is reconnected at
 * once (stale_feed_ms) and the venue's snapshot on resubscribe makes the book usable again
 * within milliseconds, too briefly for a once-a-second alert rule to see. The Binance feed's
 * reconnect back-off floor is raised (reconnect_min_ms 4000: at least 2 s down) so the
 * disconnected book stays unusable past book_unusable_ms whatever the jitter draws.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSet, shipped } from '../config/config-set.js';
import { startRunningBot, waitFor } from '../helpers/running-bot.js';
import { startHookServer } from '../helpers/webhook-server.js';

t.setTimeout(400_000);

t.test('simulator faults fire alerts, delivered once and resolved once', { timeout: 380_000 }, async (t) => {
  const { url: hookUrl, received, deliveries } = await startHookServer(t);

  const text = shipped('arbitrage.toml')
    .replace('stale_feed_ms = 5000', 'stale_feed_ms = 2500')
    .replace('spread_abs_bps = 150', `spread_abs_bps = 150\nwebhook_url = "${hookUrl}"\nevent_hold_ms = 3000\nsilent_feed_ms = 1200\nbook_unusable_ms = 1000\nrepeat_interval_ms = 60000`);
  const binance = shipped('binance.toml').replace('reconnect_min_ms = 250', 'reconnect_min_ms = 4000');
  const config = configSet(t, { 'arbitrage.toml': text, 'binance.toml': binance });
  const bot = await startRunningBot({ config, args: ['--duration', '0', '--dislocation-every-ms', '0'] });
  t.teardown(() => bot.stop());
  const fault = (spec: Record<string, unknown>) => fetch(`${bot.simUrl}/__sim/fault`, { method: 'POST', body: JSON.stringify(spec) });
  const status = async () => (await (await fetch(`${bot.monitorUrl}/status`)).json()) as Record<string, any>;
  const firedAndResolved = (key: string) => waitFor(`${key} fired and resolved`, () => (deliveries(key).length >= 2 ? true : undefined), 40_000);
  // Both books usable before the faults.
  await waitFor('both venues ok', async () => {
    const s = await status();
    return s['venues']?.binance?.state === 'ok' && s['venues']?.bybit?.state === 'ok' ? true : undefined;
  }, 120_000);

  await t.test('feed disconnect', async (t) => {
    t.equal((await fault({ kind: 'disconnect', venue: 'binance' })).status, 200);
    await firedAndResolved('feed_disconnected:binance');
    await firedAndResolved('book_unusable:binance:BTCUSDT');
    t.same(deliveries('feed_disconnected:binance'), ['firing', 'resolved']);
    t.same(deliveries('book_unusable:binance:BTCUSDT'), ['firing', 'resolved']);
  });
  await t.test('silent feed (a stall; the reconnect itself is tests/integration/feed-silent)', async (t) => {
    t.equal((await fault({ kind: 'stall', venue: 'bybit', durationMs: 5000 })).status, 200);
    await firedAndResolved('feed_silent:bybit');
    t.same(deliveries('feed_silent:bybit'), ['firing', 'resolved']);
  });
  await t.test('abnormal spread (a 400 bps dislocation)', async (t) => {
    // A halt first, so the bot does not trade the dislocation away (and it is the risk alert).
    t.equal((await fetch(`${bot.monitorUrl}/halt`, { method: 'POST', body: '{"reason":"alert test"}' })).status, 200);
    t.equal((await fault({ kind: 'dislocate', venue: 'binance', symbol: 'BTCUSDT', bps: 400, durationMs: 3000 })).status, 200);
    await waitFor('spread alert', () => (received.some((h) => h.kind === 'spread_abnormal' && h.state === 'resolved') ? true : undefined), 40_000);
    const keys = [...new Set(received.filter((h) => h.kind === 'spread_abnormal').map((h) => h.key))];
    t.ok(keys.length >= 1, `spread alert keys: ${keys.join(', ')}`);
    for (const k of keys) t.same(deliveries(k), ['firing', 'resolved'], k);
  });
  await t.test('risk: a halt, then its resolution on resume', async (t) => {
    t.equal((await fetch(`${bot.monitorUrl}/resume`, { method: 'POST', body: '{"reason":"alert test over"}' })).status, 200);
    await firedAndResolved('halted');
    t.same(deliveries('halted'), ['firing', 'resolved']);
    t.match(received.find((h) => h.key === 'halted')!.message, /alert test/);
  });
  t.equal(await bot.stop(), 0);
  const journal = readFileSync(path.join(bot.runDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const alerts = journal.filter((e) => e['type'] === 'alert').map((e) => `${e['key']} ${e['state']}`);
  for (const h of received) t.ok(alerts.includes(`${h.key} ${h.state}`), `journaled: ${h.key} ${h.state}`);
  t.ok(bot.lines.some((l) => l.includes('"level":55') && l.includes('feed_disconnected')), 'a log line at level alert (55)');
});
