// A growable FIFO ring buffer with O(1) push and shift, used for the scheduler's run queue and
// exported for any queue a peer can grow: Array#shift is O(n) once V8 stops trimming a big array
// in place, which turns draining a long queue into O(n²). The capacity is a power of two so
// wrapping is a mask.

/** Rings grown past this many slots release them once empty again. */
const RELEASE_ABOVE = 1024;

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
  private slots: (T | undefined)[];
  private head = 0;
  private size = 0;
  private mask: number;

  /** Makes an empty queue with room for `initialCapacity` items (rounded up to a power of two); it grows as needed. */
  constructor(initialCapacity = 16) {
    const capacity = nextPowerOfTwo(initialCapacity);
    this.slots = new Array<T | undefined>(capacity);
    this.mask = capacity - 1;
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
    const capacity = old.length * 2;
    const next = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.slots = next;
    this.head = 0;
    this.mask = capacity - 1;
  }

  /** A burst grew the ring; once it is empty again its slots go back to the collector. */
  private release(): void {
    this.slots = new Array<T | undefined>(16);
    this.head = 0;
    this.mask = 15;
  }
}

export function nextPowerOfTwo(n: number): number {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return capacity;
}
