/**
 * Bench peer: producer, consumer, or a CPU hog, in a real worker thread.
 *
 * Latency: the producer writes monoNs() into word 1 of each record just before publishing;
 * the consumer takes monoNs() when it reads the record. Both clocks are the shared monotonic
 * timebase (clock.ts); its calibration error is reported with the results.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RingConsumer, RingProducer, type RecordHandler } from '../src/core/ring.js';
import { Doorbell } from '../src/core/doorbell.js';
import { AgentRunner, type Agent } from '../src/core/agent.js';
import { monoNs, clockCalibrationErrorNs } from '../src/core/clock.js';
import type { WaitStrategyConfig } from '../src/core/wait-strategy.js';

interface PeerData {
  role: 'producer' | 'consumer' | 'hog' | 'pm-producer' | 'pm-consumer' | 'idle-consumer';
  ring: SharedArrayBuffer;
  bell: SharedArrayBuffer;
  control: SharedArrayBuffer;
  sync: SharedArrayBuffer; // [0] go, [1] ready count, [2] done
  count: number;
  intervalNs: number; // 0 = flood
  wait: WaitStrategyConfig;
  port?: MessagePort;
}
const d = workerData as PeerData;
const sync = new Int32Array(d.sync);

function ready(): void {
  Atomics.add(sync, 1, 1);
  while (Atomics.load(sync, 0) === 0) Atomics.wait(sync, 0, 0, 20);
}

function pace(next: number): void {
  while (monoNs() < next) { /* spin until the send time */ }
}

switch (d.role) {
  case 'hog': {
    ready();
    let x = 0;
    while (Atomics.load(sync, 2) === 0) for (let i = 0; i < 1e5; i++) x += i;
    parentPort!.postMessage({ x });
    break;
  }
  case 'producer': {
    const p = new RingProducer(d.ring, new Doorbell(d.bell));
    ready();
    let next = monoNs();
    if (d.intervalNs < 0) {
      // Raw throughput: no clock reads per record (they cost ~40 ns each side).
      for (let i = 0; i < d.count; i++) {
        while (!p.claim(1e9)) { /* retry */ }
        p.data[p.offset] = i;
        p.publish();
      }
    } else {
      for (let i = 0; i < d.count; i++) {
        if (d.intervalNs > 0) { next += d.intervalNs; pace(next); }
        while (!p.claim(1e9)) { /* retry */ }
        const o = p.offset;
        p.data[o] = i;
        p.data[o + 1] = monoNs();
        p.publish();
      }
    }
    parentPort!.postMessage({ done: true });
    break;
  }
  case 'consumer':
  case 'idle-consumer': {
    const c = new RingConsumer(d.ring);
    const raw = d.intervalNs < 0;
    const lat = new Float64Array(raw ? 1 : Math.max(1, d.count));
    class Recorder implements RecordHandler, Agent {
      n = 0;
      firstNs = 0;
      lastNs = 0;
      onRecord(data: Float64Array, off: number): void {
        if (raw) {
          // Throughput only: time the first and last record, nothing in between.
          if (this.n === 0) this.firstNs = monoNs();
          else if (this.n === d.count - 1) this.lastNs = monoNs();
          this.n++;
          return;
        }
        const now = monoNs();
        if (this.n === 0) this.firstNs = now;
        this.lastNs = now;
        lat[this.n++] = now - data[off + 1]!;
      }
      onStart(): void {}
      onClose(): void {}
      doWork(): number { return c.drain(this, 256); }
    }
    const rec = new Recorder();
    const runner = new AgentRunner(rec, d.wait, new Doorbell(d.bell), d.control);
    ready();
    while (rec.n < d.count && runner.runSlice(20)) { /* duty cycles */ }
    if (d.role === 'idle-consumer') {
      while (runner.runSlice(50)) { /* idle until stopped */ }
    }
    parentPort!.postMessage({ lat: raw ? new Float64Array(0) : lat, n: rec.n, elapsedNs: rec.lastNs - rec.firstNs, parks: runner.parks, calErr: clockCalibrationErrorNs() });
    break;
  }
  case 'pm-producer': {
    const port = d.port!;
    ready();
    let next = monoNs();
    const msg = new Float64Array(2);
    for (let i = 0; i < d.count; i++) {
      if (d.intervalNs > 0) { next += d.intervalNs; pace(next); }
      msg[0] = i;
      msg[1] = monoNs();
      port.postMessage(msg);
    }
    parentPort!.postMessage({ done: true });
    break;
  }
  case 'pm-consumer': {
    const port = d.port!;
    const lat = new Float64Array(d.count);
    let n = 0;
    let t0 = 0;
    port.on('message', (m: Float64Array) => {
      const now = monoNs();
      if (n === 0) t0 = now;
      lat[n++] = now - m[1]!;
      if (n === d.count) {
        parentPort!.postMessage({ lat, n, elapsedNs: now - t0, parks: 0, calErr: clockCalibrationErrorNs() });
        port.close();
      }
    });
    ready();
    break;
  }
}
