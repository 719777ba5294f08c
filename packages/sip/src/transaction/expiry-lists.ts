// When each held transaction's last timer fires. Every transaction of one kind waits the same time
// (Timer J, I, K or D of its stack), so entries of one duration expire in the order they came:
// one FIFO list per duration, linked through the entries themselves, costs a deadline and a link
// per entry and no allocation. An entry let go early stays linked until its deadline; its owner
// tells a live entry from a stale one when it expires.

/** What an expiry list links: the deadline and the next entry of the same duration. */
export interface Expiring {
  /** When it expires, in whole milliseconds of the clock (a small integer keeps it unboxed). */
  deadline: number;
  /** The next entry of the same duration, in deadline order. */
  next: Expiring | null;
}

interface List {
  head: Expiring | null;
  tail: Expiring | null;
}

export class ExpiryLists<E extends Expiring> {
  private readonly lists = new Map<number, List>();

  /** Links `entry` to expire `delay` ms after `now`; returns its deadline. */
  add(entry: E, delay: number, now: number): number {
    let list = this.lists.get(delay);
    if (list === undefined) {
      list = { head: null, tail: null };
      this.lists.set(delay, list);
    }
    // Rounded up: never early, and an integer stays a small integer in the entry.
    entry.deadline = Math.ceil(now + delay);
    entry.next = null;
    if (list.tail === null) list.head = entry;
    else list.tail.next = entry;
    list.tail = entry;
    return entry.deadline;
  }

  /** Unlinks every entry whose deadline is at or before `now`, handing each to `expire`. */
  takeDue(now: number, expire: (entry: E) => void): void {
    for (const list of this.lists.values()) {
      let entry = list.head;
      while (entry !== null && entry.deadline <= now) {
        list.head = entry.next;
        entry.next = null;
        expire(entry as E);
        entry = list.head;
      }
      if (list.head === null) list.tail = null;
    }
  }

  /** The earliest deadline still linked, Infinity when none is. */
  nextDeadline(): number {
    let next = Infinity;
    for (const list of this.lists.values()) if (list.head !== null && list.head.deadline < next) next = list.head.deadline;
    return next;
  }

  /** Unlinks everything (an entry a handle still points to then holds no others). */
  clear(): void {
    for (const list of this.lists.values()) {
      let entry = list.head;
      while (entry !== null) {
        const next = entry.next;
        entry.next = null;
        entry = next;
      }
    }
    this.lists.clear();
  }
}
