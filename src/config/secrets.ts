/**
 * Which configuration values are secrets. They never appear in logs, error messages or the
 * printed configuration.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['api_key', 'secret_key', 'api_secret', 'secret', 'password', 'passphrase', 'private_key',
  // [monitor]: the bearer token, and webhook URLs (Slack's and Telegram's carry their tokens in the path).
  'token', 'webhook_url', 'slack_webhook_url', 'telegram_url']);

export const MASK = '****';

/** True for "auth", "auth.api_key", "x.secret_key", ...: everything under `auth` and every secret-named key. */
export function isSecretPath(path: string): boolean {
  const parts = path.replace(/\[\d+\]/g, '').split('.');
  return parts[0] === 'auth' || parts.some((p) => SECRET_KEYS.has(p));
}

/**
 * A deep copy with every non-empty secret replaced by "****" (and nothing else: no prefix or
 * suffix of the secret is kept). Empty secrets stay "" so one can see that a key is unset.
 */
export function maskSecrets<T>(value: T): T {
  return maskAt(value, false) as T;
}

function maskAt(value: unknown, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => maskAt(v, secret));
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskAt(v, secret || k === 'auth' || SECRET_KEYS.has(k));
    return out;
  }
  if (secret && typeof value === 'string') return value === '' ? '' : MASK;
  if (secret && value !== undefined && value !== null && typeof value !== 'object') return MASK;
  return value;
}
