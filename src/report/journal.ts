/**
 * The run journal: one JSON line per thing that happened to money — every intent, order, ack,
 * fill, cancel, reject, expiry, risk event — appended to runs/<run-id>/journal.jsonl as it
 * happens, so a run can be audited and reconciled after the fact, however it ended.
 *
 * Line format: {"t": <wall-clock ms>, "ns": <monotonic ns>, "type": "...", ...fields}
 *
 * Durability choice: every append is one synchronous write(2) on a file descriptor opened
 * with O_APPEND, before append() returns. Why not a buffer flushed every ≤ 50 ms:
 * - A line that append() returned for is already in the kernel's page cache, so a SIGTERM or
 *   SIGINT — even with the default disposition, which kills the process without running any
 *   JavaScript — cannot lose it, and the kernel never leaves half a write(2) on a local file
 *   when a process is killed. No signal handler is needed, which matters because signals are
 *   delivered to the main thread only: a journal written from a worker thread could not be
 *   flushed from the signal path without cross-thread coordination.
 * - The cost, a few microseconds per line, is paid per order event (a handful per arbitrage),
 *   never per market-data message; the hot path does not journal.
 * Not covered: a machine crash or power loss can drop the page cache's last lines; close()
 * fsyncs, and callers may call sync() at checkpoints.
 *
 * Write errors (ENOSPC, EIO, EFBIG, ...): a line that could not be written whole is cut off
 * again (ftruncate to the end of the last complete line), so the file always ends on a
 * durable, parseable line. Without `onWriteError` append() throws a JournalError; with it,
 * the journal reports the failure once and from then on counts (droppedLines) instead of
 * writing: the owner (the supervisor) halts trading and stops the run.
 *
 * Each line is written with a single write of one buffer (looping only on a short write,
 * which local files do not produce short of a full disk), so concurrent appenders to the
 * same file do not interleave within a line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monoNs, wallMs } from '../core/clock.js';
import { openForAppendingLines } from '../core/append-file.js';
import {
  ASSET_BASE, SIDE_BUY, ST_ACKED, ST_CANCELED, ST_EXPIRED, ST_FILLED, ST_PARTIAL, ST_REJECTED, STATUS_NAMES, VENUE_NAMES,
} from '../core/records.js';

export class JournalError extends Error {
  override name = 'JournalError';
}

/** What the owner hears when the journal cannot be written. */
export interface JournalWriteFailure {
  file: string;
  /** errno code (ENOSPC, EIO, EFBIG, ...) or 'UNKNOWN'. */
  code: string;
  message: string;
  /** Complete lines in the file (from this instance) when it failed. */
  linesWritten: number;
  /** Type of the entry that could not be written. */
  entryType: string;
}

export interface JournalClock {
  wallMs(): number;
  monoNs(): number;
}

export interface JournalOptions {
  /** Time source for `t` and `ns` when append() is not given them (default: core/clock). */
  clock?: JournalClock;
  /** Symbol names by id (SymbolTable.names), to write names instead of ids. */
  symbolNames?: readonly string[];
  /**
   * Called once on the first write error; later appends are dropped (counted), not thrown.
   * Without it, a write error throws a JournalError from append().
   */
  onWriteError?: (f: JournalWriteFailure) => void;
}

/** Line types written by the helpers; append() accepts any other string too. */
export type JournalEntryType = 'intent' | 'order' | 'ack' | 'fill' | 'cancel' | 'reject' | 'expire' | 'risk';

export interface JournalEntryBase {
  t: number;
  ns: number;
  type: string;
  [field: string]: unknown;
}

/** An execution report as journaled (Journal.report). */
export interface ReportEntry extends JournalEntryBase {
  type: 'order' | 'ack' | 'fill' | 'cancel' | 'reject' | 'expire';
  orderId: number;
  pairId: number;
  venue: string;
  symbol: string | number;
  side: 'buy' | 'sell';
  status: string;
  price: number;
  lastPx: number;
  lastQty: number;
  cumQty: number;
  qty: number;
  fee: number;
  feeAsset: 'base' | 'quote';
  errorCode: number;
  role: number;
  sentNs: number;
  ackNs: number;
  tickRecvNs: number;
}

/** An order intent as journaled (Journal.intent). */
export interface IntentEntry extends JournalEntryBase {
  type: 'intent';
  orderId: number;
  pairId: number;
  venue: string;
  symbol: string | number;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  tif: number;
  role: number;
  decisionNs: number;
  deadlineNs: number;
  tickRecvNs: number;
}

/** A risk event (Journal.risk): `event` names it, other fields are free. */
export interface RiskEntry extends JournalEntryBase {
  type: 'risk';
  event: string;
}

