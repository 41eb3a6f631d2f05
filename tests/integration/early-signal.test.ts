/**
 * SIGTERM during start-up is orderly: the handlers are in place from the launcher's first
 * statement, before the simulator, the workers or anything that can trade. Sent at the first
 * log line (simulator up, nothing spawned) and at "bot starting" (workers being spawned), the
 * bot exits 0 by itself, never killed by the signal, and leaves no run or a complete journal.
 * (After the first feed connected: early-signal-connected.test.ts.)
 */
import t from 'tap';
import { checkOrderlyStop } from './signal-harness.js';

t.test('SIGTERM at the first log line (simulator up, nothing spawned): orderly', (t) => checkOrderlyStop(t, /venue simulator started/));
t.test('SIGTERM at "bot starting" (workers being spawned): orderly', (t) => checkOrderlyStop(t, /"bot starting"/));
