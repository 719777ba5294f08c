// The requests a session has sent and not yet seen answered, by sequence number, in send order.
// The Map behind it is made at the first request and dropped with the last answer: a bound
// session is idle most of its life (an enquire_link now and then), and an empty Map with its hash
// table costs about 240 bytes a session.
import type { InFlight } from './state.js';

const NONE: ReadonlyMap<number, InFlight> = new Map();

export class InFlightTable {
  private map: Map<number, InFlight> | null = null;

  get size(): number {
    return this.map === null ? 0 : this.map.size;
  }

  get(sequence: number): InFlight | undefined {
    return this.map === null ? undefined : this.map.get(sequence);
  }

  has(sequence: number): boolean {
    return this.map !== null && this.map.has(sequence);
  }

  set(sequence: number, entry: InFlight): void {
    (this.map ??= new Map()).set(sequence, entry);
  }

  /** Removes one; the table is dropped with its last entry (an iteration of it in progress goes on). */
  delete(sequence: number): boolean {
    const map = this.map;
    if (map === null || !map.delete(sequence)) return false;
    if (map.size === 0) this.map = null;
    return true;
  }

  /** The entries in send order. */
  values(): IterableIterator<InFlight> {
    return (this.map ?? NONE).values();
  }

  /** [sequence number, entry] in send order. */
  [Symbol.iterator](): IterableIterator<[number, InFlight]> {
    return (this.map ?? NONE).entries();
  }

  clear(): void {
    this.map = null;
  }
}
