/**
 * Test helper: a local webhook server on loopback that records every alert POSTed to it (the
 * JSON payload of monitor/webhook.ts), closed at teardown.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hook { state: string; kind: string; key: string; message: string }

export interface HookServer {
  /** Where the bot posts: put it in monitor.alerts.webhook_url. */
  url: string;
  received: Hook[];
  /** The states delivered for `key`, in order (e.g. ['firing', 'resolved']). */
  deliveries(key: string): string[];
}

export async function startHookServer(t: { teardown(fn: () => Promise<void>): void }): Promise<HookServer> {
  const received: Hook[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => { received.push(JSON.parse(body) as Hook); res.writeHead(204).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    deliveries: (key) => received.filter((h) => h.key === key).map((h) => h.state),
  };
}
