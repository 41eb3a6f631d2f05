/**
 * Request signing with node:crypto for the two key types xarb accepts (VENUES.md C):
 *
 * - HMAC-SHA256 with the API secret: lowercase hex. Binance REST / WS API per request, Bybit
 *   everywhere.
 * - Ed25519 with a private key (PEM, PKCS#8): base64. Binance's recommended key type: the
 *   WebSocket API session is logged on once (`session.logon`) and orders then need no
 *   per-request signature; REST fallback requests carry the base64 signature URL-encoded.
 *
 * Keys are loaded once at start (loadEd25519PrivateKey) and validated with a clear message
 * that never contains key material.
 */
import { createHash, createHmac, createPrivateKey, sign, type Hash, type KeyObject } from 'node:crypto';

export type KeyType = 'hmac' | 'ed25519';

export class KeyConfigError extends Error {
  override readonly name = 'KeyConfigError';
}

/**
 * Reads an Ed25519 private key from PEM text. `where` names the source for messages (a path
 * or a config key), never the content.
 */
export function loadEd25519PrivateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new KeyConfigError(`${where}: not a PEM private key (${(e as Error & { code?: string }).code ?? 'unreadable'})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyConfigError(`${where}: the key is ${key.asymmetricKeyType ?? 'of an unknown type'}, expected an Ed25519 private key`);
  }
  return key;
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

export function ed25519Base64(key: KeyObject, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), key).toString('base64');
}

/**
 * HMAC-SHA256 with its key absorbed once (RFC 2104: the inner and outer hashes primed with
 * key ⊕ ipad and key ⊕ opad at construction): a request costs two hash-state copies and two
 * short updates, not an Hmac object keyed anew (`npm run bench -- sign`). Same output as
 * hmacHex(secret, payload).
 */
export class HmacSha256 {
  private readonly inner: Hash;
  private readonly outer: Hash;

  constructor(secret: string) {
    let key = Buffer.from(secret, 'utf8');
    if (key.length > 64) key = createHash('sha256').update(key).digest();
    const pad = Buffer.alloc(64);
    key.copy(pad);
    const ipad = Buffer.allocUnsafe(64);
    const opad = Buffer.allocUnsafe(64);
    for (let i = 0; i < 64; i++) {
      ipad[i] = pad[i]! ^ 0x36;
      opad[i] = pad[i]! ^ 0x5c;
    }
    this.inner = createHash('sha256').update(ipad);
    this.outer = createHash('sha256').update(opad);
  }

  hex(payload: string): string {
    return this.outer.copy().update(this.inner.copy().update(payload, 'utf8').digest()).digest('hex');
  }
}
