/** The bot's `--record [DIR]`: the value is optional. */
import t from 'tap';
import { takeRecordOption } from '../../src/cli/record-option.js';

t.test('--record with and without a directory', async (t) => {
  t.same(takeRecordOption(['--mode', 'dry-run']), { argv: ['--mode', 'dry-run'], dir: undefined }, 'absent');
  t.same(takeRecordOption(['--record', '--runs-dir', 'x']), { argv: ['--runs-dir', 'x'], dir: '' }, 'followed by an option: default dir');
  t.same(takeRecordOption(['--duration', '8s', '--record']), { argv: ['--duration', '8s'], dir: '' }, 'last: default dir');
  t.same(takeRecordOption(['--record', 'data/paper', '--no-status']), { argv: ['--no-status'], dir: 'data/paper' }, 'with a directory');
  t.same(takeRecordOption(['--record=d']), { argv: [], dir: 'd' }, '--record=DIR');
});
