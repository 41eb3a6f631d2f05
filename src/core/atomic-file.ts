/**
 * Whole-file replacement that survives a crash at any point: the text goes to `<file>.<pid>.tmp`
 * (per process: two processes writing the same file never rename each other's half-written one),
 * is fsynced, renamed over the file, and the folder is fsynced (so the rename itself is on
 * disk). A reader then finds the old version or the new one, never a torn file; a leftover
 * `.tmp` of a killed process is left (a few bytes, never read). For the small records a start or a stop must not
 * lose (venue-ledger.ts, earlier-runs.ts leftover.json); not for the hot path.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The file operations (tests pass ones that fail, or stop at a chosen step as a crash would). */
export interface AtomicFileIo {
  writeFileSync(file: string, text: string): void;
  fsyncFile(file: string): void;
  renameSync(from: string, to: string): void;
  fsyncDir(dir: string): void;
}

export const realAtomicFileIo: AtomicFileIo = {
  writeFileSync: (file, text) => fs.writeFileSync(file, text),
  fsyncFile: (file) => fsyncPath(file, 'r+'),
  renameSync: (from, to) => fs.renameSync(from, to),
  fsyncDir: (dir) => fsyncPath(dir, 'r'),
};

function fsyncPath(p: string, flags: string): void {
  const fd = fs.openSync(p, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces `file` with `text` atomically. Throws the failing step's error (the old version may still be in place). */
export function writeFileAtomic(file: string, text: string, io: AtomicFileIo = realAtomicFileIo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  io.writeFileSync(tmp, text);
  io.fsyncFile(tmp);
  io.renameSync(tmp, file);
  io.fsyncDir(path.dirname(file));
}
