// Group commit for a store across the network: operations of one kind that arrive while the last
// group of them is in flight wait, and go together as one statement once it ends. An idle kind
// runs at the next turn of the event loop, with whatever else arrived in that turn (the driver
// writes its queries at that turn too, so nothing waits longer than it did). Under load the groups
// grow with the database's latency, so a node pays one round trip (a socket write and a wake-up of
// the database's process, about 40 µs each on a small VM) per group instead of per message.

/** One waiting operation: its input and the settling of its caller's promise. */
interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * Runs operations of one kind in groups, one group in flight at a time. `runGroup` gets the items
 * in the order they arrived and resolves with one result per item, in that order; when it rejects,
 * every caller of the group gets the rejection.
 *
 * @example
 * ```ts
 * const take = new GroupedStatement<string, Row | undefined>(async (ids) => {
 *   const rows = await sql`DELETE FROM sent WHERE message_id IN ${sql(ids)} RETURNING *`;
 *   return ids.map((id) => rows.find((r) => r.message_id === id));
 * });
 * const row = await take.run('smsc-1');
 * ```
 */
export class GroupedStatement<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly runGroup: (items: readonly I[]) => Promise<readonly O[]>,
    /** Most items in one group; the rest wait for the next (default 500). */
    private readonly maxGroup = 500,
  ) {}

  /** Runs `item` with the others of its group; settles with its own result. */
  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** How many operations wait for a group (not the one in flight). */
  get pending(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.busy || this.waiting.length === 0) return;
    const group = this.waiting.length <= this.maxGroup ? this.waiting : this.waiting.slice(0, this.maxGroup);
    this.waiting = group === this.waiting ? [] : this.waiting.slice(this.maxGroup);
    this.busy = true;
    let settled: Promise<readonly O[]>;
    try {
      settled = this.runGroup(group.map((w) => w.item));
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .then(
        (results) => {
          if (results.length !== group.length) throw new Error(`a group of ${group.length} gave ${results.length} results`);
          group.forEach((w, i) => w.resolve(results[i]!));
        },
        (error: unknown) => {
          for (const w of group) w.reject(error);
        },
      )
      .catch((error: unknown) => {
        for (const w of group) w.reject(error);
      })
      .finally(() => {
        this.busy = false;
        if (this.waiting.length > 0) this.flush();
      });
  }
}
