/**
 * Bybit v5 WebSocket authentication on the simulator (VENUES.md C [BB-websocket/wss-
 * authentication]), shared by `/v5/trade` and `/v5/private`:
 * `{"op":"auth","args":["<apiKey>",<expires ms>,"<hex HMAC_SHA256(secret, "GET/realtime"+expires)>"]}`.
 * Codes: 10003 unknown key, 10004 bad signature, 10002 expired, 20001 repeat auth.
 */
import { bybitWsAuthSignature } from '../venues/bybit/sign.js';
import type { SimAccount } from './order-entry-book.js';
import { serverMs, type OrderEntryContext } from './order-entry.js';

export interface WsAuthResult {
  account: SimAccount | null;
  retCode: number;
  retMsg: string;
}

export function bybitWsAuth(ctx: OrderEntryContext, args: unknown, already: boolean): WsAuthResult {
  if (already) return { account: null, retCode: 20001, retMsg: 'Repeat auth' };
  if (!Array.isArray(args) || args.length < 3) return { account: null, retCode: 10001, retMsg: 'Params Error: auth needs [apiKey, expires, signature]' };
  const [apiKey, expires, sig] = args as [unknown, unknown, unknown];
  const account = typeof apiKey === 'string' ? ctx.accounts.get(apiKey) : undefined;
  if (account === undefined) return { account: null, retCode: 10003, retMsg: 'Invalid apikey' };
  const exp = Number(expires);
  if (!Number.isFinite(exp) || exp < serverMs(ctx.clock)) return { account: null, retCode: 10002, retMsg: 'Params Error: the request is expired' };
  if (typeof sig !== 'string' || sig.toLowerCase() !== bybitWsAuthSignature(account.secretKey, exp)) {
    return { account: null, retCode: 10004, retMsg: 'Invalid sign' };
  }
  return { account, retCode: 0, retMsg: 'OK' };
}
