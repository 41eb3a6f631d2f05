/**
 * The bot in live mode against the simulator, as an operator runs it: the executor checks the
 * venues' balances every `execution.live.balance_check_s` against its own fills while it
 * trades; a balance drift injected by the simulator halts new entries with the reason (the
 * strategy's halt and a `risk` journal entry naming the venue, the asset and both figures)
 * and raises the `balance_drift` alert; the bot still stops in order.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { SIM_KEYS } from '../../src/sim/order-entry-keys.js';
import { configSet, shipped } from '../config/config-set.js';
import { startRunningBot, waitFor } from '../helpers/running-bot.js';

t.setTimeout(240_000);

type Entry = Record<string, unknown>;

t.test('live on the simulator: a balance drift halts new entries with its reason and the balance_drift alert', { timeout: 220_000 }, async (t) => {
  const config = configSet(t, { 'arbitrage.toml': shipped('arbitrage.toml') + '\n[execution.live]\nbalance_check_s = 1\n' });
  const bot = await startRunningBot({
    mode: 'live', config, args: ['--duration', '0'], timeoutMs: 200_000,
    env: { ...process.env, BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
      BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey },
  });
  t.teardown(() => bot.stop());
  const executor = async (): Promise<Record<string, number> | undefined> => {
    const raw = (await (await fetch(`${bot.monitorUrl}/status/raw`)).json()) as { actors?: Record<string, { stats?: Record<string, number> }> };
    return raw.actors?.['executor']?.stats;
  };
  // The first quiet read of each venue is the baseline; a second round compares.
  await waitFor('balance checks on both venues', async () => ((await executor())?.['balance_checks'] ?? 0) >= 4 ? true : undefined, 120_000);
  t.equal((await executor())!['balance_drift'], 0, 'no drift while only xarb trades');
  const f = await fetch(`${bot.simUrl}/__sim/fault`, { method: 'POST', body: JSON.stringify({ kind: 'balance_drift', venue: 'binance', asset: 'USDT', amount: -5000 }) });
  t.equal(f.status, 200);
  const journal = (): Entry[] => fs.readFileSync(path.join(bot.runDir, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Entry);
  const alert = await waitFor('the balance_drift alert', () => journal().find((e) => e['type'] === 'alert' && e['kind'] === 'balance_drift'), 60_000);
  t.equal(alert['state'], 'firing');
  const risk = journal().find((e) => e['type'] === 'risk' && e['rule'] === 'balance_drift')!;
  t.match(risk, { action: 'halt', detail: /^balance drift: binance USDT venue [\d.]+ vs expected [\d.]+ \(Δ -5000/ }, 'the reason names venue, asset and figures');
  t.ok(journal().some((e) => e['type'] === 'halt' && /balance drift: binance USDT/.test(String(e['reason']))), 'the strategy halted with that reason');
  t.ok(bot.lines.some((l) => l.includes('"level":50') && l.includes('new entries halted until an operator resumes')), 'one error line');
  t.equal((await executor())!['balance_drift'], 1);
  t.equal(await bot.stop(), 0, 'an orderly stop');
});
