/**
 * `xarb data`: tools for the market-data store (src/data).
 *
 *   xarb data cat FILE [--depth N]   replay a store file through the venue's parser and book
 *                                    sync; one JSON line per book change on stdout
 *   xarb data synth ...              synthetic data (module ./data-synth.js, when present)
 */
import { parseArgs, opt, printHelp, UsageError, usageFailure, type CommandSpec } from './args.js';
import { BookReplay } from '../data/book-replay.js';
import { RecordingReader } from '../data/recording-reader.js';

export const DATA_SPEC: CommandSpec = {
  name: 'xarb data',
  usage: ['xarb data cat FILE [--depth N]', 'xarb data synth --config FILE --start-date D [--end-date D] [options]'],
  summary: 'Tools for the market-data store.',
  subcommands: [
    { name: 'cat', help: 'replay a store file through the venue\'s parser and book sync; one JSON line per book change' },
    { name: 'synth', help: 'write synthetic days of both venues into the store' },
  ],
  options: [],
  maxPositionals: 0,
  notes: ['xarb data COMMAND --help shows the options of one command'],
};

export const CAT_SPEC: CommandSpec = {
  name: 'xarb data cat',
  usage: ['xarb data cat FILE [--depth N]'],
  summary: 'Replays one store file through the venue\'s parser and book sync and prints one JSON line per book change on stdout.',
  options: [
    { name: 'depth', type: 'string', value: 'N', default: '1', help: 'book levels per side in each line' },
    { name: 'json', type: 'boolean', help: 'accepted for consistency: the output is always JSON lines' },
  ],
  maxPositionals: 1,
};

/** Subcommands that live in other modules, loaded only when asked for. */
const PLUGGED: Record<string, string> = { synth: './data-synth.js' };

export async function run(argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === 'cat') return cat(argv.slice(1));
  const plugged = sub !== undefined ? PLUGGED[sub] : undefined;
  if (sub !== undefined && plugged !== undefined) return runPlugged(sub, plugged, argv.slice(1));
  try {
    const args = parseArgs(argv, DATA_SPEC);
    if (args.flags.has('help')) return printHelp(DATA_SPEC);
    throw new UsageError('missing command: cat or synth');
  } catch (err) {
    if (err instanceof UsageError) {
      return usageFailure(DATA_SPEC, sub !== undefined && !sub.startsWith('-') ? new UsageError(`unknown data command "${sub}" (cat or synth)`) : err);
    }
    throw err;
  }
}

async function runPlugged(sub: string, specifier: string, argv: string[]): Promise<number> {
  let mod: { run(argv: string[]): Promise<number> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(specifier.slice(2))) {
      process.stderr.write(`xarb data ${sub}: not available\n`);
      return 2;
    }
    throw err;
  }
  return mod.run(argv);
}

/** Writes through stdout, waiting when its buffer is full (a month of lines must stream). */
class LineOut {
  private chunk = '';
  /** Set when the reader went away (`| head`): stop quietly. */
  closed = false;
  constructor() {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code !== 'EPIPE') process.stderr.write(`xarb data cat: stdout: ${err.message}\n`);
    });
  }
  async push(line: string): Promise<void> {
    this.chunk += line;
    if (this.chunk.length >= 64 * 1024) await this.flush();
  }
  async flush(): Promise<void> {
    const c = this.chunk;
    this.chunk = '';
    if (c.length === 0 || this.closed) return;
    if (!process.stdout.write(c)) {
      await new Promise<void>((resolve) => {
        process.stdout.once('drain', resolve);
        process.stdout.once('error', () => resolve());
      });
    }
  }
}

async function cat(argv: string[]): Promise<number> {
  let file: string;
  let depth = 1;
  try {
    const args = parseArgs(argv, CAT_SPEC);
    if (args.flags.has('help')) return printHelp(CAT_SPEC);
    if (args.positionals.length !== 1) throw new UsageError('data cat takes exactly one FILE');
    file = args.positionals[0]!;
    const d = opt(args, 'depth');
    if (d !== undefined) {
      depth = Number(d);
      if (!Number.isInteger(depth) || depth < 1) throw new UsageError(`--depth must be a positive integer, got "${d}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(CAT_SPEC, err);
    throw err;
  }
  let reader: RecordingReader;
  let replay: BookReplay;
  try {
    reader = await RecordingReader.open(file);
    replay = new BookReplay(reader.header, depth);
  } catch (err) {
    process.stderr.write(`xarb data cat: ${(err as Error).message}\n`);
    return 1;
  }
  const out = new LineOut();
  while (!out.closed) {
    let s = reader.nextSync();
    if (s === 0) s = await reader.next();
    if (s < 0) break;
    const line = replay.onEvent(reader);
    if (line !== null) await out.push(JSON.stringify(line) + '\n');
  }
  await out.flush();
  reader.close();
  const c = replay.counters;
  if (c.unsynced > 0) process.stderr.write(`xarb data cat: ${c.unsynced} depth updates not printed: book not synced (before a snapshot or after a gap)\n`);
  if (c.parseErrors > 0) process.stderr.write(`xarb data cat: ${c.parseErrors} frames the ${reader.header.venue} parser rejected\n`);
  if (reader.truncated || reader.badLines > 0) {
    process.stderr.write(`xarb data cat: ${file}: ${reader.problem ?? 'damaged'} (${reader.badLines} unreadable lines); printed what was readable\n`);
  }
  return 0;
}
