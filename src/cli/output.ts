/**
 * Where a command's result goes, the same for every command (`xarb … | jq` works):
 *
 *   stdout a terminal          the human text on stdout
 *   stdout not a terminal      stdout carries JSON only, one object per line (each with a
 *                              `type`); the human text goes to stderr, i.e. the terminal
 *   --json                     JSON lines on stdout even on a terminal, and no human text
 *
 * Diagnostics (problems, progress) are on stderr in every case; `--help` and `--version` are
 * text on stdout (asked for by a person). `XARB_STDOUT_TTY=1|0` overrides the terminal test
 * (tests, and wrappers that pipe a terminal session).
 */
import type { OptionSpec, ParsedArgs } from './args.js';

export const JSON_OPTION: OptionSpec = {
  name: 'json', type: 'boolean',
  help: 'JSON lines on stdout, no text (the default when stdout is not a terminal, the text then going to stderr)',
};

export interface OutputMode {
  /** stdout carries JSON lines only. */
  json: boolean;
  /** --json was given: no human text at all. */
  explicit: boolean;
}

/** Whether stdout is a terminal (XARB_STDOUT_TTY overrides). */
export function stdoutIsTerminal(): boolean {
  const o = process.env['XARB_STDOUT_TTY'];
  if (o === '1') return true;
  if (o === '0') return false;
  return process.stdout.isTTY === true;
}

export function outputMode(explicitJson: boolean): OutputMode {
  return { json: explicitJson || !stdoutIsTerminal(), explicit: explicitJson };
}

export function outputModeOf(args: ParsedArgs): OutputMode {
  return outputMode(args.flags.has('json'));
}

/**
 * A command's result: `obj` as one JSON line on stdout in JSON mode (then `text` on stderr
 * unless --json was given), else `text` on stdout.
 */
export function emit(mode: OutputMode, obj: { type: string } & Record<string, unknown>, text: string): void {
  if (!mode.json) {
    process.stdout.write(text);
    return;
  }
  process.stdout.write(`${JSON.stringify(obj)}\n`);
  if (!mode.explicit && text !== '') process.stderr.write(text);
}
