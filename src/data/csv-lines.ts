/**
 * Line-by-line input for the importers: plain .csv/.jsonl/.data, or gzip-compressed (.gz),
 * streamed (never loaded whole). Zip archives (what data.binance.vision and Bybit serve) need
 * an unzip step: Node has no built-in zip reader.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export class ImportInputError extends Error {
  override readonly name = 'ImportInputError';
}

export function openLines(file: string): AsyncIterable<string> {
  if (/\.zip$/i.test(file)) throw new ImportInputError(`${file}: zip archives are not read directly; unzip first (unzip ${file}) and pass the extracted file`);
  const raw = createReadStream(file);
  let input: Readable = raw;
  if (/\.gz$/i.test(file)) {
    const gunzip = createGunzip();
    raw.on('error', (err) => gunzip.destroy(err));
    input = raw.pipe(gunzip);
  }
  return createInterface({ input, crlfDelay: Infinity });
}

/** Splits one CSV line (no quoted fields in the supported formats; quotes are stripped). */
export function splitCsv(line: string): string[] {
  const parts = line.split(',');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!.trim();
    parts[i] = p.length >= 2 && p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1) : p;
  }
  return parts;
}

/** Column index by name, or an error naming the columns found. */
export function column(header: string[], name: string, file: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new ImportInputError(`${file}: no "${name}" column (found: ${header.join(',')})`);
  return i;
}
