// The simulator's memory of accepted messages: the last N, in a fixed ring, so that a simulator
// left running at thousands of messages a second stays the same size.
import type { SubmittedMessage } from './simulator.js';

/** The last `capacity` accepted messages; older ones are overwritten. */
export class SubmittedRing {
  private readonly slots: (SubmittedMessage | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) throw new RangeError(`keepSubmitted must be a whole number, got ${String(capacity)}`);
    this.slots = new Array<SubmittedMessage | undefined>(capacity);
  }

  push(message: SubmittedMessage): void {
    if (this.capacity === 0) return;
    this.slots[this.next] = message;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The messages kept, oldest first. */
  toArray(): SubmittedMessage[] {
    const out = new Array<SubmittedMessage>(this.count);
    const start = this.count < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(start + i) % this.capacity]!;
    return out;
  }
}
