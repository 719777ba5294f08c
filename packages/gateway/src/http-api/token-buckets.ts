// Token buckets by name (an API key's id, a client's address), in memory on this node: each takes
// one token per request and refills at its rate up to its size. The map is bounded: past its cap
// the least recently used bucket is dropped (a dropped bucket comes back full, which only forgets
// a client that has been quiet longest).

/** A refused take: how long until a token is there. */
export interface BucketRefusal {
  /** Seconds to wait (whole, at least 1), for `Retry-After`. */
  readonly retryAfter: number;
}

/** Longest wait announced: a bucket that never refills (rate 0) still gets a finite Retry-After. */
const MAX_RETRY_AFTER = 3600;

/** Whole seconds until a bucket holding `tokens` has one, at least 1. */
function retryAfterOf(tokens: number, ratePerSecond: number): number {
  if (!(ratePerSecond > 0)) return MAX_RETRY_AFTER;
  return Math.min(MAX_RETRY_AFTER, Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)));
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets keyed by a string, at most `cap` of them. */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();

  /** Makes an empty set that keeps at most `cap` buckets. */
  constructor(readonly cap: number) {}

  /**
   * Takes one token from `name`'s bucket (size `burst`, refilled at `ratePerSecond`) at `now` (ms).
   * Returns undefined when taken, else how long to wait.
   */
  take(name: string, now: number, ratePerSecond: number, burst: number): BucketRefusal | undefined {
    const bucket = this.#refilled(name, now, ratePerSecond, burst);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return { retryAfter: retryAfterOf(bucket.tokens, ratePerSecond) };
  }

  /** Whether `name`'s bucket is empty now (without taking from it). */
  isEmpty(name: string, now: number, ratePerSecond: number, burst: number): BucketRefusal | undefined {
    const bucket = this.#buckets.get(name);
    if (bucket === undefined) return undefined;
    const tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    return tokens >= 1 ? undefined : { retryAfter: retryAfterOf(tokens, ratePerSecond) };
  }

  /** How many buckets are kept. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(name: string, now: number, ratePerSecond: number, burst: number): Bucket {
    let bucket = this.#buckets.get(name);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: now };
    } else {
      // a clock that went back refills nothing
      bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = Math.max(bucket.at, now);
      this.#buckets.delete(name);
    }
    // re-inserted last: the Map's order is the use order, so the first key is the least recently used
    this.#buckets.set(name, bucket);
    if (this.#buckets.size > this.cap) this.#buckets.delete(this.#buckets.keys().next().value!);
    return bucket;
  }
}
