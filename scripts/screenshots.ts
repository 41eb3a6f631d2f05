/**
 * `npm run screenshots`: runs the bot in live mode against the simulator (the simulator's own
 * keys; dislocations every 2.5 s so it trades, and its orders go over the wire, so the latency
 * chart shows tick_to_wire, which dry-run has not), opens its dashboard in headless chromium at a laptop's 1440x900, and writes
 *   docs/img/dashboard.png         the live dashboard after ~30 s of trading
 *   docs/img/dashboard-halted.png  after "Halt" from the page's control (alert firing)
 * Needs /usr/bin/chromium (Debian: apt-get install chromium) or XARB_CHROMIUM.
 */
import path from 'node:path';
import { launchChromium } from '../tests/helpers/chromium.js';
import { startRunningBot, waitFor } from '../tests/helpers/running-bot.js';
import { REPO_ROOT } from '../tests/helpers/paths.js';
import { SIM_KEYS } from '../src/sim/order-entry-keys.js';

const OUT = path.join(REPO_ROOT, 'docs', 'img');

/** What these page functions touch of the browser's window (the project has no DOM typings). */
interface DashboardWindow {
  xarb: { frames: number };
  document: { getElementById(id: string): { textContent: string | null } | null };
}

async function main(): Promise<void> {
  const env = {
    ...process.env,
    BINANCE_API_KEY: SIM_KEYS.binance.apiKey, BINANCE_SECRET_KEY: SIM_KEYS.binance.secretKey,
    BYBIT_API_KEY: SIM_KEYS.bybit.apiKey, BYBIT_SECRET_KEY: SIM_KEYS.bybit.secretKey,
  };
  const bot = await startRunningBot({ mode: 'live', env, args: ['--duration', '120s', '--dislocation-every-ms', '2500'], timeoutMs: 180_000 });
  let chrome: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    chrome = await launchChromium();
    await waitFor('rounds', async () => {
      const s = (await (await fetch(`${bot.monitorUrl}/status`)).json()) as { rounds: { closed: number | null } };
      return (s.rounds.closed ?? 0) >= 4 ? true : undefined;
    }, 90_000).catch(() => undefined);
    const page = await chrome.newPage({ width: 1440, height: 900 });
    await page.goto(`${bot.monitorUrl}/`);
    await page.waitForFunction(() => (globalThis as unknown as DashboardWindow).xarb?.frames > 40, undefined, { timeout: 30_000 });
    await page.screenshot({ path: path.join(OUT, 'dashboard.png') });
    await page.fill('#reason', 'screenshot: operator halt');
    await page.click('button[data-action="halt"]');
    await page.waitForFunction(() => (globalThis as unknown as DashboardWindow).document.getElementById('state')?.textContent === 'HALTED', undefined, { timeout: 15_000 });
    await page.waitForFunction(() => (globalThis as unknown as DashboardWindow).document.getElementById('alerts')?.textContent?.includes('halted') === true, undefined, { timeout: 15_000 });
    await page.screenshot({ path: path.join(OUT, 'dashboard-halted.png') });
    process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(OUT, 'dashboard.png'))} and dashboard-halted.png\n`);
  } finally {
    await chrome?.close();
    await bot.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`screenshots: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
