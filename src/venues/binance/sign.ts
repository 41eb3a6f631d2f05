/**
 * Binance HMAC-SHA256 signing (VENUES.md C; binance-spot-api-docs rest-api.md and
 * web-socket-api.md). Signatures are lowercase hex (Binance ignores hex case).
 */
import { createHmac } from 'node:crypto';

export type SignParams = Readonly<Record<string, string | number | boolean>>;

export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/**
 * Percent-encode every non-ASCII character (as its UTF-8 bytes, upper-case hex) and leave
 * ASCII untouched. Binance REST signs the payload after this step, and the request must send
 * the same encoded bytes.
 */
export function percentEncodeNonAscii(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out += ch;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** `k=v&…` in the given order, values URL-encoded (non-ASCII becomes %XX UTF-8). */
export function binanceQueryString(params: SignParams): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/**
 * REST signature: HMAC over query string + request body, concatenated with no separator,
 * after percent-encoding non-ASCII characters.
 */
export function binanceRestSignature(secret: string, queryString: string, body = ''): string {
  return hmacSha256Hex(secret, percentEncodeNonAscii(queryString) + percentEncodeNonAscii(body));
}

/** The full signed query string: `<query>&signature=<hex>` (no body). */
export function binanceSignedQuery(secret: string, params: SignParams): string {
  const q = percentEncodeNonAscii(binanceQueryString(params));
  return `${q}&signature=${hmacSha256Hex(secret, q)}`;
}

/** WS API payload: every param except `signature`, sorted by name, `k=v&…`, raw UTF-8. */
export function binanceWsApiPayload(params: SignParams): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}

export function binanceWsApiSignature(secret: string, params: SignParams): string {
  return hmacSha256Hex(secret, binanceWsApiPayload(params));
}
