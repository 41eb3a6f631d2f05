/**
 * A loopback "venue" that speaks the server side of RFC 6455 by hand (no `ws` on this side),
 * so a test sees exactly the bytes a client put on the TCP stream: every client frame is
 * parsed strictly (FIN, RSV bits clear, known opcode, MASK set, minimal length form) and
 * anything else is recorded as a protocol violation. The test drives what the venue writes.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';

export interface ClientFrame {
  opcode: number;
  text: string;
}

export class RawVenue {
  readonly frames: ClientFrame[] = [];
  readonly violations: string[] = [];
  socket: Socket | null = null;
  private buf = Buffer.alloc(0);
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<RawVenue> {
    // allowHalfOpen: the venue ends its side when the test says (a real one an RTT or more after the client's FIN).
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const v = new RawVenue(server, (server.address() as AddressInfo).port);
    server.on('connection', (s) => v.accept(s));
    return v;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  private accept(s: Socket): void {
    this.socket = s;
    s.on('error', () => undefined);
    let head = '';
    const onHead = (d: Buffer): void => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.removeListener('data', onHead);
      const key = /sec-websocket-key: *(\S+)/i.exec(head)![1]!;
      const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      s.on('data', (c: Buffer) => this.onData(c));
      if (rest.length > 0) this.onData(rest);
    };
    s.on('data', onHead);
  }

  private onData(c: Buffer): void {
    this.buf = Buffer.concat([this.buf, c]);
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const rsv = b[0]! & 0x70;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        if (len < 126) this.violations.push('16-bit length form for a short payload');
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        if (len < 65536) this.violations.push('64-bit length form for a short payload');
        at = 10;
      }
      if (!masked) this.violations.push('unmasked client frame');
      if (!fin) this.violations.push('fragmented frame');
      if (rsv !== 0) this.violations.push('RSV bits set');
      if (![1, 2, 8, 9, 10].includes(opcode)) this.violations.push(`opcode ${opcode}`);
      const keyAt = at;
      if (masked) at += 4;
      if (b.length < at + len) return;
      const payload = Buffer.from(b.subarray(at, at + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[keyAt + (i & 3)]!;
      this.frames.push({ opcode, text: payload.toString('utf8') });
      this.buf = b.subarray(at + len);
    }
  }

  /** Texts of the client's text frames so far. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => f.text);
  }

  /** An unmasked server frame (payload under 126 bytes: control frames and short texts). */
  write(opcode: number, payload: Buffer = Buffer.alloc(0)): void {
    this.socket!.write(Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]));
  }

  close(): void {
    this.socket?.destroy();
    this.server.close();
  }
}

export const until = async (cond: () => boolean, ms = 2000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
};
