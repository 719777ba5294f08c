// DNS answers kept for their TTL on the runtime's clock, in a bounded map: the least recently used
// answer goes first when it is full, so a stream of distinct names cannot grow it without end.

/** What the cache needs of a clock: the runtime's `Clock` (or a `VirtualClock`) fits. */
export interface CacheClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
}

interface Entry {
  readonly records: readonly unknown[];
  readonly expires: number;
}

/**
 * A TTL cache of DNS answers keyed by record type and name, at most `maxEntries` of them (least
 * recently used evicted first). An empty answer is cached too (negative caching, RFC 2308).
 */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();

  /** Makes an empty cache holding at most `maxEntries` answers (at least 1). */
  constructor(
    /** The most answers held at once. */
    readonly maxEntries: number,
    private readonly clock: CacheClock,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, not ${maxEntries}`);
  }

  /** Answers held now, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  /** The answer cached for `key` while it is fresh; undefined when missing or expired. */
  get<T>(key: string): readonly T[] | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map order is insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.records as readonly T[];
  }

  /** Keeps `records` for `ttl` ms (nothing is kept for a TTL of 0 or less). */
  set<T>(key: string, records: readonly T[], ttl: number): void {
    this.entries.delete(key);
    if (!(ttl > 0)) return;
    this.entries.set(key, { records, expires: this.clock.now() + ttl });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Drops every answer. */
  clear(): void {
    this.entries.clear();
  }
}
