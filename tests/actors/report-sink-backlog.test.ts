/**
 * RingReportSink when the strategy is behind: a report the report ring has no room for is not
 * lost (it used to be: counted `report_ring_full` and gone, so the strategy never saw the
 * order's final and halted with `unresolved_order`). It waits in the sink's backlog and is
 * delivered later, before any newer report, so the strategy sees every order's reports in
 * order; only a full backlog loses one, counted.
 */
import t from 'tap';
import { POLICY_BLOCK, RingConsumer, RingProducer, createRing } from '../../src/core/ring.js';
import { HopRecorders } from '../../src/core/histogram.js';
import { REPORT_WORDS, R_ORDER_ID, R_STATUS, ST_FILLED } from '../../src/core/records.js';
import { newExecutorCounters, REPORT_BACKLOG, RingReportSink } from '../../src/actors/executor-agent.js';

function setup(t: { teardown(fn: () => void): void }, capacity: number) {
  const sab = createRing(capacity, REPORT_WORDS, POLICY_BLOCK);
  const consumer = new RingConsumer(sab);
  const hist = new HopRecorders('executor', 0, 'js');
  t.teardown(() => hist.close());
  const counters = newExecutorCounters();
  const journaled: number[] = [];
  const sink = new RingReportSink(new RingProducer(sab), hist, counters, (orderId) => journaled.push(orderId));
  const report = (id: number): void => sink.report(id, id, 0, 0, 0, ST_FILLED, 100, 100, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
  const read = (): number[] => {
    const ids: number[] = [];
    consumer.drain({ onRecord: (d: Float64Array, o: number) => { if (d[o + R_STATUS] === ST_FILLED) ids.push(d[o + R_ORDER_ID]!); } }, 1_000_000);
    return ids;
  };
  return { sink, counters, journaled, report, read };
}

t.test('a full ring: the reports wait in the backlog and arrive later, in order, none twice', async (t) => {
  const { sink, counters, journaled, report, read } = setup(t, 4);
  for (let id = 1; id <= 7; id++) report(id);
  t.equal(counters.reports, 4, 'the ring took four');
  t.equal(counters.reportRingFull, 3);
  t.equal(sink.backlogged, 3, 'three wait');
  t.same(journaled, [1, 2, 3, 4, 5, 6, 7], 'the journal has every report at once');
  t.same(read(), [1, 2, 3, 4]);
  // The next report goes after the waiting ones.
  report(8);
  t.equal(sink.backlogged, 0);
  t.same(read(), [5, 6, 7, 8], 'the backlog first, then the new report');
  t.equal(counters.reportsRedelivered, 3);
  t.equal(counters.reportsLost, 0);
});

t.test('the executor\'s idle cycle flushes the backlog without a new report', async (t) => {
  const { sink, counters, report, read } = setup(t, 2);
  for (let id = 1; id <= 5; id++) report(id);
  t.same(read(), [1, 2]);
  t.equal(sink.flush(), 2, 'two fit now');
  t.same(read(), [3, 4]);
  t.equal(sink.flush(), 1);
  t.same(read(), [5]);
  t.equal(sink.flush(), 0, 'nothing left');
  t.equal(counters.reports, 5);
});

t.test('only a full backlog loses a report, counted', async (t) => {
  const { sink, counters, report, read } = setup(t, 2);
  for (let id = 1; id <= 2 + REPORT_BACKLOG + 3; id++) report(id);
  t.equal(sink.backlogged, REPORT_BACKLOG);
  t.equal(counters.reportsLost, 3);
  let got = read();
  for (let i = 0; i < REPORT_BACKLOG && sink.backlogged > 0; i++) {
    sink.flush();
    got = got.concat(read());
  }
  t.equal(got.length, 2 + REPORT_BACKLOG, 'every report kept was delivered');
  t.ok(got.every((id, i) => i === 0 || id === got[i - 1]! + 1), 'in order');
});
