/**
 * Gzip member boundaries of a store day file, found by decoding (not guessing): a day file is
 * a sequence of gzip members (RecordingWriter ends one on every flush), and a writer killed
 * mid-write leaves the last one torn. Used by the writer to cut a torn tail before it appends
 * (lastCompleteEnd), and by the reader to step over a torn member in the middle of a file
 * written before that repair existed (tearAndResume).
 *
 * A member starts with the 10-byte header zlib writes (1f 8b 08, no flags, mtime 0, then any
 * XFL and OS byte); it is complete when its deflate stream ends and the 8-byte trailer after
 * it holds the CRC-32 and size of what it decoded to. Candidates are found by that 8-byte
 * prefix and each is confirmed by decoding it, so a chance match inside compressed data (a
 * 2^-64 event per position) is never taken for a boundary. Everything streams in fixed
 * chunks: a file of hundreds of MB is never loaded whole.
 */
import { read } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createInflateRaw, crc32 } from 'node:zlib';

const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]);
const HEADER_BYTES = 10;
const TRAILER_BYTES = 8;
const CHUNK = 256 * 1024;

export type Member =
  /** `bytes`: what it decodes to. */
  | { ok: true; start: number; end: number; lines: number; bytes: number }
  /** `lines`: complete lines that could be decoded before it failed (lost with it). */
  | { ok: false; start: number; lines: number; why: string };

export type TornMember = Extract<Member, { ok: false }>;

