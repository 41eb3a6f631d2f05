/** Minimal argv parsing shared by the subcommands: `--key value`, `--flag`, positionals. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `booleanFlags` never take a value; every other `--key` takes the next argument (or `--key=value`). */
export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.positionals.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2 && !/^-\d/.test(a))) {
      const eq = a.indexOf('=');
      const key = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
      if (booleanFlags.includes(key)) { out.flags.add(key); continue; }
      let value: string | undefined;
      if (eq >= 0) value = a.slice(eq + 1);
      else { value = argv[i + 1]; i++; }
      if (value === undefined) throw new UsageError(`option --${key} needs a value`);
      const list = out.options.get(key) ?? [];
      list.push(value);
      out.options.set(key, list);
    } else {
      out.positionals.push(a);
    }
  }
  return out;
}

export function opt(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

/** Parses `500ms`, `60s`, `10m`, `2h`, or a bare number of seconds, into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`bad duration "${text}" (expected e.g. 500ms, 60s, 10m, 2h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
}

/** `--start-date D [--end-date D]` (UTC days, both inclusive; end defaults to start). */
export function dateRange(args: ParsedArgs): { start: string; end: string } {
  const start = opt(args, 'start-date');
  if (start === undefined) throw new UsageError('--start-date YYYY-MM-DD is required (and --end-date, which defaults to it)');
  return { start, end: opt(args, 'end-date') ?? start };
}
