import t from 'tap';
import { ceilToStep, decimalScale, floorToStep } from '../../src/strategy/rounding.js';
import { edgeBps, worstCaseEdgeBps } from '../../src/strategy/spread.js';

t.test('decimalScale is 10^decimals of the step', async (t) => {
  t.equal(decimalScale(0.01), 100);
  t.equal(decimalScale(0.00001), 100000);
  t.equal(decimalScale(1e-8), 1e8);
  t.equal(decimalScale(0.5), 10);
  t.equal(decimalScale(5), 1);
});

t.test('floor and ceil land exactly on the step, without float residue', async (t) => {
  t.equal(floorToStep(0.1234567, 0.00001, 1e5), 0.12345);
  t.equal(floorToStep(0.3, 0.1, 10), 0.3, '0.3 / 0.1 is 2.9999999999999996 in binary, still 3 steps');
  t.equal(ceilToStep(100.01, 0.01, 100), 100.01, 'a price already on the tick is unchanged');
  t.equal(ceilToStep(30015.015005, 0.01, 100), 30015.02);
  t.equal(floorToStep(30184.9, 0.1, 10), 30184.9);
  t.equal(floorToStep(30184.95, 0.1, 10), 30184.9);
  t.equal(ceilToStep(30184.91, 0.1, 10), 30185);
  t.equal(floorToStep(0.000009, 0.00001, 1e5), 0, 'less than one step floors to zero');
});

t.test('edge formula: fees and slippage are subtracted', async (t) => {
  // (30100·0.999 − 30000·1.001) / 30000 · 1e4 = 13.3 bps, minus 2 bps slippage
  t.ok(Math.abs(edgeBps(30000, 30100, 0.001, 0.001, 0.0002) - 11.3) < 1e-9);
  t.ok(Math.abs(edgeBps(30000, 30100, 0, 0, 0) - 33.333333333333336) < 1e-9);
  t.ok(worstCaseEdgeBps(30003, 30096.9, 0.001, 0.001) > 0);
  t.ok(worstCaseEdgeBps(30000, 30030, 0.001, 0.001) < 0);
});
