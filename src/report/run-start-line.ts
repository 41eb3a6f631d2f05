/**
 * The paper/live journal's first line, `run_start`, carries `start_equity` as the backtest's
 * does: the starting balances valued at the first marks. The supervisor knows neither price
 * nor equity when the run starts; the strategy worker's first `equity` entry (the one writer
 * of equity in every mode, src/report/equity-entries.ts) is the first valuation. So run_start
 * is held back until the next journal line and written just before it, stamped with the run's
 * start (its own ns/t, the anchor the recording shares), with
 *   start_equity = that line's `equity` when the line is the first `equity` entry,
 *                  null otherwise (something else came first: a risk entry, the end of a run
 *                  refused at start-up), with `start_equity_missing` saying why.
 * The strategy worker writes its first equity entry before any line of its own once the books
 * are priced (EquitySampler.first), so a normal run's run_start has a number.
 * `release()` writes it with null when nothing has come for a while (a run that never gets
 * a price must still have its run_start on disk).
 */
import type { Journal } from './journal.js';

export class RunStartLine {
  private pending = true;

  constructor(private readonly journal: Journal, private readonly type: 'run_start' | 'run_resumed',
    private readonly fields: Record<string, unknown>, private readonly ns: number, private readonly t: number) {
    journal.beforeNext = (nextType, nextFields) => this.write(nextType, nextFields);
  }

  /** Still held back (no line has followed yet). */
  get isPending(): boolean {
    return this.pending;
  }

  /** Writes the held line now, start_equity null (`why` says so). */
  release(why: string): void {
    if (!this.pending) return;
    this.journal.beforeNext = null;
    this.pending = false;
    this.journal.append(this.type, { ...this.fields, start_equity: null, start_equity_missing: why }, this.ns, this.t);
  }

  private write(nextType: string, next: Record<string, unknown>): void {
    this.pending = false;
    const eq = next['equity'];
    if (nextType === 'equity' && typeof eq === 'number' && Number.isFinite(eq)) {
      this.journal.append(this.type, { ...this.fields, start_equity: eq }, this.ns, this.t);
    } else {
      this.journal.append(this.type, { ...this.fields, start_equity: null, start_equity_missing: `a "${nextType}" line came before the first equity entry` },
        this.ns, this.t);
    }
  }
}
