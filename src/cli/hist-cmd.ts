/**
 * `xarb hist`: read HdrHistogram interval logs (.hlog) from any writer and show, compare or
 * plot them.
 *
 *   xarb hist show FILE.hlog [--tag T] [--unit ns|us|ms|s]
 *   xarb hist compare A.hlog B.hlog [--tag T] [--unit ...]
 *   xarb hist plot FILE.hlog... -o out.svg [--tag T] [--unit ...] [--title TEXT]
 *
 * `--start T` / `--end T` select the intervals that start in [T_start, T_end): T is seconds
 * since the log's first interval (e.g. `--start 10` skips a warm-up) or an ISO 8601 time
 * (e.g. 2026-01-05T12:00:00Z, for logs with a StartTime/BaseTime).
 * `--unit` is the unit of the values recorded in the logs. Default: the log's own
 * `#[ValueUnit: ...]` comment (xarb writes `ns`), else ns.
 * Piped or --json: one JSON line per command on stdout (output.ts): show/compare carry the rows
 * (percentiles in ns), plot the file written.
 * Exit codes: 0 ok, 2 usage or input error (message on stderr).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { opt, optAll, parseArgs, printHelp, UsageError, usageFailure, type CommandSpec, type OptionSpec } from './args.js';
import { HlogFormatError, hlogTags, mergeTag, parseHlog } from '../report/hlog-reader.js';
import type { HlogFile } from '../report/hlog-reader.js';
import { formatCompareTable, formatPercentileTable, NS_PER_UNIT, percentileRow, TABLE_PERCENTILES } from '../report/percentile-table.js';
import type { PercentileRow } from '../report/percentile-table.js';
import { renderPercentilePlot } from '../report/svg-plot.js';
import { emit, JSON_OPTION, outputModeOf } from './output.js';
import type { PlotSeries } from '../report/svg-plot.js';

const TAG: OptionSpec = { name: 'tag', type: 'string', value: 'T', multiple: true, default: 'every tag in the logs', help: `histogram tag to show; "(untagged)" selects untagged lines` };
const UNIT: OptionSpec = { name: 'unit', type: 'string', value: 'ns|us|ms|s', default: 'the log\'s own, else ns', help: 'unit the values were recorded in' };
const START: OptionSpec = { name: 'start', type: 'string', value: 'T', default: 'the first interval', help: 'first interval to include: seconds since the log\'s first interval, or an ISO 8601 time' };
const END: OptionSpec = { name: 'end', type: 'string', value: 'T', default: 'the last interval', help: 'last interval to include (same forms as --start)' };
const SUB_SPECS: Record<string, CommandSpec> = {
  show: {
    name: 'xarb hist show', usage: ['xarb hist show FILE.hlog [--tag T]... [--unit ns|us|ms|s]'],
    summary: 'Percentile table of each histogram tag in a latency .hlog (merged over its intervals).', options: [TAG, UNIT, START, END, JSON_OPTION], maxPositionals: 1,
  },
  compare: {
    name: 'xarb hist compare', usage: ['xarb hist compare A.hlog B.hlog [--tag T]... [--unit ns|us|ms|s]'],
    summary: 'Percentiles of two .hlog files side by side, per tag, with the ratio B/A.', options: [TAG, UNIT, START, END, JSON_OPTION], maxPositionals: 2,
  },
  plot: {
    name: 'xarb hist plot', usage: ['xarb hist plot FILE.hlog... -o out.svg [--tag T]... [--unit ns|us|ms|s] [--title TEXT]'],
    summary: 'Percentile curves (SVG) of one or more .hlog files.',
    options: [
      { name: 'out', short: 'o', type: 'string', value: 'FILE.svg', help: 'where to write the SVG (required)' },
      TAG, UNIT, { name: 'title', type: 'string', value: 'TEXT', default: 'Latency by percentile', help: 'plot title' }, START, END,
      { name: 'linear', type: 'boolean', help: 'linear latency axis (default: logarithmic)' }, JSON_OPTION,
    ],
  },
};
export const HIST_SPEC: CommandSpec = {
  name: 'xarb hist',
  usage: ['xarb hist show FILE.hlog [options]', 'xarb hist compare A.hlog B.hlog [options]', 'xarb hist plot FILE.hlog... -o out.svg [options]'],
  summary: 'Reads latency .hlog files (HdrHistogram interval logs) written by runs and benchmarks.',
  subcommands: [
    { name: 'show', help: 'percentile table per tag' }, { name: 'compare', help: 'two logs side by side' }, { name: 'plot', help: 'percentile curves as SVG' },
  ],
  options: SUB_SPECS.plot!.options,
  notes: ['xarb hist COMMAND --help shows the options of one command', 'exit codes: 0 ok, 2 usage or input error'],
};

const UNTAGGED = '(untagged)';

/** A missing file, an unreadable one, or an output that cannot be written. */
export class HistInputError extends Error {
  override readonly name = 'HistInputError';
}

