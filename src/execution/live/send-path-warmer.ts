/**
 * Keeps the WebSocket write path warm between real orders without writing to a venue.
 *
 * The first order frame after hundreds of ms idle cost 110–240 µs in `ws.send` (framing and
 * masking in `ws`, the stream's cork/writev, libuv, the kernel's loopback `write`), the frame
 * after it 12–30 µs. The cost is in code and data every socket shares, so writing a frame of an
 * order's size on a private loopback connection once per keep-warm pass takes it away:
 * 139–240 → 51–61 µs p50 for the next first write in an interleaved experiment on the shared
 * 2-core VM (docs/latency.md). Writing to the venue instead (unsolicited pongs) would spend
 * its message-rate budgets.
 *
 * The connection is a `ws` client and server in this thread; frames are built and written as
 * the order sessions' are (wire-batch.ts writeText: the whole frame to the client's socket). The listening socket is closed as soon as the one connection is in: no
 * port stays open. Frames are discarded on arrival.
 */
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { writeText } from './wire-batch.js';

/** Sent per pass: an order frame's size (so the 16-bit length header path runs too). */
const FRAME = '{"warm":"' + 'x'.repeat(400) + '"}';

export class SendPathWarmer {
  /** Frames written. */
  sent = 0;
  /** Frames the private server side received (and discarded). */
  received = 0;

  /** `port`: where the connection was made (nothing listens there any more). */
  private constructor(private readonly client: WebSocket, private readonly socket: Socket | null, private readonly server: WebSocket, readonly port: number) {
    server.on('message', () => { this.received++; });
  }

  /** Opens the private connection; null (with nothing left open) when it cannot within `timeoutMs`. */
  static async open(timeoutMs = 2000): Promise<SendPathWarmer | null> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 4096 });
    try {
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
      const port = (wss.address() as AddressInfo).port;
      const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', (ws: WebSocket) => resolve(ws)));
      const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      client.on('error', () => undefined);
      let socket: Socket | null = null;
      client.once('upgrade', (res: IncomingMessage) => { socket = res.socket; });
      const opened = new Promise<boolean>((resolve) => {
        client.once('open', () => resolve(true));
        client.once('error', () => resolve(false));
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
      const both = await Promise.race([Promise.all([opened, serverSide]), timedOut]);
      clearTimeout(timer);
      if (both === null || !both[0]) {
        client.terminate();
        return null;
      }
      const server = both[1];
      server.on('error', () => undefined);
      return new SendPathWarmer(client, socket, server, port);
    } catch {
      return null;
    } finally {
      // No listener stays open; the accepted connection is not closed by this (ws 8).
      wss.close();
    }
  }

  /** One frame through the private connection (nothing when it is not open). */
  send(): void {
    if (this.client.readyState !== WebSocket.OPEN) return;
    writeText(this.client, FRAME, this.socket);
    this.sent++;
  }

  close(): void {
    this.client.terminate();
    this.server.terminate();
  }
}
