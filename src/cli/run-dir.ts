/**
 * Where a bot run writes: a NEW directory under the runs folder, every time, unless the
 * operator explicitly continues an earlier run with `--resume RUN`. Checked before anything
 * starts (simulator, workers), so an unusable runs folder is one clear line and exit 2, not a
 * stack trace or a half-started process.
 * - `--run-id ID` of an existing run is refused: appending a second run to a crashed run's
 *   journal made its report look like one clean run.
 * - A generated id that collides (same second, same random suffix) is drawn again; the
 *   directory is created with an exclusive mkdir, so two processes never share one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJournal } from '../report/journal.js';
import { runStatus, type RunStatus } from '../report/run-status.js';

export class RunDirError extends Error {
  override readonly name = 'RunDirError';
}

export interface RunDirChoice {
  runsDir: string;
  runId: string;
  runDir: string;
  /** Set when continuing an earlier run (--resume): how that run's journal ended. */
  resumed: { previous: RunStatus['status']; segments: number; openRounds: number; exposureLeftOpen: boolean } | null;
}

export interface RunDirRequest {
  runsDir: string;
  /** --run-id: the name of a new run. */
  runId?: string;
  /** --resume: an existing run's id (under runsDir) or its directory. */
  resume?: string;
  /** Draws a fresh id (run-cmd's newRunId). */
  newId: () => string;
}

const JOURNAL = 'journal.jsonl';

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code !== undefined ? `${e.code} ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}` : String(err);
}

function validId(id: string): void {
  if (id === '' || id === '.' || id === '..' || /[/\\\0]/.test(id)) {
    throw new RunDirError(`--run-id "${id}" must be a plain directory name`);
  }
}

/** Creates the runs folder if needed and checks that a run can be written in it. */
function usableRunsDir(runsDir: string): void {
  try {
    fs.mkdirSync(runsDir, { recursive: true });
  } catch (err) {
    throw new RunDirError(`runs directory ${runsDir} is not usable: ${reason(err)}`);
  }
  try {
    fs.accessSync(runsDir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw new RunDirError(`runs directory ${runsDir} is not writable: ${reason(err)}`);
  }
}

export function chooseRunDir(req: RunDirRequest): RunDirChoice {
  const runsDir = path.resolve(req.runsDir);
  if (req.resume !== undefined) {
    if (req.runId !== undefined) throw new RunDirError('--run-id names a new run and --resume an existing one: give one of them');
    return resumeRun(runsDir, req.resume);
  }
  usableRunsDir(runsDir);
  if (req.runId !== undefined) {
    validId(req.runId);
    const runDir = path.join(runsDir, req.runId);
    if (fs.existsSync(runDir)) {
      throw new RunDirError(`run "${req.runId}" already exists in ${runsDir}${describe(runDir)}; `
        + `choose a new --run-id, or continue it with --resume ${req.runId}`);
    }
    create(runDir);
    return { runsDir, runId: req.runId, runDir, resumed: null };
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const runId = req.newId();
    const runDir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(runDir);
      return { runsDir, runId, runDir, resumed: null };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RunDirError(`cannot create run directory ${runDir}: ${reason(err)}`);
    }
  }
  throw new RunDirError(`could not find a free run id under ${runsDir} after 20 tries`);
}

function create(runDir: string): void {
  try {
    fs.mkdirSync(runDir);
  } catch (err) {
    throw new RunDirError(`cannot create run directory ${runDir}: ${reason(err)}`);
  }
}

function describe(runDir: string): string {
  const file = path.join(runDir, JOURNAL);
  if (!fs.existsSync(file)) return '';
  try {
    const s = runStatus(readJournal(file).entries);
    return ` (its journal ${s.status === 'crashed' ? 'has no run_end: it crashed' : s.exposureLeftOpen ? 'ended with exposure left open' : 'ended in order'})`;
  } catch {
    return '';
  }
}

function resumeRun(runsDir: string, which: string): RunDirChoice {
  // An id under the runs folder, or a path to a run directory.
  const byId = !/[/\\]/.test(which) ? path.join(runsDir, which) : null;
  const runDir = byId !== null && fs.existsSync(byId) ? byId : path.resolve(which);
  const file = path.join(runDir, JOURNAL);
  if (!fs.existsSync(file)) {
    throw new RunDirError(`--resume ${which}: no run there (no ${JOURNAL} in ${runDir})`);
  }
  try {
    fs.accessSync(runDir, fs.constants.W_OK | fs.constants.X_OK);
    fs.accessSync(file, fs.constants.W_OK);
  } catch (err) {
    throw new RunDirError(`--resume ${which}: run directory ${runDir} is not writable: ${reason(err)}`);
  }
  const s = runStatus(readJournal(file).entries);
  return {
    runsDir: path.dirname(runDir), runId: path.basename(runDir), runDir,
    resumed: { previous: s.status, segments: s.segments.length, openRounds: s.openRounds.length, exposureLeftOpen: s.exposureLeftOpen },
  };
}
