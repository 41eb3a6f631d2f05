/**
 * WireBatch: while held, frames are built whole as they are queued and nothing is written;
 * release() writes them in queue order, one socket write per frame, stamping each right after
 * its write; a frame queued without a socket, or whose connection is no longer open, goes
 * through ws.send. writeText writes one frame the same way outside a batch.
 */
import t from 'tap';
import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { WireBatch, writeText } from '../../../src/execution/live/wire-batch.js';

function conn(name: string, log: string[], state: number = WebSocket.OPEN) {
  const socket = { write: (b: Buffer) => { log.push(`${name} socket ${b.length} bytes, byte0 ${b[0]!.toString(16)}, masked ${(b[1]! & 0x80) !== 0}`); return true; } } as unknown as Writable;
  const ws = { readyState: state, send: (text: string) => log.push(`${name} ws.send ${text}`) } as unknown as WebSocket;
  return { socket, ws };
}

t.test('held: built at queue time, nothing written until release, then one write per frame in order', async (t) => {
  const log: string[] = [];
  const a = conn('a', log);
  const b = conn('b', log);
  const batch = new WireBatch();
  batch.hold();
  t.equal(batch.add(a.ws, 'x'.repeat(100), a.socket), 0);
  t.equal(batch.add(b.ws, 'y'.repeat(300), b.socket), 1);
  t.same(log, [], 'nothing on the wire while held');
  let clock = 0;
  const wires = new Float64Array(2);
  batch.release(() => { log.push('stamp'); return ++clock; }, wires);
  t.same(log, ['a socket 106 bytes, byte0 81, masked true', 'stamp', 'b socket 308 bytes, byte0 81, masked true', 'stamp']);
  t.same([...wires], [1, 2], 'each frame stamped right after its own write');
  t.notOk(batch.holding);
  t.equal(batch.count, 0);
});

t.test('no socket, or the connection no longer open: the frame goes through ws.send', async (t) => {
  const log: string[] = [];
  const a = conn('a', log);
  const closed = conn('c', log, WebSocket.CLOSED);
  const batch = new WireBatch();
  batch.hold();
  batch.add(a.ws, 'one');
  batch.add(closed.ws, 'two', closed.socket);
  batch.release(() => 1, new Float64Array(2));
  t.same(log, ['a ws.send one', 'c ws.send two']);
});

t.test('writeText: the whole frame to the socket when open, else ws.send', async (t) => {
  const log: string[] = [];
  const a = conn('a', log);
  const closed = conn('c', log, WebSocket.CLOSING);
  writeText(a.ws, 'hello', a.socket);
  writeText(a.ws, 'bye', null);
  writeText(closed.ws, 'late', closed.socket);
  t.same(log, ['a socket 11 bytes, byte0 81, masked true', 'a ws.send bye', 'c ws.send late']);
});
