// What every route of the HTTP API shares: the backend, the metrics, the key checks, the rate
// limits and the idempotency queue, and the key each authenticated request was made with.
import type { FastifyRequest } from 'fastify';
import type { ApiKey } from '../api-store.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Authenticator } from './authenticator.js';
import type { ApiBackend } from './backend.js';
import { ApiHttpError } from './errors.js';
import type { PerNameQueue } from './idempotency.js';
import type { TokenBuckets } from './token-buckets.js';

/** The HTTP API's shared state. */
export interface ApiContext {
  readonly backend: ApiBackend;
  readonly metrics: GatewayMetrics | undefined;
  readonly authenticator: Authenticator;
  /** Per-key rate limits. */
  readonly keyBuckets: TokenBuckets;
  /** Concurrent submits with one Idempotency-Key wait for each other. */
  readonly idempotency: PerNameQueue;
  /** Admin routing changes run one at a time, so a rollback restores what the change replaced. */
  readonly routingChanges: PerNameQueue;
  /** Most messages in one batch. */
  readonly maxBatch: number;
}

const requestKeys = new WeakMap<FastifyRequest, ApiKey>();

/** Remembers the key `request` was authenticated with. */
export function setKeyOf(request: FastifyRequest, key: ApiKey): void {
  requestKeys.set(request, key);
}

/** The key `request` was authenticated with (the routes behind the auth hook always have one). */
export function keyOf(request: FastifyRequest): ApiKey {
  const key = requestKeys.get(request);
  if (key === undefined) throw new ApiHttpError(401, 'unauthorized', 'not authenticated', null, { 'www-authenticate': 'Bearer realm="switchboard"' });
  return key;
}
