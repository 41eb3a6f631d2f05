/**
 * `xarb ctl halt|resume|flatten|status`: the operator's control of a running bot, over its
 * monitor (POST /halt, /resume, /flatten; GET /status). Where the bot listens and its token come
 * from the same config file the bot was started with (--config), or --url and --token /
 * XARB_MONITOR_TOKEN. Exit codes: 0 done, 1 refused by the bot or not reachable, 2 usage.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { request } from 'undici';
import { ConfigError, formatProblem, loadConfig } from '../config/index.js';
import { emit, outputMode } from './output.js';

const USAGE = `usage: xarb ctl halt|resume|flatten|status [--reason TEXT] [--config FILE | --url URL] [--token T] [--json]

  halt      stop new entries (open rounds still hedge and close)
  resume    lift the halt; --reason is required (why is it safe to trade again?)
  flatten   halt and unwind every open exposure
  status    spreads, positions, PnL, halts, latency and firing alerts of the running bot

  --reason TEXT   journaled with the action (halt/flatten default: "operator <action> via xarb ctl")
  --config FILE   the bot's arbitrage.toml: monitor.host, monitor.port and monitor.token
                  (default config/arbitrage.toml when it exists)
  --url URL       the monitor's base URL instead (e.g. http://127.0.0.1:9464)
  --token T       bearer token (default: $XARB_MONITOR_TOKEN, else monitor.token of --config)
  --json          print the bot's JSON answer as one line, no text (the default when
                  stdout is not a terminal; the text then goes to stderr)
  -h, --help      this help`;

const ACTIONS = ['halt', 'resume', 'flatten', 'status'] as const;
type Action = (typeof ACTIONS)[number];

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        reason: { type: 'string' }, config: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`xarb ctl: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) { process.stdout.write(USAGE + '\n'); return 0; }
  const action = parsed.positionals[0] as Action | undefined;
  if (action === undefined || !ACTIONS.includes(action) || parsed.positionals.length > 1) {
    process.stderr.write(`xarb ctl: expected one of ${ACTIONS.join('|')}${action !== undefined ? `, got "${parsed.positionals.join(' ')}"` : ''}\n${USAGE}\n`);
    return 2;
  }
  if (action === 'resume' && (v.reason ?? '').trim() === '') {
    process.stderr.write('xarb ctl: resume needs --reason "why it is safe to trade again"\n');
    return 2;
  }
  const target = resolveTarget(v.url, v.config, v.token);
  if (typeof target === 'string') { process.stderr.write(`xarb ctl: ${target}\n`); return 2; }

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token !== '') headers['authorization'] = `Bearer ${target.token}`;
  let status: number;
  let text: string;
  try {
    const res = await request(`${target.url}/${action}`, {
      method: action === 'status' ? 'GET' : 'POST', headers, headersTimeout: 5000, bodyTimeout: 5000,
      body: action === 'status' ? undefined : JSON.stringify({ reason: v.reason ?? `operator ${action} via xarb ctl` }),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    process.stderr.write(`xarb ctl: no bot answering at ${target.url} (${(e as Error).message}); is it running, with monitor.enabled = true?\n`);
    return 1;
  }
  if (status === 401) {
    process.stderr.write(`xarb ctl: ${target.url} refused the token (${target.token === '' ? 'none given' : 'wrong token'}); pass --token or set XARB_MONITOR_TOKEN\n`);
    return 1;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    process.stderr.write(`xarb ctl: unexpected answer from ${target.url} (HTTP ${status}): ${text.slice(0, 200)}\n`);
    return 1;
  }
  emit(outputMode(v.json === true), { ...body, type: action === 'status' ? 'status' : 'control', action, http_status: status },
    action === 'status' ? formatStatus(body) : `${body['ok'] ? 'ok' : 'refused'}: ${String(body['message'])}\n`);
  return status === 200 && (action === 'status' || body['ok'] === true) ? 0 : 1;
}

function resolveTarget(url: string | undefined, config: string | undefined, token: string | undefined): { url: string; token: string } | string {
  const envToken = process.env['XARB_MONITOR_TOKEN'] ?? '';
  if (url !== undefined) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return `--url must be http(s), got "${url}"`;
    } catch {
      return `--url is not a URL: "${url}"`;
    }
    return { url: url.replace(/\/+$/, ''), token: token ?? envToken };
  }
  const file = config ?? 'config/arbitrage.toml';
  if (config === undefined && !existsSync(file)) return 'give --url URL or --config FILE (no config/arbitrage.toml here)';
  try {
    const cfg = loadConfig(file, { mode: 'dry-run' });
    const host = cfg.monitor.host === '0.0.0.0' ? '127.0.0.1' : cfg.monitor.host === '::' ? '::1' : cfg.monitor.host;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${cfg.monitor.port}`, token: token ?? (envToken !== '' ? envToken : cfg.monitor.token) };
  } catch (e) {
    if (e instanceof ConfigError) return `cannot read ${file}:\n${e.problems.map(formatProblem).join('\n')}`;
    throw e;
  }
}

function fmt(x: unknown, digits = 2): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** The /status summary as a few readable lines. */
export function formatStatus(s: Record<string, unknown>): string {
  const lines: string[] = [];
  const pnl = (s['pnl'] ?? {}) as Record<string, unknown>;
  const rounds = (s['rounds'] ?? {}) as Record<string, unknown>;
  lines.push(`run ${String(s['run_id'])} (${String(s['mode'])}), up ${String(s['uptime_s'])} s: ${s['halted'] ? `HALTED (${String(s['halt_reason'])})` : 'trading'}${s['stopping'] ? ', stopping' : ''}`);
  lines.push(`pnl realized ${fmt(pnl['realized'])} (rounds ${fmt(pnl['round'])}, legging ${fmt(pnl['legging'])}, fees ${fmt(pnl['fees'])}), equity ${fmt(pnl['equity'])}; rounds ${String(rounds['closed'] ?? 0)} closed, ${String(rounds['open'] ?? 0)} open`);
  for (const [sym, v] of Object.entries((s['symbols'] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
    lines.push(`${sym}: spread bn>by ${fmt(v['spread_bps']?.['binance_to_bybit'], 1)} by>bn ${fmt(v['spread_bps']?.['bybit_to_binance'], 1)} bps (threshold ${fmt(v['threshold_bps'] as unknown, 1)}), `
      + `edge ${fmt(v['edge_bps']?.['binance_to_bybit'], 1)}/${fmt(v['edge_bps']?.['bybit_to_binance'], 1)} bps, position ${Object.entries(v['position'] ?? {}).map(([k, x]) => `${k} ${fmt(x, 6)}`).join(', ')}`);
  }
  for (const [venue, v] of Object.entries((s['venues'] ?? {}) as Record<string, Record<string, unknown>>)) {
    const bal = (v['balance'] ?? {}) as { quote?: number; base?: Record<string, number> };
    lines.push(`${venue}: ${String(v['state'])}, books ${String(v['books'])}, quote ${fmt(bal.quote)}${Object.entries(bal.base ?? {}).map(([k, x]) => `, ${k} ${fmt(x, 6)}`).join('')}`);
  }
  const lat = (s['latency'] ?? {}) as { headline?: string | null; hops?: Record<string, { p50_us: number | null; p99_us: number | null }> };
  const hops = Object.entries(lat.hops ?? {});
  if (hops.length > 0) lines.push(`latency (last minute): ${hops.map(([h, x]) => `${h}${h === lat.headline ? '*' : ''} p50 ${fmt(x.p50_us, 1)}µs p99 ${fmt(x.p99_us, 1)}µs`).join('; ')}`);
  const alerts = (s['alerts'] ?? []) as Array<{ kind: string; severity: string; message: string }>;
  lines.push(alerts.length === 0 ? 'alerts: none firing' : `alerts: ${alerts.map((a) => `${a.severity} ${a.kind}: ${a.message}`).join('; ')}`);
  return lines.join('\n') + '\n';
}
