// A growable FIFO ring buffer with O(1) push and shift, used for the scheduler's run queue and
// exported for any queue a peer can grow: Array#shift is O(n) once V8 stops trimming a big array
// in place, which turns draining a long queue into O(n²). The capacity is a power of two so
// wrapping is a mask. A queue allocates its ring at the first push: many per-connection queues
// (an SMPP session's waiting requests, its throttle windows) are never used.

/** Rings grown past this many slots release them once empty again. */
const RELEASE_ABOVE = 1024;

/** The ring of a queue that has not had a value yet: shared, never written (push grows first). */
const NO_SLOTS: never[] = [];

/**
 * A first-in first-out queue on a power-of-two ring buffer: O(1) `push`, `shift` and `peek`.
 *
 * @example
 * const queue = new RingQueue<number>();
 * queue.push(1);
 * queue.push(2);
 * queue.shift(); // 1
 */
export class RingQueue<T> {
  private slots: (T | undefined)[] = NO_SLOTS;
  private head = 0;
  private size = 0;
  /** capacity - 1 once the ring exists; before, minus the capacity to allocate (so `size > mask`). */
  private mask: number;

  /**
   * Makes an empty queue with room for `initialCapacity` items (rounded up to a power of two),
   * allocated at the first push; it grows as needed.
   */
  constructor(initialCapacity = 16) {
    this.mask = -nextPowerOfTwo(initialCapacity);
  }

  /** How many values the queue holds. */
  get length(): number {
    return this.size;
  }

  /** Adds `value` at the back. */
  push(value: T): void {
    if (this.size > this.mask) this.grow();
    this.slots[(this.head + this.size) & this.mask] = value;
    this.size++;
  }

  /** Removes and returns the oldest value, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const value = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    if (this.size === 0 && this.slots.length > RELEASE_ABOVE) this.release();
    return value;
  }

  /** The oldest value, left in place; `undefined` when empty. */
  peek(): T | undefined {
    return this.size === 0 ? undefined : this.slots[this.head];
  }

  /** Empties the queue. */
  clear(): void {
    if (this.slots.length > RELEASE_ABOVE) this.release();
    else this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  /** The values, oldest first (the queue is not changed). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i++) yield this.slots[(this.head + i) & this.mask] as T;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = old === NO_SLOTS ? -this.mask : old.length * 2;
    const next = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.slots = next;
    this.head = 0;
    this.mask = capacity - 1;
  }

  /** A burst grew the ring; once it is empty again its slots go back to the collector. */
  private release(): void {
    this.slots = NO_SLOTS;
    this.head = 0;
    this.mask = -16;
  }
}

export function nextPowerOfTwo(n: number): number {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return capacity;
}
