import path from 'node:path';

/** One thing wrong with the configuration: which file, which key, what was expected and found. */
export interface ConfigProblem {
  /** The file as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** Dotted key path, e.g. "strategy.min_spread_bps"; "" for a problem with the whole file. */
  path: string;
  expected: string;
  /** What was found; secrets are shown as "<redacted>". */
  found: string;
  /** Set for TOML syntax errors (1-based). */
  line?: number;
  column?: number;
  /** e.g. a "did you mean" suggestion. */
  hint?: string;
}

/** The failure family of configuration loading: carries every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const n = problems.length;
    super(`invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n` + problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** One line, in the `file:line:col: ...` shape editors and terminals recognise. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  const hint = p.hint !== undefined ? ` (${p.hint})` : '';
  if (p.path === '') return `${where}: ${p.found}; expected ${p.expected}${hint}`;
  return `${where}: ${p.path}: expected ${p.expected}, found ${p.found}${hint}`;
}

/** How a file is named in messages: relative to the working directory if it lies inside it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

export const REDACTED = '<redacted>';

/** Describes a found value briefly and safely for an error message. */
export function describeFound(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (secret) return REDACTED;
  if (typeof value === 'string') return clip(JSON.stringify(value));
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'the list ' + clip(safeJson(value));
  if (value instanceof Date) return 'the date ' + value.toISOString();
  if (typeof value === 'object' && value !== null && value.constructor !== Object) return 'the date/time ' + String(value);
  return 'a table';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function clip(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