export type JournalEntry = JournalEntryBase;

const REPORT_TYPES = new Set(['order', 'ack', 'fill', 'cancel', 'reject', 'expire']);

export function isReportEntry(e: JournalEntryBase): e is ReportEntry {
  return REPORT_TYPES.has(e.type) && typeof e['orderId'] === 'number';
}

export function isIntentEntry(e: JournalEntryBase): e is IntentEntry {
  return e.type === 'intent';
}

export function isRiskEntry(e: JournalEntryBase): e is RiskEntry {
  return e.type === 'risk';
}

/** Journal line type of an order status (ST_*). */
export function reportType(status: number): ReportEntry['type'] {
  switch (status) {
    case ST_ACKED: return 'ack';
    case ST_PARTIAL:
    case ST_FILLED: return 'fill';
    case ST_CANCELED: return 'cancel';
    case ST_REJECTED: return 'reject';
    case ST_EXPIRED: return 'expire';
    default: return 'order';
  }
}

/** runs/<run-id>/journal.jsonl under `runsDir`. */
export function journalPath(runsDir: string, runId: string): string {
  if (runId === '' || runId.includes('/') || runId.includes('\\') || runId === '.' || runId === '..') {
    throw new JournalError(`run id "${runId}" must be a plain directory name`);
  }
  return path.join(runsDir, runId, 'journal.jsonl');
}

const defaultClock: JournalClock = { wallMs, monoNs };

export class Journal {
  readonly path: string;
  /** Lines written by this instance. */
  lines = 0;
  /** Writes that failed. */
  writeErrors = 0;
  /** Lines not written because the journal had failed (onWriteError mode). */
  droppedLines = 0;
  private fd: number;
  /** Bytes of complete lines in the file: where a failed write is cut back to. */
  private size = 0;
  private failed: JournalWriteFailure | null = null;
  private readonly onWriteError: ((f: JournalWriteFailure) => void) | null;
  private readonly clock: JournalClock;
  private readonly symbolNames: readonly string[] | null;

