/**
 * Stop signals from the first instant of the process. bin/xarb.js installs these handlers
 * before it loads the CLI, so a SIGTERM or SIGINT that arrives while modules load, the
 * simulator starts or filters are fetched is held, not fatal: the bot claims it once it can
 * act on it in order (before anything trades, it stops there cleanly). Every other command
 * releases the handlers, and a signal held until then is re-raised with its default effect.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

let pending: StopSignal[] = [];
let listener: ((sig: StopSignal) => void) | null = null;
let installed = false;

function onSignal(sig: StopSignal): void {
  if (listener !== null) listener(sig);
  else pending.push(sig);
}

const handlers: Record<StopSignal, () => void> = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

/**
 * bin/xarb.js's very first statements hold signals in a global before any module loads
 * (module loading takes a while on a busy machine); this takes them over.
 */
interface LauncherHold { held: StopSignal[]; hold: (sig: StopSignal) => void }
const LAUNCHER_KEY = '__xarbHeldSignals';

/** Holds SIGINT/SIGTERM from now on (idempotent). */
export function installEarlySignals(): void {
  if (installed) return;
  installed = true;
  for (const s of STOP_SIGNALS) process.on(s, handlers[s]);
  const launcher = (globalThis as Record<string, unknown>)[LAUNCHER_KEY] as LauncherHold | undefined;
  if (launcher !== undefined) {
    for (const s of STOP_SIGNALS) process.off(s, launcher.hold);
    pending.push(...launcher.held);
    delete (globalThis as Record<string, unknown>)[LAUNCHER_KEY];
  }
}

/** The bot takes the signals: held ones are delivered now, in order, then each as it comes. */
export function claimStopSignals(fn: (sig: StopSignal) => void): () => void {
  installEarlySignals();
  listener = fn;
  const held = pending;
  pending = [];
  for (const s of held) fn(s);
  return () => { if (listener === fn) listener = null; };
}

/** A command that handles signals its own way (or not at all): back to Node's defaults. */
export function releaseEarlySignals(): void {
  if (!installed) return;
  installed = false;
  listener = null;
  for (const s of STOP_SIGNALS) process.off(s, handlers[s]);
  const held = pending;
  pending = [];
  if (held.length > 0) process.kill(process.pid, held[0]!);
}
