/**
 * Rules of [monitor] between keys: the monitor serves PnL, positions and a halt/flatten
 * control, so anything but loopback must be protected by a bearer token, and alert webhooks
 * must be URLs a POST can go to. Secrets (token, webhook URLs) never appear in a message.
 */
import type { ConfigProblem } from './problems.js';

/** 127.0.0.0/8, ::1 and "localhost": the only binds allowed without monitor.token. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}

export const MIN_TOKEN_LENGTH = 16;

export function checkMonitor(main: Record<string, unknown>, file: string, problems: ConfigProblem[]): void {
  const m = main['monitor'] as Record<string, unknown> | undefined;
  if (m === undefined) return;
  const host = m['host'] as string;
  const token = m['token'] as string;
  if (m['enabled'] !== false && !isLoopbackHost(host) && token === '') {
    problems.push({
      file, path: 'monitor.token',
      expected: `a bearer token of at least ${MIN_TOKEN_LENGTH} characters when monitor.host is not loopback (${JSON.stringify(host)} exposes PnL, positions and the halt/flatten control to the network)`,
      found: 'an empty string',
    });
  } else if (token !== '' && token.length < MIN_TOKEN_LENGTH) {
    problems.push({ file, path: 'monitor.token', expected: `at least ${MIN_TOKEN_LENGTH} characters`, found: `${token.length} characters` });
  }
  const alerts = m['alerts'] as Record<string, unknown> | undefined;
  if (alerts === undefined) return;
  for (const key of ['webhook_url', 'slack_webhook_url', 'telegram_url'] as const) {
    const url = alerts[key] as string;
    if (url === '') continue;
    let ok = false;
    try {
      const u = new URL(url);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch { /* reported below */ }
    if (!ok) problems.push({ file, path: `monitor.alerts.${key}`, expected: 'an http:// or https:// URL, or ""', found: 'something else (not shown: it may hold a token)' });
  }
  if ((alerts['telegram_url'] as string) !== '' && (alerts['telegram_chat_id'] as string) === '') {
    problems.push({ file, path: 'monitor.alerts.telegram_chat_id', expected: 'the chat id to post to when monitor.alerts.telegram_url is set', found: 'an empty string' });
  }
}
