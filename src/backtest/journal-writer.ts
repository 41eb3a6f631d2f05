/**
 * The backtest's journal writer: the line format of src/report/journal.ts
 * (`{"t":<wall ms>,"ns":<ns>,"type":"…",…fields}`, non-finite numbers as null), buffered and
 * written in large blocks. A backtest can be rerun, so it trades the live journal's
 * one-write-per-line durability for speed; close() writes the rest.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const FLUSH_CHARS = 1 << 20;

export interface JournalLineSink {
  /** ns: simulated ns; t: simulated wall ms. */
  append(type: string, fields: Record<string, unknown>, ns: number, t: number): void;
}

function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

/** One journal line, exactly as Journal.append writes it. */
export function journalLine(type: string, fields: Record<string, unknown>, ns: number, t: number): string {
  let s = '{"t":' + jsonNumber(t) + ',"ns":' + jsonNumber(ns) + ',"type":' + JSON.stringify(type);
  for (const k of Object.keys(fields)) {
    if (k === 't' || k === 'ns' || k === 'type') continue;
    const v = JSON.stringify(fields[k]);
    if (v === undefined) continue;
    s += ',' + JSON.stringify(k) + ':' + v;
  }
  return s + '}\n';
}

export class BufferedJournal implements JournalLineSink {
  lines = 0;
  private fd: number;
  private pending = '';

  /** Creates (truncating) the file. */
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }

  append(type: string, fields: Record<string, unknown>, ns: number, t: number): void {
    this.pending += journalLine(type, fields, ns, t);
    this.lines++;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.fd < 0) return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Keeps lines in memory (tests, sweeps that only need metrics). */
export class MemoryJournal implements JournalLineSink {
  readonly text: string[] = [];
  append(type: string, fields: Record<string, unknown>, ns: number, t: number): void {
    this.text.push(journalLine(type, fields, ns, t));
  }
}
