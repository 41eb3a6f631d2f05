/**
 * A disk that fills up, for the full-disk tests: a small tmpfs when this process may mount
 * one (root, as in CI), which fails writes with ENOSPC; otherwise null, and the caller limits
 * the file size of a child process instead (`ulimit -f`, writes fail with EFBIG; Node ignores
 * SIGXFSZ). The tmpfs is unmounted at teardown.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function smallTmpfs(t: { teardown(fn: () => void): void }, bytes: number): string | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'xarb-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  t.teardown(() => {
    spawnSync('umount', [dir], { timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** argv that runs `argv` under a file-size limit of `kib` KiB (bash's ulimit -f unit). */
export function withFileSizeLimit(kib: number, argv: string[]): { file: string; args: string[] } {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return { file: 'bash', args: ['-c', `ulimit -f ${kib} && exec ${quoted}`] };
}
