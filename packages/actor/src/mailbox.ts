// A process mailbox: a FIFO of (tag, message) entries stored inline in arrays, so enqueuing a
// message allocates no envelope. Storage is a chain of chunks that double from 8 up to 16384
// entries: growing never copies, a drained backlog gives its chunks back one by one, and an empty
// mailbox holds no chunk: its first chunk goes to a pool shared by every mailbox, where the next
// message to any process takes it from (an idle SMPP session or a SIP transaction waiting on a
// timer then costs 184 bytes less). `shift` returns the tag and leaves the message in `message`.
//
// The layout is shaped by V8's young-generation collector (the scavenger), which must visit every
// slot of every live young array. A long backlog used to cost three slots a message (tag and two
// payloads) in fresh 196 KB chunks, and the first scavenge after a 1 M message burst had to promote
// and visit the ~7 MB of them still young: the longest event-loop stall while the burst drained
// (2-3.5 ms). Now:
// - tags are packed eight to a slot (3 bits each, a small integer the scavenger skips at once), so
//   a queued message costs 9/8 of a slot instead of 3; a call's request and a stop's reason travel
//   in their CallRecord / StopRequest instead of a second payload slot;
// - full-size chunks are above V8's largest regular object (128 KB), so they live in large-object
//   space: a young one that survives a scavenge is promoted in place and visited once, where a
//   regular array would be copied twice (to the other semi-space, then to the old generation);
// - drained full-size chunks go to a pool shared by every mailbox, and the next backlog takes its
//   chunks from there first. Pooled chunks are in the old generation: a burst that fits in the
//   pool allocates nothing young, so no scavenge during its drain has any of it to promote or visit.

/** Message kinds, stored as the tag of each entry. 0 means "empty". */
export const EMPTY = 0;
export const CALL = 1;
export const CAST = 2;
export const INFO = 3;
export const STOP = 4;
/** A `sys` request (get or replace state, suspend, resume, statistics, trace): served even while suspended. */
export const SYSTEM = 5;

/** Entries per group: one slot holds the group's tags, the next eight its messages. */
const GROUP = 8;
const GROUP_SHIFT = 3;
const TAG_BITS = 3;
const TAG_MASK = 0b111;
const INITIAL_CHUNK = 8;
/**
 * Entries in a full-size chunk: 18432 slots, 147 KB with Node's 8-byte slots (73 KB where V8 is
 * built with pointer compression, where such a chunk is a regular object and still works).
 */
const MAX_CHUNK = 16384;
/** Once the mailbox is empty, a chunk larger than the first and up to this size stays with it; any other is given back. */
const KEEP_CHUNK = 64;
/**
 * Drained full-size chunks kept for reuse: 16 MB, the most V8 lets the young large-object space
 * hold before it scavenges (the size of a semi-space on 64-bit Node), so the pool covers the
 * backlogs whose fresh chunks would otherwise all still be young when their drain begins.
 */
const POOL_LIMIT = Math.floor((16 * 1024 * 1024) / ((MAX_CHUNK + MAX_CHUNK / GROUP) * 8));

class Chunk {
  readonly slots: unknown[];
  read = 0;
  write = 0;
  next: Chunk | null = null;
  constructor(readonly capacity: number) {
    this.slots = new Array<unknown>(capacity + capacity / GROUP);
  }
}

/** Drained full-size chunks, shared by all mailboxes (a chunk holds no message once drained). */
const pool: Chunk[] = [];

/** The chunk of every empty mailbox: full at capacity 0, so a push replaces it; never written. */
const NO_CHUNK = new Chunk(0);

/** First-size chunks of mailboxes that emptied, for the next mailbox that gets a message. */
const spare: Chunk[] = [];
/** At most this many spare chunks are kept (about 750 KB); past it an emptied mailbox's chunk is left to the collector. */
const SPARE_LIMIT = 4096;

