/**
 * Paper/backtest agreement, on hand-built journals: how rounds are placed in time, which pairs
 * count as the same decision, and what the report says.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildAccumulator } from '../../src/core/hist-collector.js';
import { formatHlog } from '../../src/report/hlog-writer.js';
import {
  AgreementError, DEFAULT_TOLERANCE_MS, HOST_LAG_MS, TOLERANCE_MARGIN_MS, formatAgreement, matchRounds, openedRounds, runAgreement,
  toleranceFromHlog, type OpenedRound,
} from '../../src/backtest/agreement.js';
import { tempDir } from './helpers.js';

/** A round decided at `ms` on a quote received at `triggerMs` (default: decided on arrival). */
function round(ms: number, buyVenue = 'binance', sellVenue = 'bybit', qty = 0.01, symbol = 'BTCUSDT', pairId = 1, triggerMs = ms): OpenedRound {
  return { ms, pairId, symbol, buyVenue, sellVenue, qty, triggerMs };
}

/** A journal whose run_start anchors ns `ns0` at wall ms `t0`; rounds given as ms after t0. */
function journal(t0: number, ns0: number, roundsAtMs: Array<[number, string, string]>, flattenAtMs?: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [{ t: t0, ns: ns0, type: 'run_start', mode: 'dry-run' }];
  roundsAtMs.forEach(([ms, buy, sell], i) => {
    // `t` is deliberately off: a paper line's t is when it was written, not when it was decided.
    out.push({ t: t0 + ms + 7, ns: ns0 + ms * 1e6, type: 'round_opened', pair_id: i + 1, symbol: 'BTCUSDT', buy_venue: buy, sell_venue: sell, qty: 0.01 });
  });
  if (flattenAtMs !== undefined) out.push({ t: t0 + flattenAtMs, ns: ns0 + flattenAtMs * 1e6, type: 'flatten', open_rounds: 0 });
  out.push({ t: t0 + 100_000, ns: ns0 + 100_000 * 1e6, type: 'run_end', reason: 'duration elapsed' });
  return out;
}

t.test('rounds are timed from ns through the run_start anchor, and the window ends at flatten', async (t) => {
  const j = openedRounds(journal(1_700_000_000_000, 5e12, [[2.5, 'binance', 'bybit'], [1.25, 'bybit', 'binance']], 50));
  t.same(j.rounds.map((r) => r.ms), [1_700_000_000_001.25, 1_700_000_000_002.5], 'ns-precise wall times, in time order');
  t.equal(j.rounds[0]!.buyVenue, 'bybit');
  t.same(j.window, { startMs: 1_700_000_000_000, endMs: 1_700_000_000_050 }, 'trading stops at the flatten request');
  const noFlatten = openedRounds(journal(1000, 0, [], undefined));
  t.equal(noFlatten.window.endMs, 1000 + 100_000, 'without flatten the window ends at run_end');
  t.throws(() => openedRounds([{ t: 1, ns: 1, type: 'round_opened' }], 'x.jsonl'), AgreementError, 'no run_start: no time axis');
});

t.test('a backtest journal (ns since midnight) and a paper journal (monotonic ns) meet on the wall clock', async (t) => {
  const midnight = Date.parse('2024-03-01T00:00:00Z');
  const paperStart = midnight + 3_600_000;
  const paper = openedRounds(journal(paperStart, 9e14, [[1000, 'binance', 'bybit']]));
  const bt = openedRounds(journal(midnight, 0, [[3_600_000 + 1000.4, 'binance', 'bybit']]));
  const { report, matches } = matchRounds(paper.rounds, bt.rounds, { toleranceMs: 1 }, paper.window);
  t.equal(report.matched, 1);
  t.ok(Math.abs(matches[0]!.offsetMs - 0.4) < 1e-3, 'offset is backtest minus session, to the µs (wall ms in a double)');
});

