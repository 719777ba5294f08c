// Which store the configuration names: PostgreSQL when `store.url` is set (several nodes may share
// it), else the SQLite file `store.path` (one node, nothing to install). Opening failures become a
// StoreOpenError naming the setting to change.
import type { GatewayConfig } from './config.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import { StoreOpenError } from './start-failure.js';
import type { Store } from './store.js';

/** How the gateway (or `pnpm users`) opens its store. */
export interface OpenStoreOptions {
  /** SQLite: free every claim left in the file (the gateway, the file's one node, at start). */
  readonly reclaim?: boolean;
  /** SQLite: overrides `store.synchronous` (`pnpm users` writes with `full`). */
  readonly synchronous?: 'normal' | 'full';
  /** The name the store claims work and leases under (default `host/pid/random`). */
  readonly node?: string;
}

/** `store.url` without its password, or `store.path`: what to name in messages and logs. */
export function describeStore(config: GatewayConfig['store']): string {
  if (config.url === null) return config.path;
  try {
    const url = new URL(config.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'the store.url given (not a URL)';
  }
}

/** Opens the configured store; rejects with a StoreOpenError naming `store.url` or `store.path`. */
export async function openStore(config: GatewayConfig['store'], options: OpenStoreOptions = {}): Promise<Store> {
  if (config.url !== null) {
    try {
      return await PostgresStore.open(config.url, { poolSize: config.poolSize, ...(options.node === undefined ? {} : { node: options.node }) });
    } catch (error) {
      throw new StoreOpenError(describeStore(config), error, 'store.url');
    }
  }
  try {
    return new SqliteStore(config.path, { synchronous: options.synchronous ?? (config.synchronous === 'full' ? 'full' : 'normal'), reclaim: options.reclaim === true, ...(options.node === undefined ? {} : { node: options.node }) });
  } catch (error) {
    throw new StoreOpenError(config.path, error, 'store.path');
  }
}
