/**
 * Faults of the simulated WebSocket order APIs (Binance WS API, Bybit /v5/trade), for tests
 * and benchmarks of the executor's failover:
 *
 * - `drop`: the next order request is executed, then the connection is closed before the
 *   answer is sent (the order exists; its answer is lost with the connection).
 * - `swallow`: the next order request is executed and never answered (a stalled session).
 * - `error`: the next order request is not executed; the answer is the venue's "status
 *   unknown" error (Binance -1007, Bybit 10016).
 * - `refuse`: new connections are refused (HTTP 503 on the upgrade) until `refuseUntil`
 *   (real ms, Date.now()); open ones are closed.
 */
import type { TemplatedApp } from 'uWebSockets.js';
import { readBody, sendJson } from './http-util.js';

export type WsApiFaultKind = 'drop' | 'swallow' | 'error' | 'refuse';

export class WsApiFaults {
  drop = 0;
  swallow = 0;
  error = 0;
  refuseUntil = 0;
  /** Order requests each fault hit (for the soak's figures). */
  readonly applied: Record<'drop' | 'swallow' | 'error', number> = { drop: 0, swallow: 0, error: 0 };
  /** Closes every open WS API connection of the venue (set by the API module). */
  closeAll: () => void = () => undefined;

  inject(kind: WsApiFaultKind, ms = 1000): void {
    switch (kind) {
      case 'drop':
        this.drop++;
        break;
      case 'swallow':
        this.swallow++;
        break;
      case 'error':
        this.error++;
        break;
      case 'refuse':
        this.refuseUntil = Date.now() + ms;
        this.closeAll();
        break;
      default:
        throw new RangeError(`unknown WS API fault "${String(kind)}" (drop, swallow, error, refuse)`);
    }
  }

  refusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  /** What to do with the next order request: 'answer', or the fault to apply (consumed). */
  next(): 'answer' | 'drop' | 'swallow' | 'error' {
    if (this.error > 0) {
      this.error--;
      this.applied.error++;
      return 'error';
    }
    if (this.drop > 0) {
      this.drop--;
      this.applied.drop++;
      return 'drop';
    }
    if (this.swallow > 0) {
      this.swallow--;
      this.applied.swallow++;
      return 'swallow';
    }
    return 'answer';
  }
}

/**
 * Arrival probe: the peer benchmark's venue process stamps each order's arrival here
 * (CLOCK_MONOTONIC, the same process that stamps the dislocating frames). Null = off.
 */
export const orderArrival: { hook: ((venue: 'binance' | 'bybit', clientOrderId: string, arrivedNs: bigint) => void) | null } = { hook: null };

/** The arrival stamp to pass to the hook: taken before any parsing, only when a probe listens. */
export function arrivalStamp(): bigint {
  return orderArrival.hook === null ? 0n : process.hrtime.bigint();
}

/**
 * `POST /__sim_ws_api/fault` on each venue's app, body `{"kind":"drop|swallow|error|refuse","ms":…}`:
 * injects a fault into that venue's WebSocket order API (for a simulator in another process).
 */
export function registerWsApiFaultRoute(apps: Record<'binance' | 'bybit', TemplatedApp>, faults: Record<'binance' | 'bybit', WsApiFaults>): void {
  for (const venue of ['binance', 'bybit'] as const) {
    apps[venue].post('/__sim_ws_api/fault', (res) => {
      readBody(res, 4096, (body) => {
        if (body === null) return;
        try {
          const spec = JSON.parse(body) as { kind?: WsApiFaultKind; ms?: number };
          faults[venue].inject(spec.kind as WsApiFaultKind, typeof spec.ms === 'number' ? spec.ms : 1000);
          sendJson(res, '200 OK', '{"ok":true}');
        } catch (e) {
          sendJson(res, '400 Bad Request', JSON.stringify({ ok: false, error: (e as Error).message }));
        }
      });
    });
  }
}