/** Anything with positional read: a FileHandle, or a numeric fd wrapped by `fdReader`. */
export interface PositionalFile {
  read(buf: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

const readFd = promisify(read);

/** A numeric fd (one a writer holds open) as a PositionalFile. */
export function fdReader(fd: number): PositionalFile {
  return { read: (buf, offset, length, position) => readFd(fd, buf, offset, length, position) };
}

async function readAt(f: PositionalFile, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await f.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Decodes the member starting at `start` (file `size` bytes long): complete, or why not. */
export async function decodeMember(f: PositionalFile, start: number, size: number): Promise<Member> {
  const head = await readAt(f, start, HEADER_BYTES);
  if (head.length < HEADER_BYTES) return { ok: false, start, lines: 0, why: 'gzip header cut short' };
  if (!head.subarray(0, HEADER.length).equals(HEADER)) return { ok: false, start, lines: 0, why: 'not a gzip member header' };
  const inf = createInflateRaw();
  let crc = 0;
  let isize = 0;
  let lines = 0;
  inf.on('data', (out: Buffer) => {
    crc = crc32(out, crc);
    isize += out.length;
    for (let i = out.indexOf(10); i >= 0; i = out.indexOf(10, i + 1)) lines++;
  });
  let done = false;
  const ended = new Promise<string | null>((resolve) => {
    inf.on('end', () => {
      done = true;
      resolve(null);
    });
    inf.on('error', (err) => {
      done = true;
      resolve(err.message);
    });
  });
  let pos = start + HEADER_BYTES;
  while (!done && pos < size) {
    const chunk = await readAt(f, pos, Math.min(CHUNK, size - pos));
    if (chunk.length === 0) break;
    pos += chunk.length;
    // wait until this chunk is decoded, so `done` is known before reading more
    // (a data error destroys the stream without calling the write's callback)
    await Promise.race([new Promise<void>((resolve) => inf.write(chunk, () => resolve())), ended]);
    if (done) break;
    // input left unconsumed: the deflate stream ended inside this chunk
    if (inf.bytesWritten < pos - start - HEADER_BYTES) break;
  }
  if (!done) inf.end();
  const err = await ended;
  inf.destroy();
  if (err !== null) return { ok: false, start, lines: lines, why: err === 'unexpected end of file' ? 'gzip member cut short' : `bad gzip data (${err})` };
  const deflateEnd = start + HEADER_BYTES + inf.bytesWritten;
  const trailer = await readAt(f, deflateEnd, TRAILER_BYTES);
  if (trailer.length < TRAILER_BYTES) return { ok: false, start, lines: lines, why: 'gzip trailer cut short' };
  if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== isize % 2 ** 32) {
    return { ok: false, start, lines: lines, why: 'gzip trailer does not match the data (CRC or size)' };
  }
  return { ok: true, start, end: deflateEnd + TRAILER_BYTES, lines, bytes: isize };
}

/**
 * Offsets of member-header candidates in [from, to), last first, read backward in chunks
 * (the caller stops as soon as one decodes, so the usual cost is the last member or two).
 */
async function* candidatesBackward(f: PositionalFile, from: number, to: number): AsyncGenerator<number> {
  let hi = to;
  while (hi > from) {
    const lo = Math.max(from, hi - CHUNK);
    // overlap by the prefix length so a header across the chunk edge is still seen
    const buf = await readAt(f, lo, Math.min(to, hi + HEADER.length - 1) - lo);
    const found: number[] = [];
    for (let i = buf.indexOf(HEADER); i >= 0 && lo + i < hi; i = buf.indexOf(HEADER, i + 1)) found.push(lo + i);
    for (let k = found.length - 1; k >= 0; k--) yield found[k]!;
    hi = lo;
  }
}

/** Offsets of member-header candidates in [from, to), first first. */
async function* candidatesForward(f: PositionalFile, from: number, to: number): AsyncGenerator<number> {
  for (let lo = from; lo < to; lo += CHUNK) {
    const buf = await readAt(f, lo, Math.min(to, lo + CHUNK + HEADER.length - 1) - lo);
    for (let i = buf.indexOf(HEADER); i >= 0 && i < CHUNK && lo + i < to; i = buf.indexOf(HEADER, i + 1)) yield lo + i;
  }
}

export interface TailCheck {
  /** Where the last complete member ends: the file is sound up to here. */
  end: number;
  size: number;
  /** The torn member cut off (its start = end), when one started with a readable header. */
  torn: TornMember | null;
}

/**
 * The end of the file's last complete member: candidates are tried from the end backward
 * until one decodes completely (a sound file: the last one, ending at `size`). What follows
 * that end is a torn member, a header cut short, or nothing.
 */
export async function lastCompleteEnd(f: PositionalFile, size: number): Promise<TailCheck> {
  let torn: TornMember | null = null;
  for await (const at of candidatesBackward(f, 0, size)) {
    const m = await decodeMember(f, at, size);
    if (m.ok) return { end: m.end, size, torn: torn !== null && torn.start === m.end ? torn : null };
    torn = m;
  }
  return { end: 0, size, torn: torn !== null && torn.start === 0 ? torn : null };
}

export interface Tear {
  /** Where the first member that does not decode starts (everything before it is sound). */
  at: number;
  /** Where the next complete member after it starts, or -1 when none does. */
  resume: number;
  why: string;
  size: number;
  /** The complete members walked from `from` to the tear: start byte, and decoded bytes before it. */
  members: { start: number; out: number }[];
  /** Decoded bytes of those members together (where the torn member's data would begin). */
  out: number;
}

/**
 * The first torn member of a file from byte `from` (a member start) and the next complete
 * member after it, walking members (the file is decoded once more up to the tear). Null when
 * every member is complete.
 */
export async function firstTear(path: string, from = 0): Promise<Tear | null> {
  const fh: FileHandle = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const members: { start: number; out: number }[] = [];
    let at = from;
    let out = 0;
    let why = '';
    for (;;) {
      if (at >= size) return null;
      const m = await decodeMember(fh, at, size);
      if (!m.ok) {
        why = m.why;
        break;
      }
      members.push({ start: at, out });
      out += m.bytes;
      at = m.end;
    }
    for await (const c of candidatesForward(fh, at + 1, size)) {
      if ((await decodeMember(fh, c, size)).ok) return { at, resume: c, why, size, members, out };
    }
    return { at, resume: -1, why, size, members, out };
  } finally {
    await fh.close();
  }
}
