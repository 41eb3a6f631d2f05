/**
 * The monitor: a small uWebSockets.js HTTP server on the main thread (never on the hot path).
 *   GET /metrics  Prometheus text exposition (latency summaries, counters)
 *   GET /status   JSON status (feeds, spreads, rounds, PnL)
 *   GET /health   "ok" while the supervisor is running
 * Loopback by default; it exposes no secrets and accepts no commands.
 */
import uWS from 'uWebSockets.js';

export interface MonitorSources {
  metrics(): string;
  status(): unknown;
}

export interface MonitorHandle {
  port: number;
  url: string;
  stop(): void;
}

export class MonitorError extends Error {
  override readonly name = 'MonitorError';
}

export function startMonitor(host: string, port: number, sources: MonitorSources): Promise<MonitorHandle> {
  const app = uWS.App();
  const send = (res: uWS.HttpResponse, type: string, body: string) => {
    res.cork(() => {
      res.writeStatus('200 OK').writeHeader('Content-Type', type).end(body);
    });
  };
  app.get('/metrics', (res) => send(res, 'text/plain; version=0.0.4; charset=utf-8', sources.metrics()));
  app.get('/status', (res) => send(res, 'application/json', JSON.stringify(sources.status())));
  app.get('/health', (res) => send(res, 'text/plain', 'ok\n'));
  app.any('/*', (res) => {
    res.cork(() => res.writeStatus('404 Not Found').end('not found: try /metrics, /status, /health\n'));
  });
  return new Promise((resolve, reject) => {
    app.listen(host, port, (listenSocket) => {
      if (!listenSocket) {
        reject(new MonitorError(`monitor could not listen on ${host}:${port} (port in use or not permitted)`));
        return;
      }
      const actual = uWS.us_socket_local_port(listenSocket);
      resolve({
        port: actual,
        url: `http://${host}:${actual}`,
        stop: () => {
          uWS.us_listen_socket_close(listenSocket);
        },
      });
    });
  });
}
