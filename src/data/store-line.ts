/**
 * Decoding one line of a market-data store file (store.ts) without JSON.parse on the
 * common path: `{"t":<ns>,"f":"<escaped frame>"}`. The frame text is unescaped byte by byte
 * into a reusable Buffer that the venues' byte-scanning parsers read directly. Snapshot and
 * header lines are rare and go through JSON.parse.
 *
 * `t` may be epoch ns (imports, synth), which a double cannot hold exactly (1.7e18 > 2^53),
 * so its digits are split into whole seconds and the ns within the second; differences of
 * two such times are then exact.
 */

export const LINE_FRAME = 1;
export const LINE_SNAPSHOT = 2;
export const LINE_HEADER = 3;
export const LINE_BAD = 0;

const Q = 0x22; // "
const BS = 0x5c; // \

export class StoreLineDecoder {
  /** Seconds part of t (all digits but the last nine). */
  tSec = 0;
  /** Nanoseconds within the second (the last nine digits). */
  tNsec = 0;
  /** Unescaped frame bytes (LINE_FRAME): out[0, frameLen). */
  out: Buffer;
  frameLen = 0;
  /** The parsed object of a snapshot or header line. */
  obj: Record<string, unknown> | null = null;

  constructor(capacity = 1 << 16) {
    this.out = Buffer.allocUnsafe(capacity);
  }

  /** Reads only `t` of the line at [start, end); returns false if the line does not start with {"t":. */
  decodeTime(buf: Buffer, start: number): boolean {
    // {"t":
    if (buf[start] !== 0x7b || buf[start + 1] !== Q || buf[start + 2] !== 0x74 || buf[start + 3] !== Q || buf[start + 4] !== 0x3a) return false;
    let p = start + 5;
    let sec = 0;
    let digits = 0;
    let c = buf[p]!;
    const first = p;
    while (c >= 0x30 && c <= 0x39) {
      digits++;
      c = buf[++p]!;
    }
    if (digits === 0) return false;
    const split = p - 9 > first ? p - 9 : first;
    for (let i = first; i < split; i++) sec = sec * 10 + (buf[i]! - 0x30);
    let ns = 0;
    for (let i = split; i < p; i++) ns = ns * 10 + (buf[i]! - 0x30);
    this.tSec = sec;
    this.tNsec = ns;
    return true;
  }

  /** Decodes the payload of the line at [start, end) whose time decodeTime() read. */
  decodeBody(buf: Buffer, start: number, end: number): number {
    let p = start + 5;
    while (p < end && buf[p]! >= 0x30 && buf[p]! <= 0x39) p++;
    // ,"f":"  |  ,"snapshot":  |  ,"wall_ms":
    if (buf[p] !== 0x2c || buf[p + 1] !== Q) return LINE_BAD;
    const k = buf[p + 2];
    if (k === 0x66 && buf[p + 3] === Q && buf[p + 4] === 0x3a && buf[p + 5] === Q) return this.unescape(buf, p + 6, end, start);
    const kind = k === 0x73 ? LINE_SNAPSHOT : k === 0x77 ? LINE_HEADER : LINE_BAD;
    if (kind === LINE_BAD) return LINE_BAD;
    try {
      this.obj = JSON.parse(buf.toString('utf8', start, end)) as Record<string, unknown>;
    } catch {
      return LINE_BAD;
    }
    return kind;
  }

  /**
   * Where the escaped frame text of a frame line at [start, end) begins (just after `,"f":"`),
   * or -1 for any other line; decodeTime() must have accepted the line. Nothing is decoded.
   */
  frameAt(buf: Buffer, start: number, end: number): number {
    let p = start + 5;
    while (p < end && buf[p]! >= 0x30 && buf[p]! <= 0x39) p++;
    if (buf[p] !== 0x2c || buf[p + 1] !== Q || buf[p + 2] !== 0x66 || buf[p + 3] !== Q || buf[p + 4] !== 0x3a || buf[p + 5] !== Q) return -1;
    return p + 6 < end ? p + 6 : -1;
  }

  private unescape(buf: Buffer, from: number, end: number, lineStart: number): number {
    if (this.out.length < end - from) this.out = Buffer.allocUnsafe((end - from) * 2);
    const out = this.out;
    let n = 0;
    for (let p = from; p < end; p++) {
      const c = buf[p]!;
      if (c === Q) {
        this.frameLen = n;
        return LINE_FRAME;
      }
      if (c === BS) {
        const e = buf[++p]!;
        if (e === Q || e === BS || e === 0x2f) out[n++] = e;
        else return this.slowFrame(buf, lineStart, end);
      } else {
        out[n++] = c;
      }
    }
    return LINE_BAD;
  }

  /** Escapes other than \" \\ \/ (never seen in venue frames): let JSON.parse do it. */
  private slowFrame(buf: Buffer, start: number, end: number): number {
    let o: { f?: unknown };
    try {
      o = JSON.parse(buf.toString('utf8', start, end)) as { f?: unknown };
    } catch {
      return LINE_BAD;
    }
    if (typeof o.f !== 'string') return LINE_BAD;
    const len = Buffer.byteLength(o.f);
    if (this.out.length < len) this.out = Buffer.allocUnsafe(len * 2);
    this.frameLen = this.out.write(o.f, 0);
    return LINE_FRAME;
  }
}

/** `t` text for epoch-second `sec` plus `nsec` ns (nsec in [0, 1e9)). */
export function epochNsText(sec: number, nsec: number): string {
  const s = String(nsec);
  return sec === 0 ? s : String(sec) + '000000000'.slice(s.length) + s;
}
