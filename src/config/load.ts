/**
 * loadConfig: reads arbitrage.toml and the two venue files it names, substitutes `${VAR}`,
 * fills defaults, validates everything, and either returns a typed XarbConfig or throws one
 * ConfigError listing every problem found (so a user fixes them all in one pass).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { substituteEnv } from './env.js';
import { ConfigError, describeFound, displayPath, REDACTED, type ConfigProblem } from './problems.js';
import { ARBITRAGE_SCHEMA, venueSchema } from './schema.js';
import { isSecretPath } from './secrets.js';
import type { Mode, VenueConfig, VenueName, XarbConfig } from './types.js';
import { VENUE_NAMES } from './types.js';
import { isTable, validateTree } from './validate.js';
import { checkEd25519Key } from './keys.js';
import { checkMonitor } from './monitor-check.js';
import { applyTestnetProfile, urlMixProblems } from './testnet-profile.js';

export interface LoadOptions {
  mode: Mode;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** `--testnet`: as `venues.profile = "testnet"`. */
  testnet?: boolean;
}

/** Printable ASCII without spaces: what the venues issue as keys. */
const SECRET_SHAPE = /^[\x21-\x7e]+$/;

export function loadConfig(arbitragePath: string, opts: LoadOptions): XarbConfig {
  const env = opts.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const mainAbs = path.resolve(arbitragePath);

  const main = readToml(mainAbs, problems);
  if (main === undefined) throw new ConfigError(problems);
  const mainFile = displayPath(mainAbs);
  const mainOk = checkFile(main, mainFile, ARBITRAGE_SCHEMA, opts.mode, env, problems);

  // Venue files are found through [venues] (defaults: beside arbitrage.toml).
  const venuesTable = isTable(main['venues']) ? main['venues'] : {};
  const venueFiles = {} as Record<VenueName, string>;
  const venueTrees = {} as Record<VenueName, Record<string, unknown>>;
  for (const venue of VENUE_NAMES) {
    const rel = venuesTable[venue];
    if (typeof rel !== 'string' || rel === '') continue; // already reported by validation
    const abs = path.resolve(path.dirname(mainAbs), rel);
    venueFiles[venue] = abs;
    const tree = readToml(abs, problems, { file: mainFile, path: `venues.${venue}`, value: rel });
    if (tree === undefined) continue;
    const file = displayPath(abs);
    const before = problems.length;
    const ok = checkFile(tree, file, venueSchema(venue), opts.mode, env, problems);
    if (opts.mode === 'live') checkLiveSecrets(tree, file, problems, new Set(problems.slice(before).map((p) => p.path)), venue, abs);
    if (ok) checkVenue(tree, file, problems);
    venueTrees[venue] = tree;
  }
  if (mainOk) crossCheck(main, mainFile, problems);
  if (mainOk) checkMonitor(main, mainFile, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  let cfg = assemble(main, venueTrees, opts.mode, { arbitrage: mainAbs, binance: venueFiles.binance, bybit: venueFiles.bybit });
  if (opts.testnet === true || cfg.venues.profile === 'testnet') {
    const t = applyTestnetProfile(cfg);
    if (t.problems.length > 0) throw new ConfigError(t.problems);
    cfg = t.config;
  }
  const mix = urlMixProblems(cfg);
  if (mix.length > 0) throw new ConfigError(mix);
  return cfg;
}

interface Referrer {
  file: string;
  path: string;
  value: string;
}

function readToml(abs: string, problems: ConfigProblem[], referrer?: Referrer): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    if (referrer !== undefined) {
      problems.push({
        file: referrer.file,
        path: referrer.path,
        expected: 'a readable venue file (paths are relative to the folder of arbitrage.toml)',
        found: `${JSON.stringify(referrer.value)}, but ${displayPath(abs)} ${reason}`,
      });
    } else {
      problems.push({ file: displayPath(abs), path: '', expected: 'a readable TOML file', found: `the file ${reason}` });
    }
    return undefined;
  }
  try {
    return toPlain(parse(text)) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message ends with a code excerpt of the offending line, which may hold a
    // secret: keep only its first line (the description) and the position.
    const what = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    problems.push({
      file: displayPath(abs),
      path: '',
      line: err.line,
      column: err.column,
      expected: 'valid TOML (https://toml.io)',
      found: `TOML syntax error: ${what}`,
    });
    return undefined;
  }
}

/** smol-toml builds tables with a null prototype: make them ordinary objects for everyone downstream. */
function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v;
}

/** Env substitution, defaults, schema. True when the file is valid so far. */
function checkFile(
  tree: Record<string, unknown>,
  file: string,
  schema: Parameters<typeof validateTree>[1],
  mode: Mode,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): boolean {
  const before = problems.length;
  const { missing, fromEnv } = substituteEnv(tree, env, mode);
  for (const m of missing) {
    const secret = isSecretPath(m.path);
    problems.push({
      file,
      path: m.path,
      expected: `the environment variable ${m.variable} to be set${secret ? ' (live mode needs API credentials)' : ''}`,
      found: `"\${${m.variable}}" but ${m.variable} is not set`,
    });
  }
  problems.push(...validateTree(tree, schema, file));
  scrubSecretVariables(problems, before, fromEnv, env);
  return problems.length === before;
}

