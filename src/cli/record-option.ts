/**
 * The bot's `--record [DIR]`: an option whose value is optional, which parseArgs (every
 * non-boolean option takes the next argument) cannot express. Taken out of argv first.
 *   --record            record to the default place (runs/<run-id>/data)
 *   --record DIR        record to DIR (the next argument, unless it starts with "-")
 *   --record=DIR        same
 */
export interface RecordOption {
  /** argv without the --record option. */
  argv: string[];
  /** undefined: not asked; '': the default directory; else the directory given. */
  dir: string | undefined;
}

export function takeRecordOption(argv: readonly string[]): RecordOption {
  const out: string[] = [];
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.push(...argv.slice(i)); break; }
    if (a.startsWith('--record=')) { dir = a.slice('--record='.length); continue; }
    if (a === '--record') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) { dir = next; i++; } else dir = '';
      continue;
    }
    out.push(a);
  }
  return { argv: out, dir };
}