interface LoadedLog {
  name: string;
  file: HlogFile;
  unit: string;
  unitSource: string;
}

/** An interval window: [start, end) in the log's seconds; an option is seconds since the first interval or an ISO time. */
interface Window { start: string | undefined; end: string | undefined }

function bound(v: string, first: number, name: string): number {
  if (/^-?\d+(\.\d+)?$/.test(v.trim())) return first + Number(v);
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} takes seconds since the log's first interval or an ISO 8601 time, got "${v}"`);
  return ms / 1000;
}

/** The log with only the intervals that start inside the window. */
export function selectWindow(file: HlogFile, w: Window): HlogFile {
  if (w.start === undefined && w.end === undefined) return file;
  const first = Math.min(...file.intervals.map((i) => i.startSec));
  const lo = w.start === undefined ? -Infinity : bound(w.start, first, 'start');
  const hi = w.end === undefined ? Infinity : bound(w.end, first, 'end');
  if (!(hi > lo)) throw new UsageError(`--end must be after --start`);
  return { ...file, intervals: file.intervals.filter((i) => i.startSec >= lo && i.startSec < hi) };
}

function windowOf(args: ReturnType<typeof parseArgs>): Window {
  return { start: opt(args, 'start'), end: opt(args, 'end') };
}

async function load(file: string, unitOption: string | undefined, window: Window = { start: undefined, end: undefined }): Promise<LoadedLog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HistInputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(err)})`);
  }
  const all = parseHlog(text, file);
  const parsed = selectWindow(all, window);
  if (parsed.intervals.length === 0 && all.intervals.length > 0) throw new HistInputError(`${file}: no interval starts between --start and --end`);
  const unit = unitOption ?? parsed.valueUnit ?? 'ns';
  const unitSource = unitOption !== undefined ? '--unit' : parsed.valueUnit !== null ? 'from the log' : 'assumed; set --unit';
  if (NS_PER_UNIT[unit] === undefined) throw new HistInputError(`${file}: unknown value unit "${unit}" (use --unit ns|us|ms|s)`);
  return { name: file, file: parsed, unit, unitSource };
}

function unitOf(args: ReturnType<typeof parseArgs>): string | undefined {
  const u = opt(args, 'unit');
  if (u !== undefined && NS_PER_UNIT[u] === undefined) throw new UsageError(`--unit must be ns, us, ms or s (got "${u}")`);
  return u;
}

function tagLabel(tag: string | null): string { return tag ?? UNTAGGED; }

function tagList(args: ReturnType<typeof parseArgs>): string {
  return optAll(args, 'tag').map((t) => `"${t}"`).join(' or ');
}

/** Tags to show: `--tag` if given (UNTAGGED selects untagged lines), else every tag of the logs. */
function selectTags(logs: LoadedLog[], tagOptions: string[]): Array<string | null> {
  if (tagOptions.length > 0) return tagOptions.map((t) => (t === UNTAGGED ? null : t));
  const tags: Array<string | null> = [];
  for (const l of logs) for (const t of hlogTags(l.file)) if (!tags.includes(t)) tags.push(t);
  return tags;
}

function rowOf(log: LoadedLog, tag: string | null): PercentileRow | null {
  const h = mergeTag(log.file, tag);
  return h === null ? null : percentileRow(tagLabel(tag), h, NS_PER_UNIT[log.unit]!);
}

/** A percentile row as JSON: count and p50 … max in ns. */
function rowJson(r: PercentileRow): Record<string, unknown> {
  const ns: Record<string, number> = {};
  TABLE_PERCENTILES.forEach((p, i) => { ns[`p${p}`] = r.valuesNs[i]!; });
  ns['max'] = r.valuesNs[TABLE_PERCENTILES.length]!;
  return { tag: r.label, count: r.count, ns };
}

function intervalsOf(log: LoadedLog, tag: string | null): number {
  return log.file.intervals.filter((i) => i.tag === tag).length;
}

async function show(args: ReturnType<typeof parseArgs>): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('hist show takes one FILE.hlog');
  const log = await load(args.positionals[0]!, unitOf(args), windowOf(args));
  const tags = selectTags([log], optAll(args, 'tag'));
  const rows = tags.map((t) => rowOf(log, t)).filter((r): r is PercentileRow => r !== null);
  if (rows.length === 0) throw new HistInputError(`${log.name}: no histogram tagged ${tagList(args)}`);
  let out = `${log.name}: ${log.file.intervals.length} intervals, values recorded in ${log.unit} (${log.unitSource})\n\n`;
  out += formatPercentileTable(rows);
  emit(outputModeOf(args), { type: 'hist_show', file: log.name, unit: log.unit, intervals: log.file.intervals.length, tags: rows.map(rowJson) }, out);
  return 0;
}

async function compare(args: ReturnType<typeof parseArgs>): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError('hist compare takes two files: A.hlog B.hlog');
  const unit = unitOf(args);
  const a = await load(args.positionals[0]!, unit, windowOf(args));
  const b = await load(args.positionals[1]!, unit, windowOf(args));
  const tags = selectTags([a, b], optAll(args, 'tag'));
  let out = `A: ${a.name} (${a.unit}, ${a.unitSource})\nB: ${b.name} (${b.unit}, ${b.unitSource})\n`;
  let found = 0;
  const json: unknown[] = [];
  for (const tag of tags) {
    const ra = rowOf(a, tag);
    const rb = rowOf(b, tag);
    if (ra === null && rb === null) continue;
    found++;
    json.push({ tag: tagLabel(tag), a: ra === null ? null : rowJson(ra), b: rb === null ? null : rowJson(rb) });
    out += `\n[${tagLabel(tag)}]  intervals: A ${intervalsOf(a, tag)}, B ${intervalsOf(b, tag)}\n`;
    out += formatCompareTable(ra, rb);
  }
  if (found === 0) throw new HistInputError(`no histogram tagged ${tagList(args)} in either file`);
  emit(outputModeOf(args), { type: 'hist_compare', a: a.name, b: b.name, tags: json }, out);
  return 0;
}

async function plot(args: ReturnType<typeof parseArgs>): Promise<number> {
  const outFile = opt(args, 'out');
  if (outFile === undefined) throw new UsageError('hist plot needs -o out.svg');
  if (args.positionals.length === 0) throw new UsageError('hist plot needs at least one FILE.hlog');
  const unit = unitOf(args);
  const logs: LoadedLog[] = [];
  for (const f of args.positionals) logs.push(await load(f, unit, windowOf(args)));
  const tagOption = optAll(args, 'tag');
  const series: PlotSeries[] = [];
  for (const log of logs) {
    for (const tag of selectTags([log], tagOption)) {
      const h = mergeTag(log.file, tag);
      if (h === null) continue;
      const label = logs.length > 1 ? `${path.basename(log.name)} ${tagLabel(tag)}` : tagLabel(tag);
      series.push({ label, histogram: h, nsPerUnit: NS_PER_UNIT[log.unit]! });
    }
  }
  if (series.length === 0) throw new HistInputError(`no histogram tagged ${tagList(args)} in the given files`);
  const svg = renderPercentilePlot(series, { title: opt(args, 'title') ?? 'Latency by percentile', logY: !args.flags.has('linear') });
  try {
    await writeFile(outFile, svg);
  } catch (err) {
    throw new HistInputError(`${outFile}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  emit(outputModeOf(args), { type: 'hist_plot', file: outFile, curves: series.map((s) => s.label) }, `${outFile}: ${series.length} curves\n`);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const first = argv[0];
  const sub = first !== undefined && !first.startsWith('-') ? first : undefined;
  const spec = (sub !== undefined ? SUB_SPECS[sub] : undefined) ?? HIST_SPEC;
  try {
    const args = parseArgs(spec === HIST_SPEC ? argv : argv.slice(1), spec);
    if (args.flags.has('help') || sub === 'help') return printHelp(spec);
    switch (sub) {
      case 'show': return await show(args);
      case 'compare': return await compare(args);
      case 'plot': return await plot(args);
      default: throw new UsageError(sub === undefined ? 'missing command: show, compare or plot' : `unknown hist command "${sub}" (show, compare or plot)`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(spec, err);
    if (err instanceof HlogFormatError || err instanceof HistInputError) {
      process.stderr.write(`xarb hist: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