  /** Opens (creating directories as needed) the journal file for appending. */
  constructor(file: string, opts: JournalOptions = {}) {
    this.path = file;
    this.clock = opts.clock ?? defaultClock;
    this.symbolNames = opts.symbolNames ?? null;
    this.onWriteError = opts.onWriteError ?? null;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // A resumed run's journal may end in a line its crash cut short: ended first (append-file.ts).
      this.fd = openForAppendingLines(file);
      this.size = fs.fstatSync(this.fd).size;
    } catch (err) {
      throw new JournalError(`cannot open journal ${file} for appending: ${(err as Error).message}`);
    }
  }

  /** The journal of run `runId` under `runsDir` (default "runs" in the working directory). */
  static forRun(runId: string, runsDir = 'runs', opts: JournalOptions = {}): Journal {
    return new Journal(journalPath(runsDir, runId), opts);
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** The write error that stopped this journal (onWriteError mode), or null. */
  get failure(): JournalWriteFailure | null {
    return this.failed;
  }

  /**
   * Appends one line. `ns` and `t` default to the clock; the backtest passes its simulated
   * time. Fields named t, ns or type are overridden by the line's own.
   */
  append(type: string, fields: Record<string, unknown> = {}, ns = this.clock.monoNs(), t = this.clock.wallMs()): void {
    if (this.beforeNext !== null) {
      const f = this.beforeNext;
      this.beforeNext = null;
      f(type, fields);
    }
    if (this.failed !== null) { this.droppedLines++; return; }
    if (this.fd < 0) throw new JournalError(`journal ${this.path} is closed; cannot append a "${type}" line`);
    const head = `{"t":${jsonNumber(t)},"ns":${jsonNumber(ns)},"type":${JSON.stringify(type)}`;
    let body = '';
    for (const k of Object.keys(fields)) {
      if (k === 't' || k === 'ns' || k === 'type') continue;
      const v = JSON.stringify(fields[k]);
      if (v === undefined) continue;
      body += `,${JSON.stringify(k)}:${v}`;
    }
    const buf = Buffer.from(`${head}${body}}\n`, 'utf8');
    try {
      this.writeAll(buf);
    } catch (err) {
      this.writeFailed(type, err as NodeJS.ErrnoException);
      return;
    }
    this.size += buf.length;
    this.lines++;
  }

  private writeFailed(type: string, err: NodeJS.ErrnoException): void {
    this.writeErrors++;
    // Cut off whatever part of the line reached the file: it must end on a complete line.
    try {
      fs.ftruncateSync(this.fd, this.size);
    } catch {
      // Nothing more can be done here; readJournal reports a torn last line.
    }
    const f: JournalWriteFailure = {
      file: this.path, code: err.code ?? 'UNKNOWN', message: err.message, linesWritten: this.lines, entryType: type,
    };
    if (this.onWriteError === null) throw new JournalError(`cannot append a "${type}" line to journal ${this.path}: ${err.message}`);
    this.failed = f;
    this.droppedLines++;
    this.onWriteError(f);
  }

  /** An order intent from the strategy. */
  intent(orderId: number, pairId: number, venue: number, symbol: number, side: number, price: number, qty: number,
    tif: number, role: number, decisionNs: number, deadlineNs: number, tickRecvNs: number, ns?: number, t?: number): void {
    this.append('intent', {
      orderId, pairId, venue: venueName(venue), symbol: this.symbolName(symbol), side: side === SIDE_BUY ? 'buy' : 'sell',
      price, qty, tif, role, decisionNs, deadlineNs, tickRecvNs,
    }, ns, t);
  }

  /**
   * An execution report; same signature as ReportSink.report, so a Journal can be handed to an
   * executor as its sink (or teed). Line type from the status: order/ack/fill/cancel/reject/
   * expire. `ns` is the report's ackNs.
   */
  report(orderId: number, pairId: number, venue: number, symbol: number, side: number, status: number,
    price: number, lastPx: number, lastQty: number, cumQty: number, qty: number, fee: number, feeAsset: number,
    errorCode: number, role: number, sentNs: number, ackNs: number, tickRecvNs: number): void {
    this.append(reportType(status), {
      orderId, pairId, venue: venueName(venue), symbol: this.symbolName(symbol), side: side === SIDE_BUY ? 'buy' : 'sell',
      status: STATUS_NAMES[status] ?? String(status), price, lastPx, lastQty, cumQty, qty, fee,
      feeAsset: feeAsset === ASSET_BASE ? 'base' : 'quote', errorCode, role, sentNs, ackNs, tickRecvNs,
    }, ackNs > 0 ? ackNs : undefined);
  }

  /** A risk event (halt, kill switch, stop-loss, limit hit, ...). */
  risk(event: string, fields: Record<string, unknown> = {}, ns?: number, t?: number): void {
    this.append('risk', { ...fields, event }, ns, t);
  }

  /** Forces the journal to stable storage (fsync). */
  sync(): void {
    if (this.fd >= 0 && this.failed === null) fs.fsyncSync(this.fd);
  }

  /**
   * Called once, with the next line's type and fields, before that line is written (or with
   * 'close' at close()): a line held back until then (the paper run_start waiting for its
   * start_equity, src/report/run-start-line.ts) is written first.
   */
  beforeNext: ((type: string, fields: Record<string, unknown>) => void) | null = null;

  /** fsyncs and closes; further appends throw. Safe to call twice. */
  close(): void {
    if (this.fd >= 0 && this.beforeNext !== null) {
      const f = this.beforeNext;
      this.beforeNext = null;
      f('close', {});
    }
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private writeAll(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }

  private symbolName(symbol: number): string | number {
    const names = this.symbolNames;
    return names !== null && names[symbol] !== undefined ? names[symbol]! : symbol;
  }
}

function venueName(venue: number): string {
  return VENUE_NAMES[venue] ?? String(venue);
}

/** JSON has no NaN/Infinity: write null rather than an unparseable line. */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

export interface JournalLineError {
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface JournalReadResult {
  entries: JournalEntry[];
  /** Text after the last newline (a write cut short), or null when the file ends cleanly. */
  partialLastLine: string | null;
  /** Complete lines that are not a JSON object with t, ns and type. */
  errors: JournalLineError[];
}

/** Reads a journal back. Never throws for content problems: they are reported. */
export function readJournal(file: string): JournalReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new JournalError(`cannot read journal ${file}: ${(err as Error).message}`);
  }
  const entries: JournalEntry[] = [];
  const errors: JournalLineError[] = [];
  const parts = text.split('\n');
  const tail = parts.pop() ?? '';
  const partialLastLine = tail.length > 0 ? tail : null;
  for (let i = 0; i < parts.length; i++) {
    const line = parts[i]!;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      errors.push({ line: i + 1, message: `not JSON: ${(err as Error).message}` });
      continue;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push({ line: i + 1, message: 'not a JSON object' });
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['type'] !== 'string' || (typeof o['t'] !== 'number' && o['t'] !== null) || (typeof o['ns'] !== 'number' && o['ns'] !== null)) {
      errors.push({ line: i + 1, message: 'missing "t", "ns" or "type"' });
      continue;
    }
    entries.push(o as JournalEntry);
  }
  return { entries, partialLastLine, errors };
}
