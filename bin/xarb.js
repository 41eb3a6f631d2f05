#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm install` via `prepare`).
// Stop signals are held from here on (src/cli/signals.ts), before the CLI's modules load.
// Once the command has returned, anything still holding the event loop open (a server, a
// timer someone forgot) must not keep a finished process alive: it exits after a short grace.
const GRACE_MS = 3000;
{
  // Before anything loads: hold stop signals (signals.ts takes them over).
  const held = [];
  const hold = (sig) => { held.push(sig); };
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  globalThis.__xarbHeldSignals = { held, hold };
}
import('../dist/src/cli/signals.js')
  .then((s) => { s.installEarlySignals(); return import('../dist/src/cli/main.js'); })
  .then((m) => m.main(process.argv.slice(2)))
  .then(
    (code) => { if (typeof code === 'number') process.exitCode = code; },
    (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exitCode = 1; },
  )
  .finally(() => { setTimeout(() => process.exit(), GRACE_MS).unref(); });
