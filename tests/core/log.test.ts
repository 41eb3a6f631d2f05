import t from 'tap';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { createLogger, prettyLine } from '../../src/core/log.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SECRETS = { BINANCE_API_KEY: 'bn-KEY-aaaa', BINANCE_SECRET_KEY: 'bn-SECRET-bbbb', BYBIT_API_KEY: 'by-KEY-cccc', BYBIT_SECRET_KEY: 'by-SECRET-dddd' };
const SECRET_RE = /bn-KEY|bn-SECRET|by-KEY|by-SECRET|sig-eeee/;

function capture(pretty: boolean): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty, name: 'test', destination: { write: (s: string) => void lines.push(s) } });
  return { lines, log };
}

const cfg = loadConfig(path.join(REPO_ROOT, 'config', 'arbitrage.toml'), { mode: 'live', env: SECRETS });

for (const pretty of [false, true]) {
  t.test(`a logged configuration shows no secret (${pretty ? 'pretty' : 'JSON'})`, async (t) => {
    const { lines, log } = capture(pretty);
    log.info({ cfg }, 'config loaded');
    log.info(cfg.venues.binance, 'venue');
    log.info({ auth: cfg.venues.bybit.auth }, 'auth');
    const out = lines.join('');
    t.match(out, /config loaded/);
    t.match(out, /stream\.binance\.com/, 'non-secret values are kept');
    t.notMatch(out, SECRET_RE);
  });

  t.test(`request headers, signatures and keys are redacted (${pretty ? 'pretty' : 'JSON'})`, async (t) => {
    const { lines, log } = capture(pretty);
    log.info({ req: { headers: { 'X-MBX-APIKEY': 'bn-KEY-aaaa', 'X-BAPI-SIGN': 'sig-eeee' }, query: { signature: 'sig-eeee' } } }, 'sent');
    log.info({ params: { apiKey: 'bn-KEY-aaaa', signature: 'sig-eeee', symbol: 'BTCUSDT' } }, 'ws-api');
    const out = lines.join('');
    t.match(out, /BTCUSDT/);
    t.notMatch(out, SECRET_RE);
  });
}

t.test('JSON lines by default when not on a terminal', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: 'auto', isTTY: false, destination: { write: (s: string) => void lines.push(s) } });
  log.info({ n: 1 }, 'hello');
  t.match(JSON.parse(lines[0]!), { level: 30, msg: 'hello', n: 1 });
});

t.test('readable lines on a terminal', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', pretty: 'auto', isTTY: true, name: 'main', destination: { write: (s: string) => void lines.push(s) } });
  log.warn({ venue: 'binance', gap: 3 }, 'sequence gap');
  t.match(lines[0], /^\d\d:\d\d:\d\d\.\d{3} WARN  main: sequence gap venue=binance gap=3\n$/);
});

t.test('the level filters records', async (t) => {
  const { lines, log } = capture(false);
  log.debug('hidden');
  t.equal(lines.length, 0);
});

t.test('prettyLine formats fields and error stacks', async (t) => {
  const line = prettyLine(JSON.stringify({ level: 50, time: 0, msg: 'failed', text: 'a b', err: { message: 'boom', stack: 'Error: boom\n    at x' } }));
  t.match(line, /ERROR failed text="a b" err=boom\n {4}Error: boom\n {8}at x$/);
  t.equal(prettyLine('not json'), 'not json');
});
