/**
 * Alerts: every kind fires from its condition, is delivered once to a local webhook server (in
 * the generic JSON, Slack and Telegram shapes), is not repeated while it holds, and is resolved
 * once when it clears; flapping is rate limited; the webhook budget is bounded.
 */
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertEngine, ALERT_KINDS, type AlertCondition, type AlertKind } from '../../src/monitor/alerts.js';
import { AlertRules, LAG_HOLD_MS, type AlertInputs } from '../../src/monitor/alert-rules.js';
import { WebhookSender, webhookPayload, webhookTargets } from '../../src/monitor/webhook.js';
import type { AlertsConfig } from '../../src/config/index.js';

const CFG: AlertsConfig = {
  enabled: true, webhook_url: '', slack_webhook_url: '', telegram_url: '', telegram_chat_id: '', repeat_interval_ms: 60_000, max_per_minute: 1000,
  event_hold_ms: 5000, feed_down_ms: 3000, silent_feed_ms: 4000, book_unusable_ms: 4000, spread_abs_bps: 150, spread_zscore: 0, spread_window_s: 60,
  drawdown: 0.03, exposure_fraction: 0.8, unresolved_order_ms: 10_000, event_loop_lag_ms: 200, gc_pause_ms: 300, memory_mb: 1024, disk_free_mb: 100,
};

/** A healthy bot at time `nowMs`; `frames` grows with time so feeds are not silent. */
function healthy(nowMs: number): AlertInputs {
  return {
    nowMs,
    feeds: [{ venue: 'binance', connected: true, framesIn: nowMs, disconnects: 0 }, { venue: 'bybit', connected: true, framesIn: nowMs, disconnects: 0 }],
    books: [{ venue: 'binance', symbol: 'BTCUSDT', usable: true }, { venue: 'bybit', symbol: 'BTCUSDT', usable: true }],
    spreads: [{ symbol: 'BTCUSDT', bnToBy: 2, byToBn: -3 }],
    strategy: { drawdown_ratio: 0, halted: 0, stopLossTriggers: 0, live_orders: 0, exposure_BTCUSDT: 0 },
    haltReason: '', positionLimit: 10, rings: [{ name: 'feed:binance', dropped: 0 }],
    eventLoopP99Ms: 5, gcMaxPauseMs: { main: 10, strategy: 10 }, rssMb: 200, diskFreeMb: 10_000, diskErrors: 0,
  };
}

/** Each kind's fault, applied to a healthy input (counters stay raised once raised, as real counters do). */
const FAULTS: Record<AlertKind, (x: AlertInputs) => void> = {
  feed_disconnected: (x) => { x.feeds[0]!.disconnects = 1; },
  feed_silent: (x) => { x.feeds[1]!.framesIn = 42; },
  book_unusable: (x) => { x.books[0]!.usable = false; },
  spread_abnormal: (x) => { x.spreads[0]!.bnToBy = 400; },
  drawdown: (x) => { x.strategy!['drawdown_ratio'] = 0.05; },
  exposure: (x) => { x.strategy!['exposure_BTCUSDT'] = -9; },
  stop_loss: (x) => { x.strategy!['stopLossTriggers'] = 1; },
  halted: (x) => { x.strategy!['halted'] = 1; x.haltReason = 'max_drawdown'; },
  circuit_breaker: (x) => { x.strategy!['breaker_open_bybit'] = 1; },
  unresolved_orders: (x) => { x.strategy!['live_orders'] = 2; },
  // The live executor's drift halt (run-checks.ts): its counter stays 1 until an operator resumes.
  balance_drift: (x) => { x.executor = { balance_drift: 1 }; },
  event_loop_lag: (x) => { x.eventLoopP99Ms = 900; },
  ring_drops: (x) => { x.rings[0]!.dropped = 17; },
  gc_pause: (x) => { x.gcMaxPauseMs['strategy'] = 800; },
  memory: (x) => { x.rssMb = 4096; },
  disk: (x) => { x.diskFreeMb = 12; },
};
/** Faults that are counters: once raised they stay raised (the alert resolves by time). */
const COUNTER_KINDS = new Set<AlertKind>(['feed_disconnected', 'stop_loss', 'ring_drops', 'gc_pause']);

interface Received { path: string; body: Record<string, unknown> }

async function hookServer(t: { teardown(fn: () => unknown): void }): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

