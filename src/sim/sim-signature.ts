/**
 * The simulator's signature checks for accounts with either key type (VENUES.md C):
 * HMAC-SHA256 (hex, case ignored) with the account's secret, or Ed25519 (base64; in a REST
 * query or body it arrives URL-encoded) against the public key registered for the account,
 * as Binance does for self-generated Ed25519 keys.
 */
import { createHmac, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { SimAccount } from './order-entry-book.js';

const publicKeys = new WeakMap<SimAccount, KeyObject>();

/** Makes `account` an Ed25519 account: its requests must be signed with the matching private key. */
export function setAccountPublicKey(account: SimAccount, publicKeyPem: string): void {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new RangeError(`simulator account ${account.apiKey.slice(0, 4)}…: public key is ${key.asymmetricKeyType}, expected ed25519`);
  publicKeys.set(account, key);
}

export function accountKeyType(account: SimAccount): 'hmac' | 'ed25519' {
  return publicKeys.has(account) ? 'ed25519' : 'hmac';
}

/**
 * True when `sig` signs `payload` for `account`. `urlEncoded`: the signature was taken from a
 * urlencoded query/body (REST), so an Ed25519 base64 signature is percent-decoded first.
 */
export function verifyBinanceSignature(account: SimAccount, payload: string, sig: string, urlEncoded: boolean): boolean {
  const pub = publicKeys.get(account);
  if (pub === undefined) {
    return sig.toLowerCase() === createHmac('sha256', account.secretKey).update(payload, 'utf8').digest('hex');
  }
  let b64 = sig;
  if (urlEncoded) {
    try {
      b64 = decodeURIComponent(sig);
    } catch {
      return false;
    }
  }
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 64) return false;
  return verify(null, Buffer.from(payload, 'utf8'), pub, raw);
}
