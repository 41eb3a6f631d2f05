import t from 'tap';
import path from 'node:path';
import { isSecretPath, loadConfig, maskSecrets } from '../../src/config/index.js';
import { REPO_ROOT } from '../helpers/paths.js';

t.test('maskSecrets replaces every set credential by exactly "****"', async (t) => {
  const cfg = loadConfig(path.join(REPO_ROOT, 'config', 'arbitrage.toml'), {
    mode: 'live',
    env: { BINANCE_API_KEY: 'bnkey1234', BINANCE_SECRET_KEY: 'bnsecret5678', BYBIT_API_KEY: 'bykey', BYBIT_SECRET_KEY: 'bysecret' },
  });
  const masked = maskSecrets(cfg);
  // Everything under [auth] is masked, the key type too; unset keys stay visibly empty.
  t.same(masked.venues.binance.auth, { api_key: '****', secret_key: '****', key_type: '****', private_key_path: '', private_key: '' });
  t.same(masked.venues.bybit.auth, { api_key: '****', secret_key: '****', key_type: '****', private_key_path: '', private_key: '' });
  t.notMatch(JSON.stringify(masked), /bnkey|bnsecret|bykey|bysecret/);
  t.equal(cfg.venues.binance.auth.api_key, 'bnkey1234', 'the original is left untouched');
  t.same(masked.strategy, cfg.strategy, 'everything else is kept');
});

t.test('maskSecrets leaves unset credentials empty, so one can see they are unset', async (t) => {
  t.same(maskSecrets({ auth: { api_key: '', secret_key: 'x' } }), { auth: { api_key: '', secret_key: '****' } });
});

t.test('maskSecrets masks secret-named keys at any depth', async (t) => {
  t.same(maskSecrets({ a: [{ b: { secret_key: 'zz', other: 1 } }], password: 7 }), { a: [{ b: { secret_key: '****', other: 1 } }], password: '****' });
});

t.test('isSecretPath: everything under auth and every secret-named key', async (t) => {
  t.ok(isSecretPath('auth.api_key'));
  t.ok(isSecretPath('auth.anything'));
  t.ok(isSecretPath('x.secret_key'));
  t.notOk(isSecretPath('connection.rest_api_url'));
  t.notOk(isSecretPath('strategy.symbols[0]'));
});
