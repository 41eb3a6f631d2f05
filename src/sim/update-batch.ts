/**
 * What one generator advance produced, as flat typed arrays (no object per update): a list of
 * book updates, each a (venue, symbol, time) with a run of level changes. A change is an
 * absolute quantity at a price; 0 lots means the level is gone. Grows by doubling, which
 * happens a few times at start-up and then never.
 */
export class UpdateBatch {
  updates = 0;
  changes = 0;
  uVenue: Uint8Array;
  uSymbol: Int32Array;
  uTime: Float64Array;
  uFirst: Int32Array;
  uEnd: Int32Array;
  /** 1 when the best bid or ask (price or size) changed in this update. */
  uTop: Uint8Array;
  /** 0 = bid, 1 = ask. */
  cSide: Uint8Array;
  cPrice: Float64Array;
  cLots: Float64Array;

  constructor(updateCapacity = 1024, changeCapacity = 4096) {
    this.uVenue = new Uint8Array(updateCapacity);
    this.uSymbol = new Int32Array(updateCapacity);
    this.uTime = new Float64Array(updateCapacity);
    this.uFirst = new Int32Array(updateCapacity);
    this.uEnd = new Int32Array(updateCapacity);
    this.uTop = new Uint8Array(updateCapacity);
    this.cSide = new Uint8Array(changeCapacity);
    this.cPrice = new Float64Array(changeCapacity);
    this.cLots = new Float64Array(changeCapacity);
  }

  reset(): void {
    this.updates = 0;
    this.changes = 0;
  }

  begin(venue: number, symbol: number, timeMs: number): void {
    if (this.updates === this.uVenue.length) this.growUpdates();
    const i = this.updates;
    this.uVenue[i] = venue;
    this.uSymbol[i] = symbol;
    this.uTime[i] = timeMs;
    this.uFirst[i] = this.changes;
    this.uEnd[i] = this.changes;
    this.uTop[i] = 0;
  }

  change(side: number, price: number, lots: number): void {
    if (this.changes === this.cSide.length) this.growChanges();
    const j = this.changes++;
    this.cSide[j] = side;
    this.cPrice[j] = price;
    this.cLots[j] = lots;
  }

  end(topChanged: boolean): void {
    const i = this.updates++;
    this.uEnd[i] = this.changes;
    this.uTop[i] = topChanged ? 1 : 0;
  }

  private growUpdates(): void {
    const n = this.uVenue.length * 2;
    this.uVenue = grow(this.uVenue, new Uint8Array(n));
    this.uSymbol = grow(this.uSymbol, new Int32Array(n));
    this.uTime = grow(this.uTime, new Float64Array(n));
    this.uFirst = grow(this.uFirst, new Int32Array(n));
    this.uEnd = grow(this.uEnd, new Int32Array(n));
    this.uTop = grow(this.uTop, new Uint8Array(n));
  }

  private growChanges(): void {
    const n = this.cSide.length * 2;
    this.cSide = grow(this.cSide, new Uint8Array(n));
    this.cPrice = grow(this.cPrice, new Float64Array(n));
    this.cLots = grow(this.cLots, new Float64Array(n));
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
