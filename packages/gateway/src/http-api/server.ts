// The HTTP API's listener: fastify on its own host and port, beside the status page. Every route's
// input is checked by its schema; every failure, from a handler, a hook or fastify itself, is
// answered as JSON with a stable code (errors.ts), so no input can crash it.
import type { AddressInfo } from 'node:net';
import createDebug from 'debug';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { MessageOutcome } from '../metrics/labels.js';
import { STORE_RETRY_AFTER, StoreError } from '../store-error.js';
import { registerAdminKeyRoutes } from './admin-key-routes.js';
import { registerAdminRoutingRoutes } from './admin-routing-routes.js';
import { setKeyOf, keyOf, type ApiContext } from './api-context.js';
import { Authenticator, type AuthenticatorOptions } from './authenticator.js';
import type { ApiBackend } from './backend.js';
import { ApiHttpError, ApiInputError, errorBody, type ApiErrorCode } from './errors.js';
import { PerNameQueue } from './idempotency.js';
import { registerMessageRoutes } from './message-routes.js';
import { registerOpenApi, registerOpenApiRoute } from './openapi.js';
import { TokenBuckets } from './token-buckets.js';
import { fieldOf, messageOf } from './validation-errors.js';

const log = createDebug('switchboard:gateway:http-api');

/** Default largest request body: 1 MiB (a full batch of long texts fits). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Default most messages in one batch. */
export const DEFAULT_MAX_BATCH = 100;

/** How to start the HTTP API. */
export interface HttpApiOptions extends AuthenticatorOptions {
  /** The address to listen on. */
  readonly host: string;
  /** The port; 0 picks a free one (see {@link HttpApi.port}). */
  readonly port: number;
  /** The gateway behind it. */
  readonly backend: ApiBackend;
  /** Where submits are counted (`messageIn('http', outcome)`). */
  readonly metrics?: GatewayMetrics;
  /** Largest request body in bytes (default {@link DEFAULT_BODY_LIMIT}); larger is answered 413. */
  readonly bodyLimit?: number;
  /** Most messages in one batch (default {@link DEFAULT_MAX_BATCH}). */
  readonly maxBatch?: number;
  /** Most API keys with a rate-limit bucket in memory (default 10000; the least recently used goes first). */
  readonly maxRateBuckets?: number;
}

/** A running HTTP API. */
export interface HttpApi {
  /** The port it listens on. */
  readonly port: number;
  /** Stops taking connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/** An answer to an error: status, code, sentence, field and headers. */
interface ErrorAnswer {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly field: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** What any error thrown while answering becomes. */
function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof ApiHttpError) return { status: error.status, code: error.code, message: error.message, field: error.field, headers: error.headers };
  if (error instanceof ApiInputError) return { status: 400, code: error.code, message: error.message, field: error.field, headers: {} };
  if (error instanceof StoreError) return { status: 503, code: 'unavailable', message: 'the store is unavailable: retry later', field: null, headers: { 'retry-after': String(STORE_RETRY_AFTER) } };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation !== undefined && fastifyError.validation.length > 0) {
    const failure = fastifyError.validation[0]!;
    const context = fastifyError.validationContext;
    const field = fieldOf(failure, context === 'body' ? '' : context);
    const named = context === 'headers' && field === 'idempotency-key' ? 'Idempotency-Key' : field;
    return { status: 400, code: 'invalid_field', message: messageOf(failure, named), field: named === '' ? null : named, headers: {} };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'the request body is too large', field: null, headers: {} };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'the request body is not valid JSON', field: null, headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'the request body must be application/json', field: null, headers: {} };
  }
  // fastify's body parser and others signal client errors with a 4xx statusCode
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code: ApiErrorCode = error instanceof SyntaxError ? 'invalid_json' : 'bad_request';
    return { status: fastifyError.statusCode, code, message: fastifyError.message ?? 'bad request', field: null, headers: {} };
  }
  log('unexpected error: %O', error);
  return { status: 500, code: 'internal', message: 'internal error', field: null, headers: {} };
}

/** The metrics outcome of a submit answered with `status`, or undefined when it is not counted (401, 403, 404). */
function submitOutcomeOf(status: number): MessageOutcome | undefined {
  if (status === 429) return 'throttled';
  if (status === 503 || status >= 500) return 'unavailable';
  if (status === 400 || status === 409 || status === 413 || status === 415) return 'invalid';
  return undefined;
}

function isSubmit(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return request.method === 'POST' && (url === '/v1/messages' || url === '/v1/messages/batch');
}

/** Builds the API's fastify instance (routes registered, not listening): for `inject` in tests and for {@link startHttpApi}. */
export async function buildHttpApi(options: Omit<HttpApiOptions, 'host' | 'port'>): Promise<FastifyInstance> {
  const context: ApiContext = {
    backend: options.backend,
    metrics: options.metrics,
    authenticator: new Authenticator(options.backend.store, options),
    keyBuckets: new TokenBuckets(options.maxRateBuckets ?? 10_000),
    idempotency: new PerNameQueue(),
    routingChanges: new PerNameQueue(),
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // a client that sends its request slowly holds a socket: bound how long
    requestTimeout: 30_000,
    // unknown fields are refused (a typo such as callback_url is an error, not silently dropped)
    ajv: { customOptions: { removeAdditional: false, allowUnionTypes: true } },
  });
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const answer = answerFor(error);
    if (isSubmit(request)) {
      const outcome = submitOutcomeOf(answer.status);
      if (outcome !== undefined) options.metrics?.messageIn('http', outcome);
    }
    if (answer.status >= 500) log('%s %s answered %d: %O', request.method, request.url, answer.status, error);
    return reply.code(answer.status).headers(answer.headers).send(errorBody(answer.code, answer.message, answer.field));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));

  await registerOpenApi(app);
  registerOpenApiRoute(app);

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    const now = context.backend.now();
    const key = await context.authenticator.authenticate(request.headers.authorization, request.ip, now);
    setKeyOf(request, key);
    const refused = context.keyBuckets.take(key.id, now, key.ratePerSecond, key.burst);
    if (refused !== undefined) throw new ApiHttpError(429, 'rate_limited', `rate limit: ${key.ratePerSecond} requests per second, ${key.burst} at once`, null, { 'retry-after': String(refused.retryAfter) });
  };

  await app.register(async (scope) => {
    scope.addHook('onRequest', authenticate);
    registerMessageRoutes(scope, context);
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      await authenticate(request);
      if (!keyOf(request).admin) throw new ApiHttpError(403, 'forbidden', 'this route needs an admin key');
    });
    registerAdminKeyRoutes(scope, context);
    registerAdminRoutingRoutes(scope, context);
  });
  await app.ready();
  return app;
}

/** Starts the HTTP API on `options.host`:`options.port`. Rejects when it cannot listen. */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const app = await buildHttpApi(options);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  log('listening on %s:%d', options.host, port);
  return { port, close: () => app.close() };
}