t.test('every kind fires once, is delivered to each webhook shape once, and resolves once', async (t) => {
  const hook = await hookServer(t);
  t.equal(ALERT_KINDS.length, Object.keys(FAULTS).length, 'a fault for every kind');
  for (const kind of ALERT_KINDS) {
    await t.test(kind, async (t) => {
      hook.received.length = 0;
      const cfg = { ...CFG, webhook_url: `${hook.url}/json`, slack_webhook_url: `${hook.url}/slack`, telegram_url: `${hook.url}/bot123/sendMessage`, telegram_chat_id: '-100' };
      const rules = new AlertRules(cfg);
      const engine = new AlertEngine(cfg.repeat_interval_ms);
      const sender = new WebhookSender(webhookTargets(cfg), 'run-1', cfg.max_per_minute, (f, m) => t.fail(`${f}: ${m}`));
      let now = 0;
      const step = (faulted: boolean) => {
        const x = healthy(now);
        if (faulted) FAULTS[kind](x);
        for (const tr of engine.update(rules.evaluate(x), now)) sender.send(tr, now);
        now += 1000;
      };
      step(false); // baselines (counters, frame counts)
      // Hold the fault long enough for every held condition (the longest bound is 10 s); an
      // event (a counter that rose) fires at once and resolves after event_hold_ms by itself.
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        step(true);
        for (const a of engine.firing()) seen.add(a.kind);
      }
      t.same([...seen], [kind], 'this kind fired, and no other');
      // Clear it: counters stay where they got to; held states return to healthy.
      for (let i = 0; i < 8; i++) step(COUNTER_KINDS.has(kind));
      t.same(engine.firing(), [], 'resolved');
      await sender.drain();
      const json = hook.received.filter((r) => r.path === '/json').map((r) => r.body);
      t.same(json.map((b) => [b['kind'], b['state']]), [[kind, 'firing'], [kind, 'resolved']], 'one firing, one resolution');
      t.equal(json[0]!['source'], 'xarb');
      t.equal(json[0]!['run_id'], 'run-1');
      t.type(json[0]!['message'], 'string');
      t.equal(json[1]!['resolved_at'] !== null, true);
      const slack = hook.received.filter((r) => r.path === '/slack').map((r) => r.body);
      t.equal(slack.length, 2);
      t.match(slack[0]!['text'], new RegExp(`${kind}`));
      t.match(slack[1]!['text'], /RESOLVED/);
      const tg = hook.received.filter((r) => r.path === '/bot123/sendMessage').map((r) => r.body);
      t.same(tg.map((b) => b['chat_id']), ['-100', '-100']);
      t.match(tg[0]!['text'], /xarb run-1/);
      t.same(sender.counters, { sent: 6, failed: 0, dropped: 0 });
    });
  }
});

t.test('a condition that holds fires once; flapping within repeat_interval_ms is not notified again', async (t) => {
  const engine = new AlertEngine(60_000);
  const c: AlertCondition = { key: 'feed_silent:bybit', kind: 'feed_silent', severity: 'critical', message: 'silent' };
  t.equal(engine.update([c], 0).length, 1);
  for (let now = 1000; now < 10_000; now += 1000) t.equal(engine.update([c], now).length, 0, 'deduplicated');
  t.same(engine.update([], 10_000).map((x) => x.state), ['resolved']);
  t.equal(engine.update([c], 20_000).length, 0, 'fires again 20 s later: rate limited');
  t.equal(engine.update([], 21_000).length, 0, 'and its resolution too');
  t.equal(engine.suppressed, 1);
  t.same(engine.update([c], 70_000).map((x) => x.state), ['firing'], 'notified again after the interval');
});

t.test('the event-loop alert needs the lag to hold; start-up blips do not page anyone', async (t) => {
  const rules = new AlertRules(CFG);
  const lagging = (now: number, ms: number) => ({ ...healthy(now), eventLoopP99Ms: ms });
  t.same(rules.evaluate(lagging(0, 900)), []);
  t.same(rules.evaluate(lagging(1000, 5)), [], 'one slow second');
  for (let now = 2000; now < 2000 + LAG_HOLD_MS; now += 1000) t.same(rules.evaluate(lagging(now, 900)), []);
  t.same(rules.evaluate(lagging(2000 + LAG_HOLD_MS, 900)).map((c) => c.kind), ['event_loop_lag']);
});

t.test('abnormal spread by z-score when configured', async (t) => {
  const rules = new AlertRules({ ...CFG, spread_abs_bps: 0, spread_zscore: 5 });
  let fired = 0;
  for (let i = 0; i < 60; i++) {
    const x = healthy(i * 1000);
    x.spreads[0]!.bnToBy = (i % 2 === 0 ? 1 : -1) + (i === 59 ? 40 : 0);
    fired += rules.evaluate(x).filter((c) => c.kind === 'spread_abnormal').length;
  }
  t.equal(fired, 1, 'only the outlier');
});

t.test('the webhook budget drops beyond max_per_minute, counted', async (t) => {
  const hook = await hookServer(t);
  const sender = new WebhookSender([{ format: 'json', url: hook.url }], 'r', 2, () => undefined);
  const engine = new AlertEngine(0);
  const five = [0, 1, 2, 3, 4].map((i): AlertCondition => ({ key: `k${i}`, kind: 'memory', severity: 'warning', message: 'm' }));
  for (const tr of engine.update(five, 0)) sender.send(tr, 0);
  await sender.drain();
  t.same(sender.counters, { sent: 2, failed: 0, dropped: 3 });
  t.equal(hook.received.length, 2);
});

t.test('a failing webhook is counted and reported without its URL', async (t) => {
  const errors: string[] = [];
  const sender = new WebhookSender([{ format: 'slack', url: 'http://127.0.0.1:1/hooks/T0SECRET' }], 'r', 10, (f, m) => errors.push(`${f} ${m}`));
  const engine = new AlertEngine(0);
  for (const tr of engine.update([{ key: 'disk', kind: 'disk', severity: 'critical', message: 'x' }], 0)) sender.send(tr, 0);
  await sender.drain(10_000);
  t.equal(sender.counters.failed, 1);
  t.equal(errors.length, 1);
  t.notMatch(errors[0]!, /T0SECRET/);
  t.same(webhookPayload({ format: 'telegram', url: 'u', chatId: '7' }, engine.recent()[0]!, 'r'),
    { chat_id: '7', text: '[xarb r] CRITICAL disk: x', disable_web_page_preview: true });
});
