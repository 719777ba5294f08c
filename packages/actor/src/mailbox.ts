// A process mailbox: a growable ring buffer holding (tag, a, b) triples inline, so enqueuing a
// message allocates no envelope object. `shift` returns the tag and leaves the payload in `a`/`b`.
import { nextPowerOfTwo } from './ring-queue.js';

/** Message kinds, stored as the first slot of each entry. 0 means "empty". */
export const EMPTY = 0;
export const CALL = 1;
export const CAST = 2;
export const INFO = 3;
export const STOP = 4;

const STRIDE = 3;

export class Mailbox {
  /** Payload of the last shifted entry (request, message or reason). */
  a: unknown = undefined;
  /** Second payload slot of the last shifted entry (the caller's `From`, a stop request). */
  b: unknown = undefined;
  private slots: unknown[];
  private head = 0;
  private size = 0;
  private capacity: number;

  constructor(initialCapacity = 4) {
    this.capacity = nextPowerOfTwo(initialCapacity);
    this.slots = new Array<unknown>(this.capacity * STRIDE);
  }

  get length(): number {
    return this.size;
  }

  push(tag: number, a: unknown, b: unknown): void {
    if (this.size === this.capacity) this.grow();
    const at = ((this.head + this.size) & (this.capacity - 1)) * STRIDE;
    const slots = this.slots;
    slots[at] = tag;
    slots[at + 1] = a;
    slots[at + 2] = b;
    this.size++;
  }

  /** Removes the oldest entry; returns its tag (EMPTY when there is none) and sets `a`, `b`. */
  shift(): number {
    if (this.size === 0) return EMPTY;
    const slots = this.slots;
    const at = this.head * STRIDE;
    const tag = slots[at] as number;
    this.a = slots[at + 1];
    this.b = slots[at + 2];
    slots[at + 1] = undefined;
    slots[at + 2] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    this.size--;
    return tag;
  }

  /** Drops every entry, calling `visit` on each first (used to fail pending stop requests). */
  drain(visit?: (tag: number, a: unknown, b: unknown) => void): void {
    while (this.size > 0) {
      const tag = this.shift();
      visit?.(tag, this.a, this.b);
    }
    this.a = undefined;
    this.b = undefined;
  }

  private grow(): void {
    const old = this.slots;
    const oldCapacity = this.capacity;
    const next = new Array<unknown>(oldCapacity * 2 * STRIDE);
    for (let i = 0; i < this.size; i++) {
      const from = ((this.head + i) & (oldCapacity - 1)) * STRIDE;
      const to = i * STRIDE;
      next[to] = old[from];
      next[to + 1] = old[from + 1];
      next[to + 2] = old[from + 2];
    }
    this.slots = next;
    this.head = 0;
    this.capacity = oldCapacity * 2;
  }
}
