/**
 * Consumer side of `npm run bench -- wake` (bench/wake.ts): wakes on the producer's signal by
 * one mechanism and records, per signal, monoNs() at the wake minus the producer's stamp.
 *
 * Modes: `wait` (blocking Atomics.wait on the futex word, the strategy's park), `waitAsync`
 * (the live executor's park: the event loop stays free), `port` (a MessagePort message),
 * `wait-turns` (blocking Atomics.wait bounded to 1 ms, then one event-loop turn). `busy`: the
 * worker's event loop also runs a chain of setImmediate callbacks of ~20 µs each (socket
 * traffic, a spinning executor handing the loop a turn), so a wake-up competes with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { monoNs } from '../src/core/clock.js';
import { STAMP_F64, W_DONE, W_EPOCH, W_STOP, type WakeWorkerData } from './wake.js';

/** ES2024 Atomics.waitAsync, absent from this project's TypeScript lib. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}


const d = workerData as WakeWorkerData;
const words = new Int32Array(d.sab);
const f64 = new Float64Array(d.sab);
const lat = new Float64Array(d.lat);
const A = Atomics as unknown as AtomicsWaitAsync;

function record(): void {
  const now = monoNs();
  const i = Atomics.load(words, W_DONE);
  if (i < d.count) lat[i] = now - f64[STAMP_F64]!;
  Atomics.store(words, W_DONE, i + 1);
}

let burning = d.busy;
function burn(): void {
  if (!burning || Atomics.load(words, W_STOP) !== 0) return;
  const end = performance.now() + 0.02;
  while (performance.now() < end);
  setImmediate(burn);
}

if (d.mode === 'wait') {
  parentPort!.postMessage('ready');
  let epoch = Atomics.load(words, W_EPOCH);
  while (Atomics.load(words, W_STOP) === 0) {
    Atomics.wait(words, W_EPOCH, epoch, 50);
    const e = Atomics.load(words, W_EPOCH);
    if (e !== epoch) {
      epoch = e;
      record();
    }
  }
  parentPort!.postMessage('stopped');
} else if (d.mode === 'wait-turns') {
  let epoch = Atomics.load(words, W_EPOCH);
  const step = (): void => {
    if (Atomics.load(words, W_STOP) !== 0) {
      burning = false;
      parentPort!.postMessage('stopped');
      return;
    }
    Atomics.wait(words, W_EPOCH, epoch, 1);
    const e = Atomics.load(words, W_EPOCH);
    if (e !== epoch) {
      epoch = e;
      record();
    }
    setImmediate(step);
  };
  parentPort!.postMessage('ready');
  burn();
  step();
} else if (d.mode === 'waitAsync') {
  let epoch = Atomics.load(words, W_EPOCH);
  const onWake = (): void => {
    const e = Atomics.load(words, W_EPOCH);
    if (e !== epoch) {
      epoch = e;
      record();
    }
    arm();
  };
  const arm = (): void => {
    if (Atomics.load(words, W_STOP) !== 0) {
      burning = false;
      parentPort!.postMessage('stopped');
      return;
    }
    const r = A.waitAsync(words, W_EPOCH, epoch, 50);
    if (r.async) void r.value.then(onWake);
    else setImmediate(onWake);
  };
  // A pending waitAsync does not hold a worker's loop on Node 20: the port does.
  d.port.on('message', () => undefined);
  parentPort!.postMessage('ready');
  burn();
  arm();
} else {
  d.port.on('message', (m: number) => {
    if (m < 0) {
      burning = false;
      d.port.close();
      parentPort!.postMessage('stopped');
      return;
    }
    record();
  });
  parentPort!.postMessage('ready');
  burn();
}