t.test('a match needs the same symbol and direction within the tolerance, one to one', async (t) => {
  const session = [round(100), round(200), round(300, 'bybit', 'binance'), round(400, 'binance', 'bybit', 0.01, 'ETHUSDT')];
  const backtest = [round(104), round(196), round(300), round(400, 'binance', 'bybit', 0.01, 'BTCUSDT'), round(900)];
  const { report } = matchRounds(session, backtest, { toleranceMs: 5 });
  t.equal(report.session_rounds, 4);
  t.equal(report.backtest_rounds, 5);
  t.equal(report.matched, 2, 'only the two BTCUSDT binance→bybit rounds near 100 and 200 match');
  t.equal(report.share_matched, 0.5);
  t.equal(report.missed_session_rounds, 2, 'the bybit→binance round and the ETHUSDT round were not reproduced');
  t.equal(report.extra_backtest_rounds, 3);
  t.same(report.offset_ms && [report.offset_ms.min, report.offset_ms.max, report.offset_ms.count], [-4, 4, 2]);
  t.same(report.missed.map((r) => r.symbol + ' ' + r.buy_venue), ['BTCUSDT bybit', 'ETHUSDT binance']);
  const dirs = report.by_direction.map((d) => `${d.symbol} ${d.buy_venue}->${d.sell_venue} ${d.session}/${d.backtest}/${d.matched}`);
  t.same(dirs, ['BTCUSDT binance->bybit 2/5/2', 'BTCUSDT bybit->binance 1/0/0', 'ETHUSDT binance->bybit 1/0/0']);

  const twoForOne = matchRounds([round(100), round(101)], [round(100.5)], { toleranceMs: 5 }).report;
  t.equal(twoForOne.matched, 1, 'a backtest round matches at most one session round');
  t.equal(twoForOne.missed_session_rounds, 1);
});

t.test('matching takes the earliest candidate, which finds every possible pair', async (t) => {
  // s=0 could take b=-5 or b=8; s=10 only b=8. Earliest-first leaves b=8 for s=10.
  const { report } = matchRounds([round(0), round(10)], [round(-5), round(8)], { toleranceMs: 10 });
  t.equal(report.matched, 2);
  t.same(report.offset_ms && [report.offset_ms.min, report.offset_ms.max], [-5, -2]);
});

t.test('quantities are compared only when asked, relative to the larger one', async (t) => {
  const s = [round(100, 'binance', 'bybit', 0.010)];
  const b = [round(100, 'binance', 'bybit', 0.0104)];
  t.equal(matchRounds(s, b, { toleranceMs: 1 }).report.matched, 1, 'no qty tolerance: qty is ignored');
  t.equal(matchRounds(s, b, { toleranceMs: 1, qtyTolerance: 0.05 }).report.matched, 1, '3.8 % apart is within 5 %');
  t.equal(matchRounds(s, b, { toleranceMs: 1, qtyTolerance: 0.01 }).report.matched, 0, 'but not within 1 %');
});

t.test('every disagreement is counted by its likely cause', async (t) => {
  const session = [
    round(100),                                   // matched
    round(1000),                                  // backtest decided 30 ms later: timing
    round(2000, 'binance', 'bybit', 0.01),        // backtest had 0.02 at the same time: quantity
    round(3000),                                  // backtest went the other way: direction
    round(4000),                                  // nothing near in the backtest: not_seen
  ];
  const backtest = [round(100), round(1030), round(2000, 'binance', 'bybit', 0.02), round(3000, 'bybit', 'binance'), round(9000)];
  const { report } = matchRounds(session, backtest, { toleranceMs: 5, qtyTolerance: 0.1 });
  t.equal(report.matched, 1);
  t.same(report.causes.missed, { timing: 1, quantity: 1, direction: 1, not_seen: 1 });
  t.same(report.causes.extra, { timing: 1, quantity: 1, direction: 1, not_seen: 1 });
  t.match(formatAgreement(report), /missed, by cause\s+\S+ 1, /);
});

t.test('the same decision: a round decided on the very quote the session decided on matches however late the session got to it', async (t) => {
  // The session's strategy thread read the quote received at 1000 only at 1300 (host load);
  // the replay decided on it at 1000. Far outside a 5 ms tolerance, and still the same decision.
  const session = [round(1300, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 1000), round(5000)];
  const backtest = [round(1000), round(5002)];
  const { report, matches } = matchRounds(session, backtest, { toleranceMs: 5 });
  t.equal(report.matched, 2);
  t.equal(report.matched_same_trigger, 1, 'one by its quote, one by time (5002 has another trigger)');
  t.equal(matches[0]!.offsetMs, -300);
  t.equal(report.session_rounds_lagging, 1, `one session decision lagged more than ${HOST_LAG_MS} ms`);
  t.equal(report.session_decision_lag_ms!.max, 300);
  t.match(formatAgreement(report), /1 decided on the same quote/);
  t.match(formatAgreement(report), /host: session decided after its quote arrived, ms: p50 0 .* max 300; 1 of 2 rounds later than/);
  // a different quote of the same direction is not the same decision
  const other = matchRounds([round(1300, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 1000)], [round(1001)], { toleranceMs: 5 }).report;
  t.equal(other.matched, 0);
});

