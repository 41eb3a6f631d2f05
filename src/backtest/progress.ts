/**
 * Progress on stderr: a bar with ETA when stderr is a terminal, a plain line every few
 * seconds otherwise. Reads the wall clock only to throttle and estimate, never for results.
 */
export class Progress {
  private readonly t0 = performance.now();
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(private readonly label: string, private readonly totalNs: number, private readonly enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true;
  }

  update(simNs: number, events: number, rounds: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastPrint < (this.tty ? 200 : 5000)) return;
    this.lastPrint = now;
    const frac = Math.min(1, Math.max(0, simNs / this.totalNs));
    const elapsed = (now - this.t0) / 1000;
    const eta = frac > 0 ? elapsed * (1 - frac) / frac : NaN;
    const rate = events / Math.max(elapsed, 1e-3);
    const etaText = Number.isFinite(eta) ? `${Math.ceil(eta)}s` : '?';
    if (this.tty) {
      const width = 30;
      const full = Math.round(frac * width);
      this.out.write(`\r${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(1)}% ` +
        `ETA ${etaText}  ${(rate / 1e3).toFixed(0)}k ev/s  rounds ${rounds}   `);
    } else {
      this.out.write(`${this.label}: ${(frac * 100).toFixed(1)}% events ${events} (${(rate / 1e3).toFixed(0)}k/s) rounds ${rounds} ETA ${etaText}\n`);
    }
  }

  done(events: number): void {
    if (!this.enabled) return;
    const secs = (performance.now() - this.t0) / 1000;
    this.out.write(`${this.tty ? '\r' : ''}${this.label}: done, ${events} events in ${secs.toFixed(1)} s` +
      `${this.tty ? ' '.repeat(40) : ''}\n`);
  }
}
