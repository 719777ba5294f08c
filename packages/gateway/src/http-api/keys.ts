// Making API keys: for the admin API, for a CLI, and the bootstrap admin key the gateway's config
// names (`http.adminKey`), stored hashed at start so the first admin can make every other key.
import type { ApiKey, ApiStore } from '../api-store.js';
import { ApiInputError } from './errors.js';
import { hashSecret, newKeyId, newSecret, parseToken } from './tokens.js';

/** Requests per second a key gets when none is given. */
export const DEFAULT_RATE_PER_SECOND = 50;
/** Bucket size a key gets when none is given. */
export const DEFAULT_BURST = 100;

/** What a new key is made with. */
export interface NewApiKeyOptions {
  /** A name for people (who the key is for). */
  readonly name: string;
  /** Whether it may use the admin API (default false). */
  readonly admin?: boolean;
  /** Requests per second (default {@link DEFAULT_RATE_PER_SECOND}). */
  readonly ratePerSecond?: number;
  /** Bucket size (default {@link DEFAULT_BURST}). */
  readonly burst?: number;
  /** Where receipts of its messages go when a message names no callback (default none). */
  readonly callbackUrl?: string | null;
  /** When it is made (ms, the gateway's clock). */
  readonly now: number;
}

/** A key just made: its token, shown once, and the key as stored. */
export interface CreatedApiKey {
  /** `<id>.<secret>`: the only time the secret is seen. */
  readonly token: string;
  /** The key as stored (its secret only as a hash). */
  readonly key: ApiKey;
}

/** Makes a key, stores it and returns its token (rejects with StoreError when the store fails). */
export async function createApiKey(store: ApiStore, options: NewApiKeyOptions): Promise<CreatedApiKey> {
  const id = newKeyId();
  const secret = newSecret();
  const key: ApiKey = {
    id,
    name: options.name,
    secretHash: hashSecret(secret),
    admin: options.admin ?? false,
    ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    burst: options.burst ?? DEFAULT_BURST,
    callbackUrl: options.callbackUrl ?? null,
    webhookSecret: newSecret(),
    createdAt: options.now,
  };
  await store.putKey(key);
  return { token: `${id}.${secret}`, key };
}

/**
 * Makes sure the admin key that the config names (`token`, `<id>.<secret>`) is stored: added when
 * absent; when a key with its id is stored with another secret or without admin rights, its hash
 * and rights are replaced (the config is the source of truth for it). Throws ApiInputError when
 * `token` is not a token's shape; rejects with StoreError when the store fails. Resolves with the key.
 */
export async function ensureAdminKey(store: ApiStore, token: string, now: number): Promise<ApiKey> {
  const parsed = parseToken(token);
  if (parsed === undefined) throw new ApiInputError('invalid_field', 'http.adminKey', 'the admin key is not a token: k_ and 16 base32 letters, a dot, 43 base64url characters');
  const secretHash = hashSecret(parsed.secret);
  const stored = await store.key(parsed.id);
  if (stored !== undefined && stored.secretHash === secretHash && stored.admin) return stored;
  const key: ApiKey =
    stored === undefined
      ? { id: parsed.id, name: 'admin (config)', secretHash, admin: true, ratePerSecond: DEFAULT_RATE_PER_SECOND, burst: DEFAULT_BURST, callbackUrl: null, webhookSecret: newSecret(), createdAt: now }
      : { ...stored, secretHash, admin: true };
  await store.putKey(key);
  return key;
}
