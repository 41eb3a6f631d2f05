/**
 * Structured logging with pino, off the hot path (workers on the hot path do not log; they
 * count, and the main thread reports).
 *
 * JSON lines by default; on a terminal, one readable line per record through a tiny formatter
 * (pino-pretty is not a dependency): `HH:MM:SS.mmm LEVEL name: msg key=value ...`.
 * Secrets are redacted by pino itself, before either format sees them.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** 'auto' = readable when the output is a terminal, JSON lines otherwise. */
  pretty: 'auto' | boolean;
  name?: string;
  /** Where lines go; default stdout. Tests pass a collecting stream. */
  destination?: DestinationStream;
  /** Whether the output is a terminal, for pretty = 'auto'; default process.stdout.isTTY. */
  isTTY?: boolean;
}

export const CENSOR = '****';

/** pino level number of the custom `alert` level. */
export const ALERT_LEVEL = 55;

/** Keys whose values are secrets wherever they appear (config, request params, headers). */
const SECRET_LEAVES = [
  'api_key',
  'secret_key',
  'apiKey',
  'secretKey',
  'api_secret',
  'signature',
  'sign',
  'password',
  'passphrase',
  'listenKey',
  'private_key',
  'authorization',
  'Authorization',
  'token',
];
/** fast-redact has no recursive wildcard: list the depths a logged object may reasonably have. */
const MAX_DEPTH = 5;

function buildRedactPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const prefix = '*.'.repeat(depth);
    for (const leaf of SECRET_LEAVES) paths.push(prefix + leaf);
    // Everything under an `auth` table (venue files), and the venues' credential headers.
    paths.push(`${prefix}auth.*`);
    paths.push(`${prefix}headers["X-MBX-APIKEY"]`, `${prefix}headers["X-BAPI-API-KEY"]`, `${prefix}headers["X-BAPI-SIGN"]`);
  }
  return paths;
}

export const REDACT_PATHS: readonly string[] = buildRedactPaths();

export function createLogger(opts: LoggerOptions): Logger {
  const isTTY = opts.isTTY ?? process.stdout.isTTY === true;
  const pretty = opts.pretty === 'auto' ? isTTY : opts.pretty;
  const options: pino.LoggerOptions<'alert'> = {
    level: opts.level,
    // `alert` (between error and fatal): an operator must act; src/monitor/alerts.ts.
    customLevels: { alert: ALERT_LEVEL },
    redact: { paths: [...REDACT_PATHS], censor: CENSOR },
  };
  if (opts.name !== undefined) options.name = opts.name;
  const out = opts.destination ?? (pretty ? process.stdout : pino.destination({ dest: 1, sync: true }));
  // Typed as a plain Logger so callers need not carry the custom level in their types;
  // logAlert() below reaches the `alert` method.
  return pino(options, pretty ? new PrettyStream(out) : out) as unknown as Logger;
}

/** A line at level `alert` (falls back to `error` on a logger built without the custom level). */
export function logAlert(log: Logger, fields: Record<string, unknown>, msg: string): void {
  const withAlert = log as unknown as { alert?: (o: Record<string, unknown>, m: string) => void };
  if (typeof withAlert.alert === 'function') withAlert.alert(fields, msg);
  else log.error(fields, msg);
}

const LEVEL_LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 55: 'ALERT', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** Turns pino's JSON lines into readable ones. */
export class PrettyStream implements DestinationStream {
  constructor(private readonly out: DestinationStream) {}

  write(line: string): void {
    this.out.write(prettyLine(line) + '\n');
  }
}

/** `HH:MM:SS.mmm LEVEL name: msg key=value ...` (local time), plus an error's stack below. */
export function prettyLine(jsonLine: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.trimEnd();
  }
  const t = new Date(typeof rec['time'] === 'number' ? rec['time'] : Date.now());
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
  const level = LEVEL_LABELS[rec['level'] as number] ?? String(rec['level']);
  const name = typeof rec['name'] === 'string' ? ` ${rec['name']}:` : '';
  const msg = typeof rec['msg'] === 'string' ? ` ${rec['msg']}` : '';
  let fields = '';
  let stack = '';
  for (const [k, v] of Object.entries(rec)) {
    if (OMIT.has(k)) continue;
    if (k === 'err' && v !== null && typeof v === 'object') {
      const e = v as { message?: unknown; stack?: unknown };
      fields += ` err=${formatValue(e.message)}`;
      if (typeof e.stack === 'string') stack = '\n    ' + e.stack.split('\n').join('\n    ');
      continue;
    }
    fields += ` ${k}=${formatValue(v)}`;
  }
  return `${time} ${level}${name}${msg}${fields}${stack}`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}
