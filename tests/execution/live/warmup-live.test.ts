/**
 * warmUpLiveExecutor: synthetic pairs through a throwaway LiveExecutor whose clients send
 * nothing, before the first real intent. It sends every synthetic order (so the whole order
 * path ran) and touches nothing of the caller's: no journal, no budget, no client.
 */
import t from 'tap';
import { warmUpLiveExecutor } from '../../../src/execution/live/warmup-live.js';
import { wireBatch } from '../../../src/execution/live/wire-batch.js';

const FILTERS = [
  { BTCUSDT: { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 } },
  { BTCUSDT: { tickSize: 0.1, stepSize: 0.000001, minQty: 0.000048, minNotional: 5 } },
];
let ns = 0;
const clock = (): number => (ns += 1000);

t.test('every synthetic pair goes through the order path, both legs', async (t) => {
  t.equal(await warmUpLiveExecutor(['BTCUSDT'], FILTERS, 200, clock), 400);
  t.notOk(wireBatch.holding, 'the thread\'s wire batch is not left holding');
  t.equal(wireBatch.count, 0);
});

t.test('without filters for both venues it does nothing', async (t) => {
  t.equal(await warmUpLiveExecutor(['BTCUSDT'], [FILTERS[0], undefined], 10, clock), 0);
  t.equal(await warmUpLiveExecutor([], FILTERS, 10, clock), 0);
});