/** A chunk all read: a full-size one goes to the pool, a first-size one to the spares, any other to the collector. */
function recycle(chunk: Chunk): void {
  let list: Chunk[];
  if (chunk.capacity === MAX_CHUNK && pool.length < POOL_LIMIT) list = pool;
  else if (chunk.capacity === INITIAL_CHUNK && spare.length < SPARE_LIMIT) list = spare;
  else return;
  chunk.read = chunk.write = 0;
  chunk.next = null;
  list.push(chunk);
}

export class Mailbox {
  /** Message of the last shifted entry: the cast or info message, a CallRecord, a StopRequest. */
  message: unknown = undefined;
  private head: Chunk;
  private tail: Chunk;
  private size = 0;

  constructor() {
    this.head = this.tail = NO_CHUNK;
  }

  get length(): number {
    return this.size;
  }

  push(tag: number, message: unknown): void {
    let tail = this.tail;
    if (tail.write === tail.capacity) tail = this.append();
    const i = tail.write++;
    const lane = i & (GROUP - 1);
    // entry i of a chunk: its group's tag slot at i + i/8 - lane, its message right after it
    const at = i + (i >> GROUP_SHIFT) + 1;
    const slots = tail.slots;
    if (lane === 0) slots[at - 1] = tag;
    else slots[at - 1 - lane] = (slots[at - 1 - lane] as number) | (tag << (lane * TAG_BITS));
    slots[at] = message;
    this.size++;
  }

  /** Removes the oldest entry; returns its tag (EMPTY when there is none) and sets `message`. */
  shift(): number {
    if (this.size === 0) return EMPTY;
    let head = this.head;
    if (head.read === head.capacity) head = this.advance();
    const i = head.read++;
    const lane = i & (GROUP - 1);
    const at = i + (i >> GROUP_SHIFT) + 1;
    const slots = head.slots;
    const tag = ((slots[at - 1 - lane] as number) >> (lane * TAG_BITS)) & TAG_MASK;
    this.message = slots[at];
    slots[at] = undefined;
    if (--this.size === 0) this.reset();
    return tag;
  }

  /** Drops every entry, calling `visit` on each first. */
  drain(visit?: (tag: number, message: unknown) => void): void {
    while (this.size > 0) {
      const tag = this.shift();
      visit?.(tag, this.message);
    }
    this.message = undefined;
  }

  /** Entries the mailbox can hold without allocating (for tests and introspection). */
  get allocated(): number {
    let total = 0;
    for (let chunk: Chunk | null = this.head; chunk !== null; chunk = chunk.next) total += chunk.capacity;
    return total;
  }

  private append(): Chunk {
    if (this.tail === NO_CHUNK) {
      const first = spare.length > 0 ? spare.pop()! : new Chunk(INITIAL_CHUNK);
      this.head = this.tail = first;
      return first;
    }
    const capacity = Math.min(this.tail.capacity * 2, MAX_CHUNK);
    const chunk = capacity === MAX_CHUNK && pool.length > 0 ? pool.pop()! : new Chunk(capacity);
    this.tail.next = chunk;
    this.tail = chunk;
    return chunk;
  }

  /** The head chunk is fully read and a later chunk holds the next entry. */
  private advance(): Chunk {
    const old = this.head;
    const head = old.next!;
    old.next = null;
    recycle(old);
    this.head = head;
    return head;
  }

  /**
   * Everything was read: the last entry was in the tail, so one chunk is left. A chunk larger than
   * the first, up to KEEP_CHUNK, stays (its process has had bursts); any other is recycled and the
   * mailbox holds none.
   */
  private reset(): void {
    const chunk = this.tail;
    if (chunk.capacity > INITIAL_CHUNK && chunk.capacity <= KEEP_CHUNK) {
      chunk.read = chunk.write = 0;
      this.head = chunk;
      return;
    }
    this.head = this.tail = NO_CHUNK;
    recycle(chunk);
  }
}
