/**
 * `npm run bench -- leg-floor`: the floor under the peer bench's venue-side leg gap on this
 * host. A sender with nothing to do but write two small frames (400 bytes, the size of an order
 * frame) back to back on two loopback TCP connections, to two receiver processes
 * (bench/leg-floor-recv.ts) that stamp each arrival on CLOCK_MONOTONIC, as the peer bench's
 * venue processes do, one pair every 100 ms. Per case: the sender's gap (first write returned
 * → second returned) and the receivers' gap (first arrival stamp → second), p50 / p90, and
 * each leg's write → arrival stamp. Whatever the receivers' gap adds to the sender's is the
 * host scheduling the receiving processes, not the sender: compare it with the peer bench's
 * leg gap at the venues against xarb's own `leg_gap` hop.
 *
 * Cases, interleaved round by round: receivers idle, and receivers busy 200 µs of every ms (a
 * venue process's own work). `--quick`: 2 rounds of 30 pairs per case; full: 4 rounds of 100.
 */
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, type BenchRow } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CASES = [{ name: 'receivers idle', busyUs: 0 }, { name: 'receivers busy 200 µs/ms', busyUs: 200 }] as const;

interface Receiver { child: ChildProcess; socket: net.Socket; got: Map<number, bigint> }

function answer<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m[key] as T);
    };
    child.on('message', on);
  });
}

async function receiver(): Promise<Receiver> {
  const child = fork(path.join(here, 'leg-floor-recv.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const got = new Map<number, bigint>();
  child.on('message', (m: { k?: number; ns?: string }) => { if (m.k !== undefined) got.set(m.k, BigInt(m.ns!)); });
  const port = await answer<number>(child, 'port');
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return { child, socket, got };
}

const pct = (xs: number[], p: number): number => percentile([...xs].sort((a, b) => a - b), p);

export async function runLegFloorBench(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const rounds = opts.quick ? 2 : 4;
  const perRound = opts.quick ? 30 : 100;
  const rx = await Promise.all([receiver(), receiver()]);
  const sent: Array<{ c: number; k: number; w0: bigint; w1: bigint }> = [];
  let k = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      for (let c = 0; c < CASES.length; c++) {
        await Promise.all(rx.map((x) => { const a = answer(x.child, 'busySet'); x.child.send({ busyUs: CASES[c]!.busyUs }); return a; }));
        for (let i = 0; i < perRound; i++) {
          await new Promise((res) => setTimeout(res, 100));
          k++;
          const a = Buffer.alloc(400);
          const b = Buffer.alloc(400);
          a.writeUInt32LE(k, 0);
          b.writeUInt32LE(k, 0);
          rx[0]!.socket.write(a);
          const w0 = process.hrtime.bigint();
          rx[1]!.socket.write(b);
          const w1 = process.hrtime.bigint();
          sent.push({ c, k, w0, w1 });
        }
      }
    }
    await new Promise((res) => setTimeout(res, 300));
  } finally {
    for (const x of rx) {
      x.socket.destroy();
      x.child.kill();
    }
  }
  return CASES.map((cs, c) => {
    const sender: number[] = [];
    const recv: number[] = [];
    const first: number[] = [];
    const second: number[] = [];
    for (const s of sent) {
      const r0 = rx[0]!.got.get(s.k);
      const r1 = rx[1]!.got.get(s.k);
      if (s.c !== c || r0 === undefined || r1 === undefined) continue;
      sender.push(Number(s.w1 - s.w0));
      recv.push(Number(r1 > r0 ? r1 - r0 : r0 - r1));
      first.push(Number(r0 - s.w0));
      second.push(Number(r1 - s.w1));
    }
    const us = (v: number): number => Math.round(v / 100) / 10;
    return {
      case: cs.name, p50_ns: pct(recv, 50), p99_ns: pct(recv, 99), p999_ns: NaN, max_ns: recv.length ? Math.max(...recv) : NaN, ops_per_s: NaN,
      pairs: recv.length,
      sender_gap_p50_us: us(pct(sender, 50)), receiver_gap_p50_us: us(pct(recv, 50)), receiver_gap_p90_us: us(pct(recv, 90)),
      first_write_to_stamp_p50_us: us(pct(first, 50)), second_write_to_stamp_p50_us: us(pct(second, 50)),
    };
  });
}
