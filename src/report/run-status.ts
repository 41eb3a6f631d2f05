/**
 * How a run ended, read from its journal alone: a run is made of segments, each opened by
 * `run_start` (the first) or `run_resumed` (`xarb --resume`); a segment closed by `run_end`
 * ended in order, one followed by the next segment (or by the end of the file) without a
 * `run_end` crashed (kill -9, power loss, a fatal error). The rounds still open at the end
 * of the journal (round_opened without its round_closed) are the exposure a crash may have
 * left at the venues: `xarb report` lists them.
 */
import type { JournalEntry } from './performance.js';

export interface RunSegment {
  kind: 'run_start' | 'run_resumed';
  /** Wall clock (ms) of the segment's first entry. */
  t: number | null;
  /** run_end's reason, or null when the segment has no run_end. */
  endReason: string | null;
  exitCode: number | null;
  /** Its run_end says the stop left a round or orders open (`exposure_left_open`): the venues hold exposure the run did not answer for. */
  exposureLeftOpen: boolean;
}

export interface OpenRound {
  pair_id: number;
  symbol: string;
  buy_venue: string | null;
  sell_venue: string | null;
  qty: number | null;
  /** Wall clock (ms) of its round_opened. */
  t: number | null;
}

export interface RunStatus {
  /** 'ended': the last segment has a run_end; 'crashed': it has none. */
  status: 'ended' | 'crashed';
  segments: RunSegment[];
  /** Segments before the last that have no run_end (resumed after a crash). */
  earlierCrashes: number;
  openRounds: OpenRound[];
  /** Wall clock (ms) of the last entry (where a crashed run stopped). */
  lastEntryT: number | null;
  /** The last segment ended with a run_end that says exposure was left open (counted at the next start like a crash's). */
  exposureLeftOpen: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function runStatus(entries: readonly JournalEntry[]): RunStatus {
  const segments: RunSegment[] = [];
  // Pair ids restart in a resumed segment: a round is keyed by its segment too.
  const open = new Map<string, OpenRound>();
  let current: RunSegment | null = null;
  let lastT: number | null = null;
  for (const e of entries) {
    const t = num(e.t);
    if (t !== null) lastT = t;
    if (e.type === 'run_start' || e.type === 'run_resumed') {
      current = { kind: e.type, t, endReason: null, exitCode: null, exposureLeftOpen: false };
      segments.push(current);
    } else if (e.type === 'run_end') {
      if (current === null) { current = { kind: 'run_start', t: null, endReason: null, exitCode: null, exposureLeftOpen: false }; segments.push(current); }
      current.endReason = str(e['reason']) ?? 'run_end';
      current.exitCode = num(e['exit_code']);
      current.exposureLeftOpen = e['exposure_left_open'] === true;
    } else if (e.type === 'round_opened') {
      const id = num(e['pair_id']);
      if (id !== null) {
        open.set(`${segments.length}:${id}`, {
          pair_id: id, symbol: str(e['symbol']) ?? String(e['symbol']), buy_venue: str(e['buy_venue']), sell_venue: str(e['sell_venue']),
          qty: num(e['qty']), t,
        });
      }
    } else if (e.type === 'round_closed') {
      const id = num(e['pair_id']);
      if (id !== null) open.delete(`${segments.length}:${id}`);
    }
  }
  const last = segments[segments.length - 1];
  const crashed = last === undefined || last.endReason === null;
  return {
    status: crashed ? 'crashed' : 'ended',
    segments,
    earlierCrashes: segments.slice(0, -1).filter((s) => s.endReason === null).length,
    openRounds: [...open.values()],
    lastEntryT: lastT,
    exposureLeftOpen: !crashed && last.exposureLeftOpen,
  };
}

/** Lines for the text report: nothing for a run that ended in order and was never resumed. */
export function formatRunStatus(s: RunStatus): string {
  const out: string[] = [];
  const iso = (t: number | null): string => (t === null ? 'unknown time' : new Date(t).toISOString());
  if (s.status === 'crashed') {
    out.push(`run status: CRASHED (no run_end; last entry at ${iso(s.lastEntryT)})`);
  } else if (s.exposureLeftOpen) {
    // A clean stop that could not close everything: the next start counts it like a crash.
    out.push('run status: ENDED WITH EXPOSURE LEFT OPEN (its stop left a round, a residual or orders open; the next start counts them like a crashed run\'s)');
  }
  const resumed = s.segments.filter((x) => x.kind === 'run_resumed').length;
  if (resumed > 0) out.push(`resumed ${resumed} time${resumed === 1 ? '' : 's'}${s.earlierCrashes > 0 ? ` (${s.earlierCrashes} earlier segment${s.earlierCrashes === 1 ? '' : 's'} crashed)` : ''}`);
  if (s.status === 'crashed' || s.openRounds.length > 0) {
    out.push(`open rounds at the end of the journal: ${s.openRounds.length}`);
    for (const r of s.openRounds) {
      out.push(`  pair ${r.pair_id} ${r.symbol} buy ${r.buy_venue ?? '?'} / sell ${r.sell_venue ?? '?'} qty ${r.qty ?? '?'} opened ${iso(r.t)}`);
    }
    if (s.openRounds.length > 0) out.push('  check these positions and open orders at the venues before trading again');
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
