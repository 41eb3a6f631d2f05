/**
 * Alert delivery by webhook: one JSON POST per notified transition to each configured target,
 * in the shape the target expects:
 *   json      the whole alert ({ source, run_id, state, kind, key, severity, message, ... })
 *   slack     { text }                       (Slack incoming webhooks, Mattermost, Discord's /slack)
 *   telegram  { chat_id, text }              (Bot API sendMessage)
 * At most `maxPerMinute` posts per minute over all targets (a sliding minute); the rest are
 * dropped and counted, never queued without bound. One retry on a network error or a 5xx.
 * URLs carry tokens (Slack's and Telegram's do): they are never logged, only the target kind.
 */
import { request } from 'undici';
import { alertText, type AlertTransition } from './alerts.js';

export type WebhookFormat = 'json' | 'slack' | 'telegram';

export interface WebhookTarget {
  format: WebhookFormat;
  url: string;
  /** telegram only. */
  chatId?: string;
}

export interface WebhookCounters {
  sent: number;
  failed: number;
  dropped: number;
}

const TIMEOUT_MS = 5000;
const RETRY_DELAY_MS = 1000;

export function webhookPayload(target: WebhookTarget, tr: AlertTransition, runId: string): unknown {
  const text = alertText(tr, runId);
  switch (target.format) {
    case 'slack':
      return { text: `${tr.state === 'firing' ? (tr.alert.severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:'} ${text}` };
    case 'telegram':
      return { chat_id: target.chatId, text, disable_web_page_preview: true };
    case 'json': {
      const a = tr.alert;
      return {
        source: 'xarb', run_id: runId, state: tr.state, kind: a.kind, key: a.key, severity: a.severity, message: a.message,
        value: a.value ?? null, fired_at: new Date(a.firedAtMs).toISOString(),
        resolved_at: tr.state === 'resolved' ? new Date(tr.atMs).toISOString() : null, text,
      };
    }
  }
}

export class WebhookSender {
  readonly counters: WebhookCounters = { sent: 0, failed: 0, dropped: 0 };
  private readonly sentAt: number[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly targets: readonly WebhookTarget[],
    private readonly runId: string,
    private readonly maxPerMinute: number,
    private readonly onError: (format: WebhookFormat, message: string) => void,
  ) {}

  get enabled(): boolean {
    return this.targets.length > 0;
  }

  send(tr: AlertTransition, nowMs: number): void {
    for (const t of this.targets) {
      while (this.sentAt.length > 0 && nowMs - this.sentAt[0]! >= 60_000) this.sentAt.shift();
      if (this.sentAt.length >= this.maxPerMinute) {
        this.counters.dropped++;
        continue;
      }
      this.sentAt.push(nowMs);
      const p = this.post(t, JSON.stringify(webhookPayload(t, tr, this.runId))).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** Waits for the posts in flight (at shutdown), at most `timeoutMs`. */
  async drain(timeoutMs = TIMEOUT_MS): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
    clearTimeout(timer);
  }

  private async post(t: WebhookTarget, body: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let error: string;
      try {
        const res = await request(t.url, {
          method: 'POST', body, headers: { 'content-type': 'application/json' },
          headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS,
        });
        await res.body.dump();
        if (res.statusCode < 300) { this.counters.sent++; return; }
        error = `HTTP ${res.statusCode}`;
        if (res.statusCode < 500) { this.fail(t, error); return; }
      } catch (e) {
        error = (e as Error).message.replaceAll(t.url, '<url>');
      }
      if (attempt === 0) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      else this.fail(t, error);
    }
  }

  private fail(t: WebhookTarget, message: string): void {
    this.counters.failed++;
    this.onError(t.format, message);
  }
}

/** The targets configured in [monitor.alerts]. */
export function webhookTargets(c: { webhook_url: string; slack_webhook_url: string; telegram_url: string; telegram_chat_id: string }): WebhookTarget[] {
  const out: WebhookTarget[] = [];
  if (c.webhook_url !== '') out.push({ format: 'json', url: c.webhook_url });
  if (c.slack_webhook_url !== '') out.push({ format: 'slack', url: c.slack_webhook_url });
  if (c.telegram_url !== '') out.push({ format: 'telegram', url: c.telegram_url, chatId: c.telegram_chat_id });
  return out;
}
