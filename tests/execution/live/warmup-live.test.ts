/**
 * OrderPathWarmer / warmUpLiveExecutor: synthetic pairs through a throwaway LiveExecutor whose
 * clients send nothing, before the first real intent and then while idle (one pair at a time).
 * It sends every synthetic order (so the whole order path ran) and touches nothing of the
 * caller's: no journal, no budget, no client.
 */
import t from 'tap';
import { OrderPathWarmer, warmUpLiveExecutor } from '../../../src/execution/live/warmup-live.js';
import { wireBatch } from '../../../src/execution/live/wire-batch.js';

const FILTERS = [
  { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } },
  { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001, minQty: 0.000048, minNotional: 5 } },
];
let ns = 0;
const clock = (): number => (ns += 1000);

t.test('every synthetic pair goes through the order path, both legs', async (t) => {
  const warmer = OrderPathWarmer.create(['BTCUSDT'], FILTERS, clock)!;
  t.equal(await warmUpLiveExecutor(warmer, 200), 400);
  t.notOk(wireBatch.holding, 'the thread\'s wire batch is not left holding');
  t.equal(wireBatch.count, 0);
});

t.test('one idle pass: one more pair, sent synchronously, settled on the next turn', async (t) => {
  const warmer = OrderPathWarmer.create(['BTCUSDT'], FILTERS, clock)!;
  await warmUpLiveExecutor(warmer, 70);
  warmer.pair();
  t.equal(warmer.sent, 142);
  for (let i = 0; i < 100; i++) {
    warmer.pair();
    await Promise.resolve();
  }
  await warmer.whenIdle();
  t.equal(warmer.sent, 342, 'passes one at a time never run out of tracker slots');
});

t.test('without filters for both venues there is nothing to warm', async (t) => {
  t.equal(OrderPathWarmer.create(['BTCUSDT'], [FILTERS[0], undefined], clock), null);
  t.equal(OrderPathWarmer.create([], FILTERS, clock), null);
});
