/**
 * Strict argv parsing shared by the subcommands, on `node:util` parseArgs (its tokens), with
 * the project's rules on top:
 * - every command declares its options (CommandSpec); an unknown option, a missing value, or a
 *   value given to a flag is a UsageError (exit 2) with a "did you mean" suggestion;
 * - `-h`/`--help` is known to every command; the help text is generated from the spec, so
 *   each option's meaning and default are printed from the same table that parses it;
 * - `multiple` options repeat (`--tag a --tag b`); other options given twice keep the last.
 * A value that looks like another option of the command (`--config --json`) is taken as a
 * missing value, not as the value; other values starting with "-" (negative numbers) are
 * values.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { closest } from '../config/suggest.js';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** Long name without the dashes. */
  name: string;
  /** One-letter alias (`-o`). */
  short?: string;
  /** Flags take no value; strings take the next argument or `--name=value`. */
  type: 'string' | 'boolean';
  /** Placeholder in the help (FILE, N, 60s, ...). */
  value?: string;
  /** The value may be left out (`--record` or `--record DIR`); absent value = ''. */
  optionalValue?: boolean;
  multiple?: boolean;
  /** Default as the help shows it (the command applies it). */
  default?: string;
  help: string;
}

export interface CommandSpec {
  /** Full command as typed, e.g. "xarb config check". */
  name: string;
  /** Usage lines after "usage: ". */
  usage: string[];
  /** One paragraph: what the command does. */
  summary: string;
  options: OptionSpec[];
  /** Subcommands, for the help of a command that dispatches. */
  subcommands?: { name: string; help: string }[];
  /** Positional arguments accepted (default: any number). */
  maxPositionals?: number;
  /** Trailing notes (exit codes, examples). */
  notes?: string[];
}

const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'print this help on stdout and exit 0' };

/** Parses `argv` against `spec`; `-h`/`--help` sets flags 'help'. Throws UsageError. */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs;
/**
 * Lenient legacy form: `booleanFlags` never take a value, any other `--key` takes the next
 * argument; unknown options are accepted. Kept for callers not yet given a CommandSpec.
 */
export function parseArgs(argv: readonly string[], booleanFlags?: readonly string[]): ParsedArgs;
export function parseArgs(argv: readonly string[], specOrFlags: CommandSpec | readonly string[] = []): ParsedArgs {
  if (Array.isArray(specOrFlags)) return parseLenient(argv, specOrFlags as readonly string[]);
  return parseStrict(argv, specOrFlags as CommandSpec);
}

function allOptions(spec: CommandSpec): OptionSpec[] {
  return spec.options.some((o) => o.name === 'help') ? spec.options : [...spec.options, HELP_OPTION];
}

function parseStrict(argvIn: readonly string[], spec: CommandSpec): ParsedArgs {
  const options = allOptions(spec);
  const byName = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short !== undefined).map((o) => [o.short!, o]));
  const argv = expandOptionalValues(argvIn, options);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple: true }> = {};
  for (const o of options) config[o.name] = { type: o.type, multiple: true, ...(o.short !== undefined ? { short: o.short } : {}) };
  const { tokens } = nodeParseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  const where = spec.name;
  for (const tok of tokens) {
    if (tok.kind === 'positional') { out.positionals.push(tok.value); continue; }
    if (tok.kind === 'option-terminator') continue;
    const o = tok.rawName.startsWith('--') ? byName.get(tok.name) : byShort.get(tok.name) ?? byName.get(tok.name);
    if (o === undefined) {
      const names = options.map((x) => x.name);
      const near = closest(tok.name, names);
      throw new UsageError(`unknown option ${tok.rawName}${near !== undefined ? ` (did you mean --${near}?)` : ''}; see ${where} --help`);
    }
    if (o.type === 'boolean') {
      if (tok.inlineValue === true) throw new UsageError(`option --${o.name} takes no value (got "${tok.value}")`);
      out.flags.add(o.name);
      continue;
    }
    const v = tok.value;
    const looksLikeOption = v !== undefined && tok.inlineValue !== true && isKnownOption(v, byName, byShort);
    if (v === undefined || looksLikeOption) {
      throw new UsageError(`option --${o.name} needs a value${o.value !== undefined ? ` (${o.value})` : ''}`
        + `${looksLikeOption ? `, got the option ${v}` : ''}; see ${where} --help`);
    }
    const list = out.options.get(o.name) ?? [];
    list.push(v);
    out.options.set(o.name, list);
  }
  if (!out.flags.has('help') && spec.maxPositionals !== undefined && out.positionals.length > spec.maxPositionals) {
    const extra = out.positionals[spec.maxPositionals]!;
    throw new UsageError(spec.maxPositionals === 0
      ? `unexpected argument "${extra}"; see ${where} --help`
      : `too many arguments (from "${extra}"); see ${where} --help`);
  }
  return out;
}

