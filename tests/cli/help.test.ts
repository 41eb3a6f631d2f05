/**
 * Every command and subcommand answers --help (and -h) on stdout with exit 0: usage, what it
 * does, and every option with its meaning and default; nothing on stderr.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, XARB_BIN } from '../helpers/paths.js';

function xarb(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [XARB_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HELPS: string[][] = [
  [], ['config'], ['config', 'check'], ['sim'], ['record'], ['data'], ['data', 'cat'], ['data', 'synth'], ['report'],
  ['import'], ['import', 'tardis'], ['sweep'], ['hist'], ['hist', 'show'], ['hist', 'compare'], ['hist', 'plot'],
];

for (const cmd of HELPS) {
  // -h is the same option as --help (args.ts); checked on a few commands to keep this file short.
  for (const flag of cmd.length === 0 || cmd[0] === 'hist' ? ['--help', '-h'] : ['--help']) {
    t.test(`xarb ${[...cmd, flag].join(' ')}: help on stdout, exit 0`, async (t) => {
      const r = xarb([...cmd, flag]);
      t.equal(r.code, 0, r.stderr);
      t.match(r.stdout, /^usage: xarb/, 'starts with the usage');
      t.match(r.stdout, /\noptions:\n/, 'lists the options');
      t.match(r.stdout, /-h, --help/, 'and --help itself');
      t.equal(r.stderr, '', 'nothing on stderr');
    });
  }
}

