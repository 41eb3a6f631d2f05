/**
 * Symbol lookup straight from frame bytes, without building a string: the symbol table's
 * names are turned into byte arrays once, and a frame's symbol bytes are compared against
 * them. A bot subscribes to a handful of symbols, so a linear scan with a length check first
 * beats hashing.
 */
import type { SymbolTable } from '../core/symbols.js';

export class SymbolMatcher {
  /** Upper-case ASCII names, index = symbol id. */
  private readonly names: Uint8Array[];
  private readonly count: number;

  constructor(table: SymbolTable) {
    this.names = table.names.map((n) => {
      const b = new Uint8Array(n.length);
      for (let i = 0; i < n.length; i++) b[i] = n.charCodeAt(i) & 0x7f;
      return b;
    });
    this.count = this.names.length;
  }

  /** Id of the symbol whose bytes are buf[start..end) exactly (upper case), or -1. */
  match(buf: Buffer, start: number, end: number): number {
    const len = end - start;
    for (let id = 0; id < this.count; id++) {
      const name = this.names[id];
      if (name.length !== len) continue;
      let i = 0;
      while (i < len && buf[start + i] === name[i]) i++;
      if (i === len) return id;
    }
    return -1;
  }

  /** Same, ignoring ASCII case (Binance stream names are lower case). */
  matchFold(buf: Buffer, start: number, end: number): number {
    const len = end - start;
    for (let id = 0; id < this.count; id++) {
      const name = this.names[id];
      if (name.length !== len) continue;
      let i = 0;
      while (i < len) {
        let c = buf[start + i];
        if (c >= 0x61 && c <= 0x7a) c -= 0x20;
        if (c !== name[i]) break;
        i++;
      }
      if (i === len) return id;
    }
    return -1;
  }
}
