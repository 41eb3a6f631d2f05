/**
 * maskedTextFrame: one whole client-to-server text frame (FIN, opcode 1, masked), which a `ws`
 * server reads back as the same text at every length form (7-bit, 16-bit and 64-bit lengths),
 * with a fresh masking key per frame.
 */
import t from 'tap';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { maskedTextFrame } from '../../../src/execution/live/ws-frame.js';

/** Unmasks a frame built here: its text, or a description of what is wrong. */
function unmask(f: Buffer): string {
  if (f[0] !== 0x81) return `first byte ${f[0]}`;
  if ((f[1]! & 0x80) === 0) return 'not masked';
  const len7 = f[1]! & 0x7f;
  const head = len7 < 126 ? 6 : len7 === 126 ? 8 : 14;
  const n = len7 < 126 ? len7 : len7 === 126 ? f.readUInt16BE(2) : f.readUInt32BE(6);
  if (head + n !== f.length) return `length ${n} in a frame of ${f.length}`;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = f[head + i]! ^ f[head - 4 + (i & 3)]!;
  return out.toString('utf8');
}

t.test('the frame holds the text, masked, with its length in the shortest form', async (t) => {
  for (const text of ['', 'a', 'x'.repeat(125), 'é'.repeat(63), 'y'.repeat(126), 'z'.repeat(400), 'w'.repeat(65535), 'v'.repeat(70_000)]) {
    t.equal(unmask(maskedTextFrame(text)), text, `${Buffer.byteLength(text)} bytes`);
  }
  const a = maskedTextFrame('z'.repeat(400));
  const b = maskedTextFrame('z'.repeat(400));
  t.not(a.toString('hex'), b.toString('hex'), 'a fresh masking key per frame');
});

t.test('a ws server reads each frame written to the socket as the text sent', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const got: string[] = [];
  wss.on('connection', (ws: WebSocket) => ws.on('message', (d: Buffer) => got.push(d.toString())));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  let socket: Socket | null = null;
  client.once('upgrade', (res: IncomingMessage) => { socket = res.socket; });
  await new Promise((r) => client.once('open', r));
  t.teardown(() => { client.terminate(); wss.close(); });
  const texts = ['{"id":1}', 'q'.repeat(300), 'r'.repeat(70_000)];
  for (const x of texts) socket!.write(maskedTextFrame(x));
  const until = Date.now() + 5000;
  while (got.length < texts.length && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  t.same(got, texts);
  client.send('after');
  while (got.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  t.equal(got[3], 'after', 'ws\'s own sends on the same connection still frame right after ours');
});
