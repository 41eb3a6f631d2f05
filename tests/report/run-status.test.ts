/**
 * runStatus: how a run ended, from its journal alone. A run without run_end crashed; the
 * rounds opened and never closed are listed; resumed segments are counted, and pair ids that
 * restart in a resumed segment do not close an earlier segment's round.
 */
import t from 'tap';
import { formatRunStatus, runStatus } from '../../src/report/run-status.js';
import type { JournalEntry } from '../../src/report/performance.js';

let clock = 1_700_000_000_000;
const e = (type: string, fields: Record<string, unknown> = {}): JournalEntry => ({ t: clock++, ns: clock * 1e6, type, ...fields }) as JournalEntry;
const opened = (pair: number) => e('round_opened', { pair_id: pair, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', qty: 0.01 });
const closed = (pair: number) => e('round_closed', { pair_id: pair, symbol: 'BTCUSDT' });

t.test('a run with run_end ended in order; nothing to say in the text report', async (t) => {
  const s = runStatus([e('run_start'), opened(1), closed(1), e('run_end', { reason: 'duration elapsed', exit_code: 0 })]);
  t.equal(s.status, 'ended');
  t.same(s.openRounds, []);
  t.equal(s.segments[0]!.endReason, 'duration elapsed');
  t.equal(formatRunStatus(s), '');
});

t.test('a run_end that says exposure was left open: ended, and the text report says so', async (t) => {
  const s = runStatus([e('run_start'), opened(1), e('run_end', { reason: 'signal SIGTERM', exit_code: 0, exposure_left_open: true })]);
  t.equal(s.status, 'ended');
  t.equal(s.exposureLeftOpen, true);
  const text = formatRunStatus(s);
  t.match(text, /run status: ENDED WITH EXPOSURE LEFT OPEN/);
  t.match(text, /open rounds at the end of the journal: 1/);
  t.equal(runStatus([e('run_start'), e('run_end', { reason: 'duration elapsed', exit_code: 0 })]).exposureLeftOpen, false, 'a plain run_end: nothing left open');
});

t.test('no run_end: crashed, with the rounds it left open', async (t) => {
  const s = runStatus([e('run_start'), opened(1), closed(1), opened(2), opened(3), closed(3)]);
  t.equal(s.status, 'crashed');
  t.same(s.openRounds.map((r) => r.pair_id), [2]);
  t.match(s.openRounds[0], { symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', qty: 0.01 });
  const text = formatRunStatus(s);
  t.match(text, /run status: CRASHED \(no run_end; last entry at \d{4}-/);
  t.match(text, /open rounds at the end of the journal: 1\n\s+pair 2 BTCUSDT buy binance \/ sell bybit qty 0\.01/);
});

t.test('resumed after a crash: the earlier segment counts as crashed, its open round stays open', async (t) => {
  const s = runStatus([
    e('run_start'), opened(1),
    e('run_resumed', { previous: 'crashed' }), opened(1), closed(1), e('run_end', { reason: 'signal SIGTERM', exit_code: 0 }),
  ]);
  t.equal(s.status, 'ended', 'the last segment ended in order');
  t.equal(s.earlierCrashes, 1);
  t.same(s.segments.map((x) => x.kind), ['run_start', 'run_resumed']);
  t.equal(s.openRounds.length, 1, 'pair 1 of the first segment is not closed by pair 1 of the second');
  t.match(formatRunStatus(s), /resumed 1 time \(1 earlier segment crashed\)/);
});

t.test('an empty journal is a crash with nothing open', async (t) => {
  const s = runStatus([]);
  t.equal(s.status, 'crashed');
  t.same(s.segments, []);
  t.equal(s.lastEntryT, null);
});
