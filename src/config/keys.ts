/**
 * Live-mode checks of an Ed25519 key (`auth.key_type = "ed25519"`): the venue must accept that
 * key type (Binance does; Bybit signs with HMAC or RSA), exactly one of `private_key_path`
 * (resolved against the venue file's folder and rewritten to an absolute path) and
 * `private_key` (PEM text, usually "${VAR}") is given, and it is a readable Ed25519 private
 * key. Messages name the file, the key and what is wrong, never key material.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { REDACTED, type ConfigProblem } from './problems.js';

export function checkEd25519Key(auth: Record<string, unknown>, file: string, absFile: string, venue: string, problems: ConfigProblem[]): void {
  const push = (p: string, expected: string, found: string): void => void problems.push({ file, path: p, expected, found });
  if (venue !== 'binance') {
    push('auth.key_type', '"hmac" (Bybit signs with HMAC or RSA, not Ed25519)', '"ed25519"');
    return;
  }
  const filePath = typeof auth['private_key_path'] === 'string' ? auth['private_key_path'] : '';
  const text = typeof auth['private_key'] === 'string' ? auth['private_key'] : '';
  if ((filePath === '') === (text === '')) {
    push('auth.private_key_path', 'exactly one of auth.private_key_path (a PEM file) or auth.private_key (PEM text) with key_type = "ed25519"',
      filePath === '' ? 'neither set' : 'both set');
    return;
  }
  let pem = text;
  let where = 'auth.private_key';
  if (filePath !== '') {
    const abs = path.resolve(path.dirname(absFile), filePath);
    auth['private_key_path'] = abs;
    where = 'auth.private_key_path';
    try {
      pem = readFileSync(abs, 'utf8');
    } catch (e) {
      push(where, 'a readable PEM file', `${filePath} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return;
    }
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519') push(where, 'an Ed25519 private key (PEM, PKCS#8)', `a ${key.asymmetricKeyType ?? 'non-Ed25519'} key`);
  } catch {
    push(where, 'an Ed25519 private key (PEM, PKCS#8)', filePath !== '' ? `${filePath}: not a PEM private key` : REDACTED);
  }
}
