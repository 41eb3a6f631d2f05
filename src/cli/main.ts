/**
 * The `xarb` command. Each subcommand lives in its own module, loaded on demand so that
 * `xarb hist` does not pay for the simulator or the workers.
 *
 * Every module exports `run(argv: string[]): Promise<number>` returning the exit code.
 */
const SUBCOMMANDS: Record<string, string> = {
  hist: './hist-cmd.js',
  config: './config-cmd.js',
  sim: './sim-cmd.js',
  record: './record-cmd.js',
  data: './data-cmd.js',
  report: './report-cmd.js',
  import: './import-cmd.js',
  sweep: './sweep-cmd.js',
  ctl: './ctl-cmd.js',
};

const USAGE = `usage: xarb [--mode dry-run|live] --config FILE [--venues sim | --live-data] [--duration 60s] [--record [DIR]]
                 [--runs-dir DIR] [--run-id ID] [--monitor-port N] [--no-status] [--confirm-live]
       xarb --mode dry-run --config FILE --start-date YYYY-MM-DD --end-date YYYY-MM-DD [--data DIR] [--book top|depth]
                 [--latency-hlog FILE] [--compare runs/<paper>/journal.jsonl]
       xarb config check --config FILE [--mode live] [--json]
       xarb hist show FILE.hlog | compare A.hlog B.hlog | plot FILE.hlog... -o out.svg
       xarb sim [--binance-port N] [--bybit-port N] [--rate N] [--seed N] [--symbols A,B]
       xarb record --config FILE --venues binance,bybit --symbols BTCUSDT --out data/ [--duration 10m] [--sim]
       xarb data cat FILE [--depth N] | data synth --config FILE --start-date D --end-date D [--symbols A,B] [--out DIR]
       xarb report runs/<run-id> [--json|--html|--csv]
       xarb import tardis|binance-public|bybit-public --in FILE --out data/ [--symbol X]
       xarb sweep --config FILE --start-date D --end-date D --param k=a:b:step [--param k=a,b] [--workers N]
       xarb ctl halt|resume|flatten|status [--reason TEXT] [--config FILE | --url URL] [--token T]`;

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const modulePath = first !== undefined && !first.startsWith('-') ? SUBCOMMANDS[first] : './run-cmd.js';
  if (modulePath === undefined) {
    process.stderr.write(`xarb: unknown command "${first}"\n${USAGE}\n`);
    return 2;
  }
  const rest = modulePath === './run-cmd.js' ? argv : argv.slice(1);
  const mod = (await import(modulePath)) as { run(argv: string[]): Promise<number> };
  return mod.run(rest);
}