function isKnownOption(v: string, byName: Map<string, OptionSpec>, byShort: Map<string, OptionSpec>): boolean {
  if (v.startsWith('--')) return v.length > 2 && byName.has(v.slice(2).split('=')[0]!);
  return /^-[a-zA-Z]$/.test(v) && byShort.has(v.slice(1));
}

/** `--record` with no value (end of argv, or another option next) becomes `--record=`. */
function expandOptionalValues(argv: readonly string[], options: OptionSpec[]): string[] {
  const optional = new Set(options.filter((o) => o.optionalValue === true).map((o) => `--${o.name}`));
  if (optional.size === 0) return [...argv];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.push(...argv.slice(i)); break; }
    if (optional.has(a)) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) { out.push(`${a}=`); continue; }
    }
    out.push(a);
  }
  return out;
}

function parseLenient(argv: readonly string[], booleanFlags: readonly string[]): ParsedArgs {
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

/** The help text of a command: usage, summary, subcommands, every option with its default. */
export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  spec.usage.forEach((u, i) => lines.push(`${i === 0 ? 'usage: ' : '       '}${u}`));
  lines.push('', spec.summary);
  if (spec.subcommands !== undefined && spec.subcommands.length > 0) {
    lines.push('', 'commands:');
    const w = Math.max(...spec.subcommands.map((s) => s.name.length));
    for (const s of spec.subcommands) lines.push(`  ${s.name.padEnd(w)}  ${s.help}`);
  }
  const opts = allOptions(spec);
  const heads = opts.map((o) => {
    const v = o.type === 'string' ? (o.optionalValue === true ? ` [${o.value ?? 'VALUE'}]` : ` ${o.value ?? 'VALUE'}`) : '';
    return `${o.short !== undefined ? `-${o.short}, ` : '    '}--${o.name}${v}`;
  });
  const w = Math.min(34, Math.max(...heads.map((h) => h.length)));
  lines.push('', 'options:');
  opts.forEach((o, i) => {
    const extra = [o.multiple === true ? 'repeatable' : '', o.default !== undefined ? `default: ${o.default}` : ''].filter((x) => x !== '');
    const text = `${o.help}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`;
    const head = heads[i]!;
    if (head.length > w) lines.push(`  ${head}`, `  ${''.padEnd(w)}  ${text}`);
    else lines.push(`  ${head.padEnd(w)}  ${text}`);
  });
  if (spec.notes !== undefined && spec.notes.length > 0) lines.push('', ...spec.notes);
  return lines.join('\n') + '\n';
}

/** Writes the help to stdout; the exit code of a help request (0). */
export function printHelp(spec: CommandSpec): number {
  process.stdout.write(formatHelp(spec));
  return 0;
}

/** `xarb <cmd>: <message>`, the usage lines and where to look, on stderr; the exit code of a usage error (2). */
export function usageFailure(spec: CommandSpec, err: Error): number {
  const usage = spec.usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`).join('\n');
  const hint = err.message.includes('--help') ? '' : `\n(${spec.name} --help describes every option)`;
  process.stderr.write(`${spec.name}: ${err.message}\n${usage}${hint}\n`);
  return 2;
}

export function opt(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

/** Every value of a repeatable option, in order (also splitting comma lists when asked). */
export function optAll(args: ParsedArgs, key: string, splitCommas = false): string[] {
  const v = args.options.get(key) ?? [];
  return splitCommas ? v.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '') : [...v];
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
