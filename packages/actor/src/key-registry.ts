// A local key-value registry of processes (Elixir's `Registry`): unique keys for naming
// (usable as a via-registry), duplicate keys for pub/sub with `dispatch`. An entry goes when its
// process exits, synchronously, so a lookup never returns a dead pid.
import { liveCaller } from './caller.js';
import type { NameResolver } from './destination.js';
import { AlreadyRegisteredError, NoProcError, NotInProcessError, RegistryFullError } from './errors.js';
import type { Pid } from './pid.js';
import { DEAD, type Proc } from './process.js';
import { addExitWaiter } from './signals.js';

/** Options of a `KeyRegistry`. */
export interface KeyRegistryOptions {
  /** `unique`: one process per key (names); `duplicate`: any number (topics). */
  readonly keys: 'unique' | 'duplicate';
  /** Entries held at most (default 1,000,000): `register` beyond it throws `RegistryFullError`. */
  readonly maxEntries?: number;
}

/** One entry: a process and the value it registered with. */
export interface RegistryEntry<V> {
  /** The registered process. */
  readonly pid: Pid;
  /** The value it registered with. */
  readonly value: V;
}

/**
 * Processes by key, with a value each (Elixir's `Registry`). With unique keys it names processes
 * and is a via-registry (`call(via(registry, key), …)`); with duplicate keys it is a local
 * pub/sub: many processes register under a topic and `dispatch` reaches them all.
 *
 * @example
 * ```ts fragment
 * const topics = new KeyRegistry<string, null>({ keys: 'duplicate' });
 * topics.register('receipts', null); // in a process: subscribes it
 * topics.dispatch('receipts', (entries) => entries.forEach(({ pid }) => send(pid, receipt)));
 * ```
 */
export class KeyRegistry<K = string, V = unknown> implements NameResolver<K> {
  /** Unique or duplicate keys, as given. */
  readonly keys: 'unique' | 'duplicate';
  private readonly maxEntries: number;
  private readonly byKey = new Map<K, Map<Proc, V>>();
  private readonly byProc = new Map<Proc, Set<K>>();
  private entries = 0;

  /** An empty registry. */
  constructor(options: KeyRegistryOptions) {
    if (options.keys !== 'unique' && options.keys !== 'duplicate') throw new TypeError("keys must be 'unique' or 'duplicate'");
    this.keys = options.keys;
    this.maxEntries = options.maxEntries ?? 1_000_000;
  }

  /**
   * Registers the running process (or `pid`) under `key` with `value`; registering the same
   * process under the same key again replaces its value.
   * @throws AlreadyRegisteredError with unique keys, when another process holds the key
   * @throws RegistryFullError when `maxEntries` are held
   * @throws NoProcError when `pid` has exited; NotInProcessError outside a process without `pid`
   */
  register(key: K, value: V, pid?: Pid): void {
    const proc = this.owner('register', pid);
    let holders = this.byKey.get(key);
    if (holders !== undefined && !holders.has(proc)) {
      if (this.keys === 'unique') throw new AlreadyRegisteredError(String(key), holders.keys().next().value!.pid);
    }
    if (holders?.has(proc) !== true) {
      if (this.entries >= this.maxEntries) throw new RegistryFullError(this.maxEntries);
      this.entries++;
    }
    if (holders === undefined) this.byKey.set(key, (holders = new Map()));
    holders.set(proc, value);
    let keys = this.byProc.get(proc);
    if (keys === undefined) {
      this.byProc.set(proc, (keys = new Set()));
      addExitWaiter(proc, () => this.forget(proc));
    }
    keys.add(key);
  }

  /** Removes the running process's (or `pid`'s) entry under `key`; false if it had none. */
  unregister(key: K, pid?: Pid): boolean {
    const proc = this.owner('unregister', pid);
    const holders = this.byKey.get(key);
    if (holders === undefined || !holders.delete(proc)) return false;
    this.entries--;
    if (holders.size === 0) this.byKey.delete(key);
    this.byProc.get(proc)?.delete(key);
    return true;
  }

  /** The entries under `key` (at most one with unique keys), in registration order. */
  lookup(key: K): RegistryEntry<V>[] {
    const holders = this.byKey.get(key);
    if (holders === undefined) return [];
    const out: RegistryEntry<V>[] = [];
    for (const [proc, value] of holders) out.push({ pid: proc.pid, value });
    return out;
  }

  /** The pid under a unique `key` (what makes this a via-registry). With duplicate keys: the first. */
  whereis(key: K): Pid | undefined {
    const holders = this.byKey.get(key);
    return holders === undefined ? undefined : holders.keys().next().value?.pid;
  }

  /**
   * Calls `fn` with the entries under `key` if there are any (Elixir's `Registry.dispatch`): the
   * pub/sub use, where `fn` sends to each. `fn` runs at once, in the caller.
   */
  dispatch(key: K, fn: (entries: RegistryEntry<V>[]) => void): void {
    const entries = this.lookup(key);
    if (entries.length > 0) fn(entries);
  }

  /** The keys `pid` is registered under. */
  keysOf(pid: Pid): K[] {
    const proc = pid.proc;
    return proc === null ? [] : [...(this.byProc.get(proc) ?? [])];
  }

  /** Changes the running process's (or `pid`'s) value under `key`; returns the new value, or undefined without an entry. */
  updateValue(key: K, update: (value: V) => V, pid?: Pid): V | undefined {
    const proc = this.owner('updateValue', pid);
    const holders = this.byKey.get(key);
    if (holders === undefined || !holders.has(proc)) return undefined;
    const value = update(holders.get(proc)!);
    holders.set(proc, value);
    return value;
  }

  /** Entries held, over all keys. */
  get size(): number {
    return this.entries;
  }

  /** Entries under `key`. */
  count(key: K): number {
    return this.byKey.get(key)?.size ?? 0;
  }

  private owner(operation: string, pid: Pid | undefined): Proc {
    const running = liveCaller(`KeyRegistry.${operation}`);
    const proc = pid === undefined ? running : pid.proc;
    if (proc === null || proc.status === DEAD) {
      if (pid === undefined) throw new NotInProcessError(`KeyRegistry.${operation}`);
      throw new NoProcError(pid);
    }
    return proc;
  }

  /** The process exited: all its entries go. */
  private forget(proc: Proc): void {
    const keys = this.byProc.get(proc);
    if (keys === undefined) return;
    this.byProc.delete(proc);
    for (const key of keys) {
      const holders = this.byKey.get(key);
      if (holders === undefined || !holders.delete(proc)) continue;
      this.entries--;
      if (holders.size === 0) this.byKey.delete(key);
    }
  }
}
