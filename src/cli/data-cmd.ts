/**
 * `xarb data`: tools for the market-data store (src/data).
 *
 *   xarb data cat FILE [--depth N]   replay a store file through the venue's parser and book
 *                                    sync; one JSON line per book change on stdout
 *   xarb data synth ...              synthetic data (module ./data-synth.js, when present)
 */
import { parseArgs, opt, UsageError } from './args.js';
import { BookReplay } from '../data/book-replay.js';
import { RecordingReader } from '../data/recording-reader.js';

const USAGE = 'usage: xarb data cat FILE [--depth N]\n       xarb data synth ...';

/** Subcommands that live in other modules, loaded only when asked for. */
const PLUGGED: Record<string, string> = { synth: './data-synth.js' };

export async function run(argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'cat') return cat(argv.slice(1));
  const plugged = PLUGGED[sub];
  if (plugged !== undefined) return runPlugged(sub, plugged, argv.slice(1));
  process.stderr.write(`xarb data: unknown subcommand "${sub}"\n${USAGE}\n`);
  return 2;
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
    const args = parseArgs(argv, ['help']);
    if (args.flags.has('help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError('data cat takes exactly one FILE');
    file = args.positionals[0]!;
    const d = opt(args, 'depth');
    if (d !== undefined) {
      depth = Number(d);
      if (!Number.isInteger(depth) || depth < 1) throw new UsageError(`--depth must be a positive integer, got "${d}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`xarb data cat: ${err.message}\n${USAGE}\n`);
      return 2;
    }
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
