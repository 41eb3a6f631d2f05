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
};

const USAGE = `usage: xarb [--mode dry-run|live] --config FILE [--venues sim] [--live-data] [--duration 60s]
                 [--start-date YYYY-MM-DD --end-date YYYY-MM-DD]
       xarb config check --config FILE [--mode live]
       xarb hist show FILE.hlog | compare A.hlog B.hlog | plot FILE.hlog... -o out.svg
       xarb sim [--port N] [--rate N] [--seed N]
       xarb record --config FILE --venues binance,bybit --symbols BTCUSDT --out data/ [--duration 10m]
       xarb data cat FILE [--depth N] | data synth ...
       xarb report runs/<run-id>
       xarb import tardis|binance-public|bybit-public ...
       xarb sweep --config FILE --start-date ... --end-date ... --param k=a:b:step`;

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
