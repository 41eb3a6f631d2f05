/**
 * Bybit v5 HMAC-SHA256 signing (VENUES.md C; bybit-exchange/docs docs/v5/guide.mdx and
 * websocket/wss-authentication). Lowercase hex.
 */
import { createHmac } from 'node:crypto';

function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/**
 * REST sign string: timestamp + apiKey + recvWindow + (GET: the query string, POST: the exact
 * JSON body string sent). Sign the bytes you send: never re-serialise the body afterwards.
 */
export function bybitRestSignString(timestampMs: number | string, apiKey: string, recvWindow: number | string, queryOrBody: string): string {
  return `${timestampMs}${apiKey}${recvWindow}${queryOrBody}`;
}

export function bybitRestSignature(secret: string, timestampMs: number | string, apiKey: string, recvWindow: number | string, queryOrBody: string): string {
  return hmacSha256Hex(secret, bybitRestSignString(timestampMs, apiKey, recvWindow, queryOrBody));
}

/** Headers of a signed REST request. */
export function bybitRestHeaders(
  secret: string,
  apiKey: string,
  timestampMs: number,
  recvWindow: number,
  queryOrBody: string,
): Record<string, string> {
  return {
    'X-BAPI-API-KEY': apiKey,
    'X-BAPI-TIMESTAMP': String(timestampMs),
    'X-BAPI-RECV-WINDOW': String(recvWindow),
    'X-BAPI-SIGN': bybitRestSignature(secret, timestampMs, apiKey, recvWindow, queryOrBody),
    'Content-Type': 'application/json',
  };
}

/** WS auth sign string: "GET/realtime" + expires (ms). */
export function bybitWsAuthSignString(expiresMs: number): string {
  return `GET/realtime${expiresMs}`;
}

export function bybitWsAuthSignature(secret: string, expiresMs: number): string {
  return hmacSha256Hex(secret, bybitWsAuthSignString(expiresMs));
}

/** `{"op":"auth","args":["<apiKey>",<expires>,"<sig>"]}` */
export function bybitWsAuthMessage(apiKey: string, secret: string, expiresMs: number): string {
  return JSON.stringify({ op: 'auth', args: [apiKey, expiresMs, bybitWsAuthSignature(secret, expiresMs)] });
}