t.test('disagreements near a lagging session decision are put down to host_lag', async (t) => {
  const session = [
    round(1300, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 1000), // lagged 300 ms: the session was behind
    round(1800),                                               // 500 ms after it: its state ran late too
    round(4000),                                               // on time, nothing near: not_seen
  ];
  const backtest = [round(1000), round(2000), round(9000)];
  const { report } = matchRounds(session, backtest, { toleranceMs: 5 });
  t.equal(report.matched, 1, 'the lagging decision itself is the same decision (same quote)');
  t.same(report.causes.missed, { host_lag: 1, not_seen: 1 }, '1800 follows the lagging decision within a second; 4000 does not');
  t.same(report.causes.extra, { host_lag: 1, not_seen: 1 }, '2000 is within a second of the lagging decision; 9000 is not');
});

t.test('a round\'s trigger is its first intent\'s tick_recv_ns, on the same wall clock', async (t) => {
  const j = openedRounds([
    { t: 1000, ns: 5e9, type: 'run_start' },
    { t: 1300, ns: 5.3e9, type: 'intent', pair_id: 7, tick_recv_ns: 5.0e9 + 250_000 },
    { t: 1300, ns: 5.3e9, type: 'intent', pair_id: 7, tick_recv_ns: 5.2e9 },
    { t: 1300, ns: 5.3e9, type: 'round_opened', pair_id: 7, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', qty: 1 },
    { t: 1400, ns: 5.4e9, type: 'round_opened', pair_id: 8, symbol: 'BTCUSDT', buy_venue: 'binance', sell_venue: 'bybit', qty: 1 },
  ]);
  t.equal(j.rounds[0]!.triggerMs, 1000.25);
  t.equal(j.rounds[0]!.ms, 1300);
  t.ok(Number.isNaN(j.rounds[1]!.triggerMs), 'no intent: trigger unknown (matched by time only)');
});

t.test('backtest rounds outside the session window are set aside, and an empty session has no share', async (t) => {
  const { report } = matchRounds([round(100)], [round(50), round(100), round(500)], { toleranceMs: 1 }, { startMs: 60, endMs: 400 });
  t.equal(report.backtest_rounds, 1);
  t.equal(report.backtest_rounds_outside_window, 2);
  t.equal(report.extra_backtest_rounds, 0);
  const empty = matchRounds([], [round(1)], { toleranceMs: 1 }).report;
  t.equal(empty.share_matched, null);
  t.match(formatAgreement(empty), /n\/a/);
  t.throws(() => matchRounds([], [], { toleranceMs: -1 }), AgreementError);
});

t.test('the tolerance comes from the session latency log: p99 tick_to_intent + p99 sent_to_ack + margin', async (t) => {
  const tick = buildAccumulator();
  const ack = buildAccumulator();
  for (let i = 0; i < 1000; i++) {
    tick.recordValue(100_000); // 0.1 ms
    ack.recordValue(2_000_000); // 2 ms
  }
  const text = formatHlog({ startTimeMs: 1_700_000_000_000, valueUnit: 'ns', comments: ['test'] }, [
    { tag: 'tick_to_intent', startMs: 1_700_000_000_000, endMs: 1_700_000_001_000, histogram: tick },
    { tag: 'sent_to_ack', startMs: 1_700_000_000_000, endMs: 1_700_000_001_000, histogram: ack },
  ]);
  const tol = toleranceFromHlog(text);
  t.ok(Math.abs(tol.toleranceMs - (0.1 + 2 + TOLERANCE_MARGIN_MS)) < 0.01, `tolerance ${tol.toleranceMs} ms`);
  t.match(tol.source, /tick_to_intent/);
});

t.test('runAgreement reads both journals and writes agreement.json into the backtest run dir', async (t) => {
  const dir = tempDir('xarb-agree-');
  const sessionFile = path.join(dir, 'paper', 'journal.jsonl');
  const btDir = path.join(dir, 'bt');
  const lines = (entries: Array<Record<string, unknown>>) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.dirname(sessionFile), { recursive: true });
  mkdirSync(btDir, { recursive: true });
  const midnight = Date.parse('2024-03-01T00:00:00Z');
  writeFileSync(sessionFile, lines(journal(midnight + 5000, 7e12, [[10, 'binance', 'bybit'], [40, 'bybit', 'binance']], 60)));
  writeFileSync(path.join(btDir, 'journal.jsonl'), lines(journal(midnight, 0, [[5010.5, 'binance', 'bybit'], [5070, 'binance', 'bybit']])));
  const { report, file } = runAgreement({ sessionJournal: sessionFile, backtestRunDir: btDir });
  t.ok(existsSync(file));
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  t.equal(saved.matched, 1);
  t.equal(saved.share_matched, 0.5);
  t.equal(saved.backtest_rounds_outside_window, 1, 'the round after flatten is not scored');
  t.equal(report.tolerance_ms, DEFAULT_TOLERANCE_MS, 'no latency.hlog beside the session journal: the default tolerance');
  t.throws(() => runAgreement({ sessionJournal: path.join(dir, 'nope.jsonl'), backtestRunDir: btDir }), AgreementError);
});

