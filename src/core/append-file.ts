/**
 * Opening a line-per-record file for appending when a crash may have cut its last line short
 * (no newline at the end): the file is ended with a newline first, so the next line starts on a
 * line of its own instead of being glued to the fragment and both read as one bad line. For the
 * journals a later process continues (a resumed run, a start journaling an earlier run's orders).
 */
import fs from 'node:fs';

/** Opens `file` for appending (created if missing); a last line without its newline is ended. Throws the fs error. */
export function openForAppendingLines(file: string): number {
  const fd = fs.openSync(file, 'a+');
  try {
    const size = fs.fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size > 0 && fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) fs.writeSync(fd, '\n');
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}
