// A process mailbox: a FIFO of (tag, a, b) triples stored inline in arrays, so enqueuing a message
// allocates no envelope. Storage is a chain of chunks that double from 4 up to 4096 entries:
// growing never copies, a drained backlog gives its memory back chunk by chunk, and an idle
// process keeps one small chunk. `shift` returns the tag and leaves the payload in `a` / `b`.

/** Message kinds, stored as the first slot of each entry. 0 means "empty". */
export const EMPTY = 0;
export const CALL = 1;
export const CAST = 2;
export const INFO = 3;
export const STOP = 4;
/** A `sys` request (get or replace state, suspend, resume, statistics, trace): served even while suspended. */
export const SYSTEM = 5;

const STRIDE = 3;
const INITIAL_CHUNK = 4;
const MAX_CHUNK = 8192;
/** Once the mailbox is empty, a chunk larger than this is replaced by a small one. */
const KEEP_CHUNK = 64;

class Chunk {
  readonly slots: unknown[];
  read = 0;
  write = 0;
  next: Chunk | null = null;
  constructor(readonly capacity: number) {
    this.slots = new Array<unknown>(capacity * STRIDE);
  }
}

export class Mailbox {
  /** Payload of the last shifted entry (request, message or reason). */
  a: unknown = undefined;
  /** Second payload slot of the last shifted entry (the caller's `From`, a stop request). */
  b: unknown = undefined;
  private head: Chunk;
  private tail: Chunk;
  private size = 0;
  /** A drained full-size chunk kept for the next append during a long backlog. */
  private spare: Chunk | null = null;

  constructor() {
    this.head = this.tail = new Chunk(INITIAL_CHUNK);
  }

  get length(): number {
    return this.size;
  }

  push(tag: number, a: unknown, b: unknown): void {
    let tail = this.tail;
    if (tail.write === tail.capacity) tail = this.append();
    const at = tail.write * STRIDE;
    const slots = tail.slots;
    slots[at] = tag;
    slots[at + 1] = a;
    slots[at + 2] = b;
    tail.write++;
    this.size++;
  }

  /** Removes the oldest entry; returns its tag (EMPTY when there is none) and sets `a`, `b`. */
  shift(): number {
    if (this.size === 0) return EMPTY;
    let head = this.head;
    if (head.read === head.capacity) head = this.advance();
    const slots = head.slots;
    const at = head.read * STRIDE;
    const tag = slots[at] as number;
    this.a = slots[at + 1];
    this.b = slots[at + 2];
    slots[at + 1] = undefined;
    slots[at + 2] = undefined;
    head.read++;
    if (--this.size === 0) this.reset();
    return tag;
  }

  /** Drops every entry, calling `visit` on each first. */
  drain(visit?: (tag: number, a: unknown, b: unknown) => void): void {
    while (this.size > 0) {
      const tag = this.shift();
      visit?.(tag, this.a, this.b);
    }
    this.a = undefined;
    this.b = undefined;
  }

  /** Entries the mailbox can hold without allocating (for tests and introspection). */
  get allocated(): number {
    let total = 0;
    for (let chunk: Chunk | null = this.head; chunk !== null; chunk = chunk.next) total += chunk.capacity;
    return total;
  }

  private append(): Chunk {
    const capacity = Math.min(this.tail.capacity * 2, MAX_CHUNK);
    let chunk = this.spare;
    if (chunk !== null && chunk.capacity === capacity) {
      this.spare = null;
      chunk.read = chunk.write = 0;
    } else chunk = new Chunk(capacity);
    this.tail.next = chunk;
    this.tail = chunk;
    return chunk;
  }

  /** The head chunk is fully read and a later chunk holds the next entry. */
  private advance(): Chunk {
    const old = this.head;
    const head = old.next!;
    old.next = null;
    if (old.capacity === MAX_CHUNK) this.spare = old;
    this.head = head;
    return head;
  }

  /** Everything was read: the last entry was in the tail, so one chunk is left. */
  private reset(): void {
    const chunk = this.tail;
    this.spare = null;
    if (chunk.capacity > KEEP_CHUNK) {
      this.head = this.tail = new Chunk(INITIAL_CHUNK);
    } else {
      chunk.read = chunk.write = 0;
      this.head = chunk;
    }
  }
}
