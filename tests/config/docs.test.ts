import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ARBITRAGE_SCHEMA, leafPaths, venueSchema } from '../../src/config/index.js';
import { REPO_ROOT } from '../helpers/paths.js';

const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');

t.test('docs/configuration.md documents every key of arbitrage.toml', async (t) => {
  for (const key of leafPaths(ARBITRAGE_SCHEMA)) t.ok(docs.includes('`' + key + '`'), key);
});

t.test('docs/configuration.md documents every key of the venue files', async (t) => {
  for (const key of leafPaths(venueSchema('binance'))) t.ok(docs.includes('`' + key + '`'), key);
});
