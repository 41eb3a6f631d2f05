/**
 * Symbol ids: records carry a small integer instead of a string. The table is built once at
 * start-up from the configured symbol list, in the same order in every thread, so an id means
 * the same symbol everywhere (workers receive the list in their workerData).
 */
export class SymbolTable {
  readonly names: readonly string[];
  private readonly byName: Map<string, number>;
  /** Lower-case names, as Binance stream names use them. */
  readonly lowerNames: readonly string[];

  constructor(names: readonly string[]) {
    const upper = names.map((n) => n.toUpperCase());
    if (new Set(upper).size !== upper.length) throw new RangeError(`duplicate symbol in ${names.join(',')}`);
    this.names = upper;
    this.lowerNames = upper.map((n) => n.toLowerCase());
    this.byName = new Map(upper.map((n, i) => [n, i]));
  }

  get size(): number {
    return this.names.length;
  }

  /** Id of a symbol name (any case), or -1 if it is not configured. */
  id(name: string): number {
    const i = this.byName.get(name.toUpperCase());
    return i === undefined ? -1 : i;
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new RangeError(`unknown symbol id ${id}`);
    return n;
  }
}
