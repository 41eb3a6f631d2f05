/**
 * deploy/ stays true to the code: every metric the Grafana dashboard and the Prometheus rules
 * query is one xarb exports, the scrape target is the default monitor port, and the compose
 * file passes the token the non-loopback bind requires.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAccumulator } from '../../src/core/hist-collector.js';
import { LatencyWindow } from '../../src/monitor/latency-window.js';
import { formatMetrics } from '../../src/monitor/metrics.js';
import { ProcessStats } from '../../src/monitor/process-stats.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { parseExposition } from './exposition-parser.js';

const read = (f: string) => readFileSync(path.join(REPO_ROOT, 'deploy', f), 'utf8');

function exportedNames(): Set<string> {
  const lw = new LatencyWindow();
  const h = buildAccumulator();
  h.recordValue(1000);
  lw.add([{ tag: 'tick_to_wire', startMs: 0, endMs: 1000, histogram: h }]);
  const stats = { equity: 1, realized_pnl: 1, round_pnl: 1, legging_pnl: 0, fees: 0, drawdown_ratio: 0, halted: 0, flattening: 0, open_rounds: 0, live_orders: 0,
    roundsClosed: 1, ordersSent: 1, rejects: 0, gc_minor: 1, gc_major: 0, gc_incremental: 0, gc_pause_ms: 1, gc_max_pause_ms: 1 };
  const text = formatMetrics({
    runId: 'r', mode: 'dry-run', uptimeS: 1, symbols: ['BTCUSDT'], venues: ['binance', 'bybit'],
    actors: [{ name: 'strategy', kind: 'strategy', alive: true, restarts: 0, stats },
      { name: 'feed:binance', kind: 'feed', alive: true, restarts: 0, stats: { connected: 1, framesIn: 1, disconnects: 0, gaps: 0, badFrames: 1, bad_json: 1 } }],
    rings: { intents: { capacity: 8, written: 0, read: 0, depth: 0, dropped: 0, fullWaits: 0, timeouts: 0 } },
    spreads: [{ symbol: 'BTCUSDT', bnToBy: 1, byToBn: 1 }], latency: lw, latencyErrors: new Map(), process: new ProcessStats('.').sample(),
    alerts: [], alertCounters: { fired: 0, resolved: 0, suppressed: 0 }, webhooks: { sent: 0, failed: 0, dropped: 0 }, journalErrors: 0,
  });
  const names = new Set<string>();
  for (const f of parseExposition(text).values()) for (const s of f.samples) names.add(s.name);
  return names;
}

function queriedNames(text: string): string[] {
  return [...new Set(text.match(/\b(xarb_[a-z0-9_]+|process_[a-z_]+|nodejs_[a-z0-9_]+)\b/g) ?? [])];
}

t.test('the Grafana dashboard and the Prometheus rules query only metrics xarb exports', async (t) => {
  const names = exportedNames();
  const dashboard = JSON.parse(read('grafana/dashboards/xarb.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  t.ok(dashboard.panels.length >= 10);
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr)).join('\n');
  const used = [...queriedNames(exprs), ...queriedNames(read('prometheus-rules.yml'))];
  t.ok(used.length > 15, `${used.length} metric names queried`);
  for (const n of used) t.ok(names.has(n), `${n} is exported`);
});

t.test('scrape config, compose file and Dockerfile agree with the monitor', async (t) => {
  const prom = read('prometheus.yml');
  t.match(prom, /targets: \["xarb:9464"\]/, 'the default monitor.port');
  t.match(prom, /type: Bearer/);
  const compose = read('docker-compose.yml');
  t.match(compose, /XARB_MONITOR_TOKEN: \$\{XARB_MONITOR_TOKEN:\?/, 'the token is required');
  t.match(compose, /"127\.0\.0\.1:9464:9464"/, 'published on loopback only');
  const docker = read('Dockerfile');
  t.match(docker, /host = "0\.0\.0\.0"/);
  t.match(docker, /s\/\^# token = \/token = \//, 'the container config enables the token');
  t.match(readFileSync(path.join(REPO_ROOT, 'config', 'arbitrage.toml'), 'utf8'), /^# token = "\$\{XARB_MONITOR_TOKEN\}"/m, 'the line the Dockerfile uncomments');
});
