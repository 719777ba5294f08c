// Group commit for a store across the network: operations of one kind that arrive while the last
// group of them is in flight wait, and go together as one statement once it ends. An idle kind
// runs at the next turn of the event loop, with whatever else arrived in that turn (one turn more
// than a query made at once: the driver then writes it at the turn after). Under load the groups
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

  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runGroup: (items: readonly I[]) => Promise<readonly O[]>,
    /** Most items in one group; the rest wait for the next (default 500). */
    private readonly maxGroup = 500,
    /**
     * Whether a group's failure may be an item's own (bad data), not the database's: then each item
     * of a group of several runs again alone, so one bad item fails only its own caller.
     */
    private readonly itemsOwn: (error: unknown) => boolean = () => false,
  ) {}

  /** Resolves once nothing waits and no group is in flight (a store waits for this before it closes). */
  idle(): Promise<void> {
    if (!this.busy && !this.scheduled && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

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
    void this.settle(group, true).finally(() => {
      this.busy = false;
      if (this.waiting.length > 0) this.flush();
      else if (!this.scheduled) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Runs one group and settles its callers; never rejects. */
  private async settle(group: readonly Waiting<I, O>[], mayRetryAlone: boolean): Promise<void> {
    try {
      const results = await this.runGroup(group.map((w) => w.item));
      if (results.length !== group.length) throw new Error(`a group of ${group.length} gave ${results.length} results`);
      group.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (mayRetryAlone && group.length > 1 && this.itemsOwn(error)) {
        for (const w of group) await this.settle([w], false);
        return;
      }
      for (const w of group) w.reject(error);
    }
  }
}
