/**
 * Bearer-token check of the monitor. The token arrives as `Authorization: Bearer <token>`
 * (curl, Prometheus, `xarb ctl`) or as `?token=<token>` (a browser opening the dashboard and its
 * WebSocket, which cannot set headers). Compared in constant time over fixed-length digests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export class TokenCheck {
  private readonly digest: Buffer | null;

  constructor(token: string) {
    this.digest = token === '' ? null : sha256(token);
  }

  get required(): boolean {
    return this.digest !== null;
  }

  /** `authorization` header value and the raw query string of the request. */
  allows(authorization: string, query: string): boolean {
    if (this.digest === null) return true;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const given = m !== null ? m[1]! : queryToken(query);
    if (given === null) return false;
    return timingSafeEqual(sha256(given), this.digest);
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function queryToken(query: string): string | null {
  const v = new URLSearchParams(query).get('token');
  return v === null || v === '' ? null : v;
}