t.test('replayed with the session\'s trace, a round is reproduced only on the same quote, at the same time, with the same qty', async (t) => {
  const s = [round(1000, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 990), round(2000, 'binance', 'bybit', 0.01, 'BTCUSDT', 2, 1990),
    round(3000, 'binance', 'bybit', 0.01, 'BTCUSDT', 3, 2990)];
  const b = [
    round(1000, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 990), // the same decision
    round(2000.5, 'binance', 'bybit', 0.01, 'BTCUSDT', 2, 1990), // the same quote, decided 0.5 ms later: another decision
    round(3000, 'binance', 'bybit', 0.0101, 'BTCUSDT', 3, 2990), // the same quote and time, another size
  ];
  const lax = matchRounds(s, b, { toleranceMs: 5 }).report;
  t.equal(lax.matched, 3, 'without a trace: the same quote or within the time tolerance');
  const strict = matchRounds(s, b, { toleranceMs: 5 }, undefined, { replay: 'session', divergences: [] }).report;
  t.equal(strict.matched, 1, 'with a trace: only the identical decision');
  t.equal(strict.missed_session_rounds, 2);
  t.equal(strict.extra_backtest_rounds, 2);
  t.match(strict.criterion, /^strict/);
  t.same(strict.causes.missed, { timing: 1, quantity: 1 }, 'no divergence to blame: timing and quantity, never host_lag');
});

t.test('replayed with the session\'s trace, causes come from measured divergences, not from the session\'s decision lag', async (t) => {
  // the session decided 200 ms after its quote (a lagging thread): replayed from the trace, that is no excuse
  const lagging = round(5000, 'binance', 'bybit', 0.01, 'BTCUSDT', 1, 4800);
  const noDiv = matchRounds([lagging], [], { toleranceMs: 5 }, undefined, { divergences: [] }).report;
  t.same(noDiv.causes.missed, { not_seen: 1 }, 'a lagging decision alone is not host_lag when the trace replays it');
  const withoutTrace = matchRounds([lagging], [], { toleranceMs: 5 }).report;
  t.same(withoutTrace.causes.missed, { host_lag: 1 }, 'without a trace the lag is the likely cause');
  const board = matchRounds([lagging], [round(7000)], { toleranceMs: 5 }, undefined, { divergences: [{ ms: 4500, kind: 'board' }] }).report;
  t.same(board.causes.missed, { host_lag: 1 }, 'after the session met a board its feed thread had not written yet: host_lag');
  t.same(board.causes.extra, { not_seen: 1 }, 'a round more than HOST_LAG_REACH_MS after it is not put down to it');
  const fill = matchRounds([lagging], [], { toleranceMs: 5 }, undefined, { divergences: [{ ms: 4500, kind: 'fill' }] }).report;
  t.same(fill.causes.missed, { fill: 1 }, 'after the same board gave another fill: the fill model');
  const later = matchRounds([lagging], [], { toleranceMs: 5 }, undefined, { divergences: [{ ms: 5001, kind: 'board' }] }).report;
  t.same(later.causes.missed, { not_seen: 1 }, 'a divergence after the round does not explain it');
});
