// The MC's defence against password guessing: failed binds are answered late (1 s, doubling), and a
// system_id or a peer address with too many failures in a window is locked out for a while — its
// binds are refused with ESME_RBINDFAIL (SMPP v3.4 §5.1.3, "Bind Failed") whatever the password.
// The table of failures is bounded: past `maxEntries`, the entry touched longest ago goes.
import createDebug from 'debug';
import type { Clock } from '@switchboard/actor';

const log = createDebug('switchboard:smpp:bind-guard');

/** Options of the failed-bind guard (`listenMc`'s `bindFailures`). */
export interface BindGuardOptions {
  /** Delay (ms) of the answer to a first failed bind; it doubles with each further failure. Default 1,000. */
  readonly delay?: number;
  /** The longest delay (ms). Default 4,000 (below `McServer.close`'s default budget). */
  readonly maxDelay?: number;
  /** Failures of one system_id within `window` that lock it out. Default 5. */
  readonly maxFailures?: number;
  /** Failures from one peer address (any system_id) within `window` that lock it out. Default 20. */
  readonly maxFailuresPerAddress?: number;
  /** The window (ms) failures are counted in. Default 60,000. */
  readonly window?: number;
  /** How long (ms) a lockout lasts. Default 300,000. */
  readonly lockoutTime?: number;
  /** Most system_ids and addresses remembered at once. Default 10,000. */
  readonly maxEntries?: number;
}

interface Entry {
  failures: number;
  /** When the current window began. */
  since: number;
  /** Locked out until then (0: not locked). */
  lockedUntil: number;
}

/** What the guard says about a bind about to be checked. */
export interface BindVerdict {
  /** The system_id or the address is locked out: refuse with ESME_RBINDFAIL. */
  readonly locked: boolean;
}

/**
 * Counts failed binds per system_id and per peer address, on the runtime's clock. One guard serves
 * every session of an MC (`listenMc` makes it); it is exported for MCs built another way and for
 * inspection.
 *
 * @example
 * const guard = new BindGuard(runtime.clock, { maxFailures: 3, lockoutTime: 60_000 });
 * if (guard.check('esme01', '192.0.2.7').locked) refuse();
 * const wait = guard.failed('esme01', '192.0.2.7'); // answer the failure after `wait` ms
 */
export class BindGuard {
  private readonly entries = new Map<string, Entry>();
  private readonly delay: number;
  private readonly maxDelay: number;
  private readonly maxFailures: number;
  private readonly maxFailuresPerAddress: number;
  private readonly window: number;
  private readonly lockoutTime: number;
  private readonly maxEntries: number;

  /** Makes a guard that reads time from `clock` (the runtime's, so tests can drive it). */
  constructor(
    private readonly clock: Clock,
    options: BindGuardOptions = {},
  ) {
    this.delay = options.delay ?? 1000;
    this.maxDelay = options.maxDelay ?? 4000;
    this.maxFailures = options.maxFailures ?? 5;
    this.maxFailuresPerAddress = options.maxFailuresPerAddress ?? 20;
    this.window = options.window ?? 60_000;
    this.lockoutTime = options.lockoutTime ?? 300_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    for (const [key, value] of Object.entries({ delay: this.delay, maxDelay: this.maxDelay, window: this.window, lockoutTime: this.lockoutTime })) {
      if (!(typeof value === 'number' && value >= 0)) throw new RangeError(`bindFailures.${key} must be a number >= 0, got ${String(value)}`);
    }
    for (const [key, value] of Object.entries({ maxFailures: this.maxFailures, maxFailuresPerAddress: this.maxFailuresPerAddress, maxEntries: this.maxEntries })) {
      if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`bindFailures.${key} must be a whole number > 0, got ${String(value)}`);
    }
  }

  /** System_ids and addresses remembered now (at most `maxEntries`). */
  get size(): number {
    return this.entries.size;
  }

  /** Whether a bind from `address` as `systemId` must be refused without looking at its password. */
  check(systemId: string, address: string | undefined): BindVerdict {
    const now = this.clock.now();
    const locked = this.lockedAt(`id:${systemId}`, now) || (address !== undefined && this.lockedAt(`ip:${address}`, now));
    return { locked };
  }

  /**
   * Records a failed (or refused) bind; returns how long (ms) to wait before answering it.
   */
  failed(systemId: string, address: string | undefined): number {
    const now = this.clock.now();
    const byId = this.count(`id:${systemId}`, now, this.maxFailures);
    const byAddress = address === undefined ? 0 : this.count(`ip:${address}`, now, this.maxFailuresPerAddress);
    const failures = Math.max(byId, byAddress);
    const wait = Math.min(this.maxDelay, this.delay * 2 ** Math.min(failures - 1, 30));
    log('bind failure %d for %s from %s: answered in %d ms', failures, systemId, address, wait);
    return wait;
  }

  /** A successful bind clears the system_id's failures (the address keeps its count). */
  succeeded(systemId: string): void {
    const entry = this.entries.get(`id:${systemId}`);
    if (entry !== undefined && entry.lockedUntil === 0) this.entries.delete(`id:${systemId}`);
  }

  private lockedAt(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.lockedUntil === 0) return false;
    if (entry.lockedUntil > now) return true;
    this.entries.delete(key); // the lockout is over: start afresh
    return false;
  }

  private count(key: string, now: number, limit: number): number {
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key); // re-inserted below: the Map's order is least recently touched first
      if (entry.lockedUntil === 0 && now - entry.since >= this.window) entry = undefined;
      else if (entry.lockedUntil !== 0 && entry.lockedUntil <= now) entry = undefined;
    }
    entry ??= { failures: 0, since: now, lockedUntil: 0 };
    entry.failures++;
    if (entry.lockedUntil === 0 && entry.failures >= limit) {
      entry.lockedUntil = now + this.lockoutTime;
      log('%s locked out for %d ms after %d failed binds', key, this.lockoutTime, entry.failures);
    }
    this.entries.set(key, entry);
    // Bounded: forget the entry touched longest ago (O(1): the Map's first key).
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry.failures;
  }
}
