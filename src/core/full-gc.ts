/**
 * A full garbage collection on demand, for the end of a thread's start-up: the JIT warm-ups
 * (src/strategy/warmup.ts, src/execution/warmup.ts) leave megabytes of dead objects in the old
 * generation, and V8 otherwise collects them with a mark-compact (tens of ms) a moment later,
 * in the middle of trading. Collected before the thread reports ready, that pause happens
 * before the first quote instead.
 *
 * Node exposes `gc()` only under --expose-gc; the flag is turned on for contexts made from
 * now on and the function taken from a fresh one (the global scope of this thread is not
 * changed). Returns false if V8 would not give it.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbageNow(): boolean {
  if (collect === undefined) {
    const own = (globalThis as { gc?: unknown }).gc;
    if (typeof own === 'function') collect = own as () => void;
    else {
      v8.setFlagsFromString('--expose-gc');
      const fromContext: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
      collect = typeof fromContext === 'function' ? (fromContext as () => void) : null;
    }
  }
  if (collect === null) return false;
  collect();
  return true;
}
