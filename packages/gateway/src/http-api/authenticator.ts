// Who is calling: the `Authorization: Bearer <id>.<secret>` header checked against the stored key
// (its secret's SHA-256, compared in constant time), with the keys cached in memory for a few
// seconds so a flood of requests with one key does not read the store each time. A key deleted on
// another node (or straight in the store) keeps working here until its cache entry ends; one
// deleted through this node's API stops at once. Failed attempts are limited per client address,
// so guessing is slow and a flood of bad tokens does not reach the store.
import { timingSafeEqual } from 'node:crypto';
import createDebug from 'debug';
import type { ApiKey, ApiStore } from '../api-store.js';
import { ApiHttpError } from './errors.js';
import { TokenBuckets } from './token-buckets.js';
import { parseToken, secretMatches } from './tokens.js';

const log = createDebug('switchboard:gateway:http-api');

/** How the authenticator caches and limits. */
export interface AuthenticatorOptions {
  /** How long a key read from the store is trusted (ms); default 5000. */
  readonly keyCacheMs?: number;
  /** Most keys cached (default 10000). */
  readonly maxCachedKeys?: number;
  /** Failed attempts an address may make in a burst (default 20). */
  readonly failedAuthBurst?: number;
  /** Failed attempts per second an address regains (default 1). */
  readonly failedAuthPerSecond?: number;
  /** Most addresses tracked for failed attempts (default 10000). */
  readonly maxTrackedAddresses?: number;
}

interface CachedKey {
  readonly key: ApiKey;
  readonly until: number;
  /** The secret last proven against the key's hash, while the entry lasts: the next request with it skips the SHA-256. */
  verified?: Buffer;
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="switchboard"' };
const INVALID_TOKEN = { 'www-authenticate': 'Bearer realm="switchboard", error="invalid_token"' };

/** Store reads of uncached keys one client address may have started and not seen end. */
const MAX_LOOKUPS_PER_ADDRESS = 8;

/** Checks bearer tokens against the store's keys. */
export class Authenticator {
  readonly #store: ApiStore;
  readonly #cacheMs: number;
  readonly #maxCached: number;
  readonly #cache = new Map<string, CachedKey>();
  readonly #lookups = new Map<string, Promise<ApiKey | undefined>>();
  readonly #failures: TokenBuckets;
  /** Store reads of keys in flight, per client address (entries go when they reach 0). */
  readonly #lookupsFrom = new Map<string, number>();
  readonly #failedBurst: number;
  readonly #failedRate: number;

  /** Makes an authenticator over `store`. */
  constructor(store: ApiStore, options: AuthenticatorOptions = {}) {
    this.#store = store;
    this.#cacheMs = options.keyCacheMs ?? 5000;
    this.#maxCached = options.maxCachedKeys ?? 10_000;
    this.#failedBurst = options.failedAuthBurst ?? 20;
    this.#failedRate = options.failedAuthPerSecond ?? 1;
    this.#failures = new TokenBuckets(options.maxTrackedAddresses ?? 10_000);
  }

  /**
   * The key that `authorization` (the header's value) proves, for a client at `address`, at `now`.
   * Throws ApiHttpError 401 `unauthorized` (with `WWW-Authenticate`), or 429 `rate_limited` when
   * the address failed too often; rejects with StoreError when the store fails.
   */
  async authenticate(authorization: string | undefined, address: string, now: number): Promise<ApiKey> {
    const blocked = this.#failures.isEmpty(address, now, this.#failedRate, this.#failedBurst);
    if (blocked !== undefined) throw new ApiHttpError(429, 'rate_limited', 'too many failed authentications from this address', null, { 'retry-after': String(blocked.retryAfter) });
    if (authorization === undefined || authorization === '') throw this.#failure(address, now, 'an Authorization: Bearer header is required', CHALLENGE);
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    const token = match === null ? undefined : parseToken(match[1]!);
    if (token === undefined) throw this.#failure(address, now, 'the Authorization header is not Bearer <id>.<secret>', INVALID_TOKEN);
    const key = await this.#lookupFor(address, token.id, now);
    if (key === undefined || !this.#proven(token.id, key, token.secret)) throw this.#failure(address, now, 'the API key is unknown or its secret is wrong', INVALID_TOKEN);
    return key;
  }

  /** Whether `secret` is the key's: compared with the secret proven last (constant time), else hashed and compared with the stored hash. */
  #proven(id: string, key: ApiKey, secret: string): boolean {
    const cached = this.#cache.get(id);
    const given = Buffer.from(secret, 'utf8');
    if (cached?.key === key && cached.verified !== undefined && cached.verified.length === given.length && timingSafeEqual(cached.verified, given)) return true;
    if (!secretMatches(secret, key.secretHash)) return false;
    if (cached?.key === key) cached.verified = given;
    return true;
  }

  /** Forgets a cached key (it was deleted or changed through this node). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /** Counts a failed attempt from `address`; returns the 401 to throw. */
  #failure(address: string, now: number, message: string, headers: Readonly<Record<string, string>>): ApiHttpError {
    this.#failures.take(address, now, this.#failedRate, this.#failedBurst);
    log('authentication failed from %s: %s', address, message);
    return new ApiHttpError(401, 'unauthorized', message, null, headers);
  }

  /**
   * The key, read for a client at `address`: store reads that it starts (not answered from the
   * cache, and no read of that id under way) are limited to MAX_LOOKUPS_PER_ADDRESS at once per
   * address, so a flood of made-up key ids from one address (each costing a store read) is answered
   * 429 before it reaches the store. A request whose key is being read already waits for that read
   * and counts for nothing: a client's connection pool, all its requests arriving as the key's cache
   * entry ends, must not be refused.
   */
  async #lookupFor(address: string, id: string, now: number): Promise<ApiKey | undefined> {
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.key;
    if (this.#lookups.has(id)) return this.#key(id, now);
    const inFlight = this.#lookupsFrom.get(address) ?? 0;
    if (inFlight >= MAX_LOOKUPS_PER_ADDRESS) throw new ApiHttpError(429, 'rate_limited', 'too many key lookups at once from this address', null, { 'retry-after': '1' });
    this.#lookupsFrom.set(address, inFlight + 1);
    try {
      return await this.#key(id, now);
    } finally {
      const left = (this.#lookupsFrom.get(address) ?? 1) - 1;
      if (left === 0) this.#lookupsFrom.delete(address);
      else this.#lookupsFrom.set(address, left);
    }
  }

  async #key(id: string, now: number): Promise<ApiKey | undefined> {
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.key;
    // one read per id at a time: a flood of requests with a key not cached yet waits for the same read
    let lookup = this.#lookups.get(id);
    if (lookup === undefined) {
      lookup = this.#store.key(id).finally(() => this.#lookups.delete(id));
      this.#lookups.set(id, lookup);
    }
    const key = await lookup;
    if (key === undefined) {
      this.#cache.delete(id);
      return undefined;
    }
    this.#cache.delete(id);
    this.#cache.set(id, { key, until: now + this.#cacheMs });
    if (this.#cache.size > this.#maxCached) this.#cache.delete(this.#cache.keys().next().value!);
    return key;
  }
}