/**
 * A secret-looking variable (BINANCE_SECRET_KEY, ..._TOKEN) substituted into a key that is not
 * itself secret would otherwise be echoed by a type or range message: hide it there too.
 */
function scrubSecretVariables(problems: ConfigProblem[], from: number, fromEnv: Map<string, string[]>, env: NodeJS.ProcessEnv): void {
  const values: string[] = [];
  for (const names of fromEnv.values()) {
    for (const name of names) {
      const v = env[name];
      if (v !== undefined && v.length >= 4 && /KEY|SECRET|TOKEN|PASS/i.test(name)) values.push(v);
    }
  }
  if (values.length === 0) return;
  for (let i = from; i < problems.length; i++) {
    const p = problems[i]!;
    if (values.some((v) => p.found.includes(v) || JSON.stringify(p.found).includes(JSON.stringify(v).slice(1, -1)))) p.found = REDACTED;
  }
}

/** Live mode trades: both credentials must be present and look like credentials. */
function checkLiveSecrets(tree: Record<string, unknown>, file: string, problems: ConfigProblem[], reported: Set<string>, venue: VenueName, abs: string): void {
  const auth = tree['auth'];
  if (!isTable(auth)) return; // reported by validation
  const ed25519 = auth['key_type'] === 'ed25519';
  if (ed25519) checkEd25519Key(auth, file, abs, venue, problems);
  for (const key of ed25519 ? ['api_key'] as const : ['api_key', 'secret_key'] as const) {
    const value = auth[key];
    if (reported.has(`auth.${key}`) || typeof value !== 'string') continue;
    if (value === '') {
      problems.push({ file, path: `auth.${key}`, expected: 'a non-empty credential in live mode (e.g. "${VAR}" with VAR set)', found: 'an empty string' });
    } else if (!SECRET_SHAPE.test(value)) {
      problems.push({ file, path: `auth.${key}`, expected: 'printable ASCII without spaces or line breaks', found: REDACTED });
    }
  }
}

function checkVenue(tree: Record<string, unknown>, file: string, problems: ConfigProblem[]): void {
  const c = tree['connection'] as Record<string, number>;
  if (c['reconnect_min_ms']! > c['reconnect_max_ms']!) {
    problems.push({
      file,
      path: 'connection.reconnect_min_ms',
      expected: `at most connection.reconnect_max_ms (${c['reconnect_max_ms']}) (ms)`,
      found: describeFound(c['reconnect_min_ms'], false),
    });
  }
}

/** Rules between keys, checked once every key has the right type. */
function crossCheck(main: Record<string, unknown>, file: string, problems: ConfigProblem[]): void {
  const strategy = main['strategy'] as Record<string, unknown>;
  const risk = main['risk'] as Record<string, unknown>;
  const symbol = strategy['symbol'] as string;
  const symbols = strategy['symbols'] as string[] | undefined;
  if (symbols !== undefined && !symbols.includes(symbol)) {
    problems.push({
      file,
      path: 'strategy.symbols',
      expected: `a list that contains strategy.symbol (${JSON.stringify(symbol)})`,
      found: describeFound(symbols, false),
    });
  }
  if ((strategy['max_position_size'] as number) > (risk['position_limit'] as number)) {
    problems.push({
      file,
      path: 'strategy.max_position_size',
      expected: `at most risk.position_limit (${risk['position_limit'] as number}) (base units)`,
      found: describeFound(strategy['max_position_size'], false),
    });
  }
}

function assemble(
  main: Record<string, unknown>,
  venueTrees: Record<VenueName, Record<string, unknown>>,
  mode: Mode,
  sourceFiles: XarbConfig['sourceFiles'],
): XarbConfig {
  const m = main as unknown as Omit<XarbConfig, 'venues' | 'mode' | 'sourceFiles'> & { venues: Record<string, unknown> };
  // symbols right after symbol, so the printed configuration reads in a sensible order.
  const { symbol, symbols, ...strategyRest } = m.strategy;
  m.strategy = { symbol, symbols: symbols ?? [symbol], ...strategyRest };
  const venue = (name: VenueName): VenueConfig => {
    const t = venueTrees[name] as unknown as Omit<VenueConfig, 'name'>;
    return { name, connection: t.connection, auth: t.auth };
  };
  return {
    mode,
    strategy: m.strategy,
    risk: m.risk,
    execution: m.execution,
    engine: m.engine,
    fees: m.fees,
    monitor: m.monitor,
    backtest: m.backtest,
    log: m.log,
    venues: {
      profile: m.venues['profile'] as 'live' | 'sim' | 'testnet',
      sim_host: m.venues['sim_host'] as string,
      sim_port: m.venues['sim_port'] as number,
      binance: venue('binance'),
      bybit: venue('bybit'),
    },
    sourceFiles,
  };
}
