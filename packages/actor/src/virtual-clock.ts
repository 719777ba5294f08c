// Deterministic time for tests: nothing fires until the test advances the clock, and between
// two timers the clock lets every attached runtime drain its processes.
import type { Clock, ClockHandle } from './clock.js';

interface VirtualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Called between timer firings; resolves once the caller's work has settled. */
export type Settler = () => Promise<void>;

/**
 * A clock whose time only moves when told to. `advance` fires due timers in order (by due time,
 * then by creation), and after each one waits for attached runtimes to become idle, so a timer
 * set by a message handler that a previous timer triggered fires within the same `advance`.
 *
 * @example
 * const clock = new VirtualClock();
 * const rt = new Runtime({ clock });
 * sendAfter(pid, 'tick', 1000);
 * await clock.advance(1000); // 'tick' delivered and handled
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];
  private live = 0;
  private readonly settlers = new Set<Settler>();

  /** Makes a clock that reads `start` (milliseconds, default 0) until it is advanced. */
  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, delay: number): ClockHandle {
    const timer: VirtualTimer = {
      due: this.current + Math.max(0, Number.isFinite(delay) ? delay : 0),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.heapPush(timer);
    this.live++;
    return timer;
  }

  clearTimeout(handle: ClockHandle): void {
    const timer = handle as VirtualTimer | undefined;
    if (timer && !timer.cancelled) {
      timer.cancelled = true;
      this.live--;
    }
  }

  /** Timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.live;
  }

  /** Registers work to wait for between firings (a Runtime registers itself); returns an undo. */
  addSettler(settler: Settler): () => void {
    this.settlers.add(settler);
    return () => this.settlers.delete(settler);
  }

  /** Moves time forward by `ms`, firing everything due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time`, firing everything due on the way. */
  async advanceTo(time: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.peekLive();
      if (next === undefined || next.due > time) break;
      this.fire(next);
      await this.settle();
    }
    if (time > this.current) this.current = time;
    await this.settle();
  }

  /** Fires the next pending timer, whenever it is due; returns false when none is armed. */
  async next(): Promise<boolean> {
    await this.settle();
    const next = this.peekLive();
    if (next === undefined) return false;
    this.fire(next);
    await this.settle();
    return true;
  }

  /** Fires timers until none is left (at most `limit`, to stop runaway periodic timers). */
  async runAll(limit = 100_000): Promise<number> {
    let fired = 0;
    while (fired < limit && (await this.next())) fired++;
    return fired;
  }

  /** Lets promise callbacks and every attached runtime finish their current work. */
  async settle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const settler of this.settlers) await settler();
  }

  private fire(timer: VirtualTimer): void {
    this.heapPop();
    timer.cancelled = true;
    this.live--;
    if (timer.due > this.current) this.current = timer.due;
    timer.fn();
  }

  private peekLive(): VirtualTimer | undefined {
    let top = this.heap[0];
    while (top !== undefined && top.cancelled) {
      this.heapPop();
      top = this.heap[0];
    }
    return top;
  }

  private heapPush(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  private heapPop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
