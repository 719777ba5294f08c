// The admin API's keys: make one (its token is shown once), list them (no secrets), delete one.
import type { FastifyInstance } from 'fastify';
import type { ApiKey } from '../api-store.js';
import type { ApiContext } from './api-context.js';
import { ApiHttpError, ApiInputError } from './errors.js';
import { createApiKey } from './keys.js';
import { createdKeySchema, errorSchema, keyIdParams, keySchema, newKeySchema } from './schemas.js';
import { isHttpUrl } from './submission.js';

const errors = { '4xx': errorSchema, '5xx': errorSchema };
const security = [{ bearer: [] }];

/** The body of `POST /v1/admin/keys` once validated. */
interface NewKeyBody {
  readonly name: string;
  readonly admin: boolean;
  readonly ratePerSecond?: number;
  readonly burst?: number;
  readonly callbackUrl?: string;
}

/** A key as listed: never its hash nor its webhook secret. */
function keyViewOf(key: ApiKey): Record<string, unknown> {
  return { id: key.id, name: key.name, admin: key.admin, ratePerSecond: key.ratePerSecond, burst: key.burst, callbackUrl: key.callbackUrl, createdAt: key.createdAt };
}

/** Registers the key routes on `app` (behind the admin hook). */
export function registerAdminKeyRoutes(app: FastifyInstance, context: ApiContext): void {
  const { backend } = context;

  app.post(
    '/v1/admin/keys',
    {
      schema: {
        summary: 'Make an API key',
        description: 'Answers 201 with the token `<id>.<secret>`: the only time the secret is shown. Store it; only its hash is kept.',
        tags: ['admin'],
        security,
        body: newKeySchema,
        response: { 201: createdKeySchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as NewKeyBody;
      if (body.callbackUrl !== undefined && !isHttpUrl(body.callbackUrl)) throw new ApiInputError('invalid_field', 'callbackUrl', 'callbackUrl is not an http(s) URL');
      const { token, key } = await createApiKey(backend.store, { ...body, now: backend.now() });
      return reply.code(201).send({ ...keyViewOf(key), token, webhookSecret: key.webhookSecret });
    },
  );

  app.get(
    '/v1/admin/keys',
    {
      schema: { summary: 'Every API key (no secrets)', tags: ['admin'], security, response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keySchema } } }, ...errors } },
    },
    async () => ({ keys: (await backend.store.keys()).map(keyViewOf) }),
  );

  app.delete(
    '/v1/admin/keys/:id',
    {
      schema: {
        summary: 'Delete an API key',
        description: "Its messages stay. It stops working at once on this node, and within the key cache's time (5 s) on others.",
        tags: ['admin'],
        security,
        params: keyIdParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const removed = await backend.store.removeKey(id);
      context.authenticator.forget(id);
      if (!removed) throw new ApiHttpError(404, 'not_found', 'no such key');
      return reply.code(204).send();
    },
  );
}
