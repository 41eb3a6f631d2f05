/**
 * RingOrderSink, the strategy's side of the order path: the legs of a pair are both visible
 * before the executor's doorbell rings, the doorbell rings once per pair, as soon as the second
 * leg is published (before the strategy journals the pair or goes on with its bookkeeping),
 * and a lone intent (a hedge) rings when the decision ends (ringIfPending).
 */
import t from 'tap';
import { Doorbell } from '../../src/core/doorbell.js';
import { POLICY_BLOCK, RingConsumer, RingProducer, createRing } from '../../src/core/ring.js';
import { HOP_DECISION, HOP_TICK_TO_INTENT, HopRecorders } from '../../src/core/histogram.js';
import { INTENT_WORDS, ROLE_HEDGE, ROLE_LEG_BUY, ROLE_LEG_SELL, SIDE_BUY, SIDE_SELL, TIF_IOC } from '../../src/core/records.js';
import { RingOrderSink, type StrategyAgentCounters } from '../../src/actors/strategy-agent.js';

function setup(t: { teardown(fn: () => void): void }) {
  const sab = createRing(64, INTENT_WORDS, POLICY_BLOCK);
  const bell = new Doorbell();
  const consumer = new RingConsumer(sab);
  const hist = new HopRecorders('strategy', 0, 'js');
  t.teardown(() => hist.close());
  const counters: StrategyAgentCounters = { quotes: 0, bookStates: 0, reports: 0, intents: 0, cancels: 0, intentRingFull: 0, unknownRecords: 0 };
  const events: string[] = [];
  const sink = new RingOrderSink(new RingProducer(sab, bell), hist, counters, (orderId) => {
    events.push(`journal ${orderId} (rings ${bell.wakeUps()}, visible ${consumer.available()})`);
  });
  // The executor is parked: a ring is counted.
  bell.prepareToPark();
  const leg = (id: number, pair: number, role: number): boolean =>
    sink.newOrder(id, pair, role === ROLE_LEG_SELL ? 1 : 0, 0, role === ROLE_LEG_SELL ? SIDE_SELL : SIDE_BUY, 60000, 0.01, TIF_IOC, role, 1, 2, 3, 4);
  return { sink, bell, consumer, events, leg, hist };
}

t.test('a pair: both legs visible, one ring as the second leg is published, then the journal lines', async (t) => {
  const { sink, bell, consumer, events, leg } = setup(t);
  t.ok(leg(1, 7, ROLE_LEG_BUY));
  t.equal(bell.wakeUps(), 0, 'no ring between the legs');
  t.equal(consumer.available(), 1);
  t.same(events, [], 'the first leg is not journaled before the pair is out');
  t.ok(leg(2, 7, ROLE_LEG_SELL));
  t.equal(bell.wakeUps(), 1, 'rung at the second leg');
  t.same(events, ['journal 1 (rings 1, visible 2)', 'journal 2 (rings 1, visible 2)'], 'journaled after the ring');
  sink.ringIfPending();
  t.equal(bell.wakeUps(), 1, 'the end of the decision does not ring again');
});

t.test('a lone intent (a hedge) rings when the decision ends', async (t) => {
  const { sink, bell, events, leg } = setup(t);
  t.ok(leg(3, 8, ROLE_HEDGE));
  t.equal(bell.wakeUps(), 0);
  t.same(events, []);
  sink.ringIfPending();
  t.equal(bell.wakeUps(), 1);
  t.same(events, ['journal 3 (rings 1, visible 1)']);
});

t.test('legs of different pairs do not make a pair', async (t) => {
  const { sink, bell, leg } = setup(t);
  leg(4, 9, ROLE_LEG_BUY);
  leg(5, 10, ROLE_LEG_SELL);
  t.equal(bell.wakeUps(), 0, 'no early ring: pair 9 is still missing a leg');
  sink.ringIfPending();
  t.equal(bell.wakeUps(), 1);
});

t.test('the decision hop: one value per pair a quote decided, from the quote read to the first leg', async (t) => {
  const { sink, hist } = setup(t);
  const decisions = () => hist.recorders[HOP_DECISION]!.count;
  const hedge = (id: number) => sink.newOrder(id, 12, 0, 0, SIDE_BUY, 60000, 0.01, TIF_IOC, ROLE_HEDGE, 1, 2, 0, 0);
  sink.readNs = 1; // the quote's read time (StrategyAgent.onRecord)
  sink.newOrder(6, 11, 0, 0, SIDE_BUY, 60000, 0.01, TIF_IOC, ROLE_LEG_BUY, 1, 2, 3, 4);
  sink.newOrder(7, 11, 1, 0, SIDE_SELL, 60000, 0.01, TIF_IOC, ROLE_LEG_SELL, 1, 2, 3, 4);
  t.equal(decisions(), 1, 'the second leg is not a second decision');
  t.equal(hist.recorders[HOP_TICK_TO_INTENT]!.count, 2, 'tick_to_intent has both legs');
  sink.ringIfPending();
  sink.readNs = 1;
  hedge(8);
  t.equal(decisions(), 1, 'a hedge on a quote carries no tick: not a decision value');
  sink.ringIfPending();
});

t.test('afterRing (the live executor on this thread) runs once per ring, with the pair visible, before the journal lines', async (t) => {
  const { sink, consumer, events, leg } = setup(t);
  sink.afterRing = () => { events.push(`executor reads ${consumer.available()}`); };
  leg(11, 12, ROLE_LEG_BUY);
  t.same(events, [], 'not between the legs');
  leg(12, 12, ROLE_LEG_SELL);
  t.same(events, ['executor reads 2', 'journal 11 (rings 1, visible 2)', 'journal 12 (rings 1, visible 2)']);
  sink.ringIfPending();
  t.equal(events.length, 3, 'nothing pending: no second call');
  leg(13, 14, ROLE_HEDGE);
  sink.ringIfPending();
  t.same(events.slice(3), ['executor reads 3', 'journal 13 (rings 2, visible 3)'], 'a lone intent: at the end of the decision');
});
