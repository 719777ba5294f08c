// The runtime's one timer structure. Timers of equal duration expire in insertion order, so each
// duration keeps an intrusive doubly linked list (O(1) add and cancel, no allocation beyond the
// entry itself), and a small heap orders the lists by their head's deadline. Only one clock timer
// is armed at a time, for the earliest list. This is the shape of Node's own timer lists.
import type { Clock, ClockHandle } from './clock.js';

/** Something that can be armed in a TimerQueue. Subclasses say what happens on expiry. */
export abstract class TimerEntry {
  /** @internal */ deadline = 0;
  /** @internal */ prev: TimerEntry | null = null;
  /** @internal */ next: TimerEntry | null = null;
  /** @internal */ list: TimerList | null = null;

  /** True while armed. */
  get armed(): boolean {
    return this.list !== null;
  }

  /** Called once when the deadline passes (never after `remove`). */
  abstract onTimeout(): void;
}

class TimerList {
  head: TimerEntry | null = null;
  tail: TimerEntry | null = null;
  heapIndex = -1;
  constructor(
    readonly duration: number,
    public expiry: number,
  ) {}
}

const MAX_CLOCK_DELAY = 2 ** 31 - 1;

export class TimerQueue {
  private readonly lists = new Map<number, TimerList>();
  private readonly heap: TimerList[] = [];
  private handle: ClockHandle | null = null;
  private armedAt = Infinity;
  /** Entries armed now: when none is left, no clock timer stays armed (it would keep Node alive). */
  private count = 0;
  private readonly onWake = (): void => this.wake();

  constructor(private readonly clock: Clock) {}

  /**
   * Arms `entry` to expire `delay` ms from now, in whole milliseconds (at least 1, as Node's
   * timers), at a whole millisecond of the clock: a fraction is rounded up, never down, so a timer
   * never fires early. Whole durations
   * keep the lists few: a session re-arming after `interval - idle` on a fractional clock made a
   * list (and a heap entry) per timer.
   */
  add(entry: TimerEntry, delay: number): void {
    if (entry.list !== null) this.remove(entry);
    const duration = delay >= 1 ? Math.ceil(delay) : 1;
    // A whole number too (rounded up: never early): below 2^30 ms of the clock (12 days of a
    // process's performance.now()) V8 keeps it in the entry as a small integer, where a fraction
    // took a 16-byte heap number per armed timer.
    const deadline = Math.ceil(this.clock.now() + duration);
    entry.deadline = deadline;
    let list = this.lists.get(duration);
    if (list === undefined) {
      list = new TimerList(duration, deadline);
      this.lists.set(duration, list);
      this.heapPush(list);
    }
    entry.list = list;
    entry.next = null;
    entry.prev = list.tail;
    if (list.tail === null) list.head = entry;
    else list.tail.next = entry;
    list.tail = entry;
    this.count++;
    this.arm();
  }

  /** Disarms `entry`; does nothing if it is not armed. */
  remove(entry: TimerEntry): void {
    const list = entry.list;
    if (list === null) return;
    if (entry.prev === null) list.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) list.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = null;
    entry.next = null;
    entry.list = null;
    // An emptied list stays in the heap until its (now early) expiry: a harmless extra wake-up,
    // unless nothing at all is armed any more: then the clock timer goes too.
    if (--this.count === 0 && this.handle !== null) {
      this.clock.clearTimeout(this.handle);
      this.handle = null;
      this.armedAt = Infinity;
    }
  }

  /** Milliseconds until `entry` expires, or undefined when it is not armed. */
  remaining(entry: TimerEntry): number | undefined {
    if (entry.list === null) return undefined;
    return Math.max(0, entry.deadline - this.clock.now());
  }

  /** Number of distinct durations currently tracked (for introspection and tests). */
  get durations(): number {
    return this.lists.size;
  }

  private arm(): void {
    const top = this.heap[0];
    if (this.count === 0 || top === undefined || top.expiry >= this.armedAt || !Number.isFinite(top.expiry)) return;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.armedAt = top.expiry;
    // Node turns delays above 2^31-1 ms into 1 ms; wake up early instead and re-arm.
    const delay = Math.min(MAX_CLOCK_DELAY, Math.max(0, top.expiry - this.clock.now()));
    this.handle = this.clock.setTimeout(this.onWake, delay);
  }

  private wake(): void {
    this.handle = null;
    this.armedAt = Infinity;
    const now = this.clock.now();
    for (;;) {
      const list = this.heap[0];
      if (list === undefined || list.expiry > now) break;
      let entry = list.head;
      while (entry !== null && entry.deadline <= now) {
        this.remove(entry);
        entry.onTimeout();
        entry = list.head;
      }
      if (list.head === null) {
        this.heapRemoveTop();
        this.lists.delete(list.duration);
      } else {
        list.expiry = list.head.deadline;
        this.siftDown(0);
      }
    }
    this.arm();
  }

  private heapPush(list: TimerList): void {
    list.heapIndex = this.heap.length;
    this.heap.push(list);
    this.siftUp(list.heapIndex);
  }

  private heapRemoveTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    last.heapIndex = -1;
    if (heap.length === 0) return;
    heap[0] = last;
    last.heapIndex = 0;
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.expiry <= item.expiry) break;
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = item;
    item.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.expiry < heap[left]!.expiry ? right : left;
      const c = heap[child]!;
      if (c.expiry >= item.expiry) break;
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = item;
    item.heapIndex = i;
  }
}
